// The walk-through steps as Block Kit: one question per message, progress, suggested answers with
// their evidence, and Back / Cancel. Buttons carry only the conversation id, revision and ids.
import type { types } from "@slack/bolt";
import type { Reply, StepRef, SuggestionView } from "../../../src/bot/reply.js";
import { ACTIONS, encode, type StepValue } from "../ids.js";
import { LIMITS, actions, button, clip, context, esc, pct, section, sections, type Block, type Button } from "./kit.js";

type Question = Extract<Reply, { kind: "question" }>;
type TextPrompt = Extract<Reply, { kind: "text-prompt" }>;
type Confirm = Extract<Reply, { kind: "confirm-inferred" }>;
type Duplicate = Extract<Reply, { kind: "duplicate" }>;

const value = (r: StepRef, extra: Partial<StepValue> = {}) => encode({ c: r.conversationId, r: r.rev, ...extra });
const progress = (p: { index: number; total: number }) => (p.total ? `Question ${p.index} of ${p.total}` : "");

function head(prompt: string, p: { index: number; total: number }, help?: string): Block[] {
  const blocks = [section(`*${esc(prompt)}*`)];
  blocks.push(context([progress(p), help ? esc(help) : ""].filter(Boolean).join(" · ") || " "));
  return blocks;
}

function evidence(s: SuggestionView): string {
  const words = s.evidence.length ? `, from “${s.evidence.map(esc).join("”, “")}”` : "";
  return `${pct(s.confidence)} confident${words}`;
}

function navigation(r: StepRef & { canBack: boolean }, qid?: string): Button[] {
  const ids = qid ? { q: qid } : {};
  return [...(r.canBack ? [button("Back", ACTIONS.back, value(r, ids))] : []), button("Cancel", ACTIONS.cancel, value(r, ids))];
}

export function questionBlocks(q: Question): Block[] {
  const blocks = head(q.prompt, q.progress, q.help);
  const suggested = new Set([q.suggestion?.value ?? []].flat());
  if (q.suggestion) blocks.push(section(`:bulb: Suggested: *${esc(q.suggestion.labels.join(", ") || "none")}* (${evidence(q.suggestion)})`));
  const hints = q.options.filter((o) => o.hint).map((o) => `• *${esc(o.label)}*: ${esc(o.hint!)}`);
  if (!q.multi) {
    if (hints.length) blocks.push(...sections(hints, 2));
    const opts = q.options.map((o) =>
      button(o.label, `${ACTIONS.answer}:${o.value}`, value(q, { q: q.questionId, v: o.value }), suggested.has(o.value) ? "primary" : undefined),
    );
    blocks.push(actions("options", opts));
  } else {
    // Checkboxes hold at most 10 options each: larger lists are split over several groups.
    const groups: types.Checkboxes[] = [];
    for (let i = 0; i < q.options.length; i += 10) {
      const options = q.options.slice(i, i + 10).map((o) => ({
        text: { type: "plain_text" as const, text: clip(o.label, LIMITS.option) },
        value: o.value,
        ...(o.hint ? { description: { type: "plain_text" as const, text: clip(o.hint, LIMITS.option) } } : {}),
      }));
      const initial = options.filter((o) => suggested.has(o.value));
      groups.push({ type: "checkboxes", action_id: `${ACTIONS.multiPick}:${i / 10}`, options, ...(initial.length ? { initial_options: initial } : {}) });
    }
    blocks.push(actions("choices", groups));
    blocks.push(
      actions("submit", [
        button("Next", ACTIONS.multiNext, value(q, { q: q.questionId }), "primary"),
        button(q.noneLabel ?? "None of these", ACTIONS.multiNone, value(q, { q: q.questionId })),
      ]),
    );
  }
  blocks.push(actions("nav", navigation(q, q.questionId)));
  return blocks;
}

export function textPromptBlocks(t: TextPrompt): Block[] {
  return [
    ...head(t.prompt, t.progress, t.help),
    actions("answer", [button("Write your answer", ACTIONS.textOpen, value(t, { q: t.questionId }), "primary"), ...navigation(t, t.questionId)]),
    context("Or type your answer here as a message."),
  ];
}

/** Each suggestion with Keep / Change of its own, then Keep all for the rest. */
export function confirmBlocks(c: Confirm): Block[] {
  const blocks = [section("*From your description I suggest these answers.* Keep the right ones; change a wrong one and only that question is asked."), context(progress(c.progress) || " ")];
  for (const it of c.items) {
    const later = it.changeable ? "" : "\n_To change it, first settle the answer it depends on above._";
    blocks.push(section(`${esc(it.prompt)}\n→ *${esc(it.labels.join(", ") || "none")}* (${evidence(it)})${later}`));
    const ids = { q: it.questionId };
    blocks.push(
      actions(`suggestion:${it.questionId}`, [
        button("Keep", `${ACTIONS.keep}:${it.questionId}`, value(c, ids)),
        ...(it.changeable ? [button("Change", `${ACTIONS.change}:${it.questionId}`, value(c, ids))] : []),
      ]),
    );
  }
  blocks.push(actions("confirm", [button(c.items.length > 1 ? "Keep all" : "Keep it", ACTIONS.keepAll, value(c), "primary"), ...navigation(c)]));
  return blocks;
}

/** "This looks like INC-…": join it (nobody is paged again) or file a new one. */
export function duplicateBlocks(d: Duplicate): Block[] {
  const i = d.incident;
  return [
    section(`*This looks like ${esc(i.id)}, already reported:*\n> ${esc(i.title)}`),
    context(`${esc(i.severity)} · AI ${esc(i.primary)} · ${esc(i.status)} · reported ${esc(i.createdAt.slice(11, 16))} UTC`),
    section("Join it to add your report to its timeline: its on-call already has it, so nobody is paged again."),
    actions("duplicate", [
      button(`Join ${i.id}`, ACTIONS.joinDuplicate, value(d, { i: i.id }), "primary"),
      button("File a new one", ACTIONS.fileNew, value(d)),
      ...navigation(d),
    ]),
  ];
}
