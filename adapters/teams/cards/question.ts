// A choice question: one button per option (single answer), or checkboxes plus "none" and a Submit
// (several answers). The suggested answer, if any, is marked and preselected.
import type { Reply } from "../../../src/bot/reply.js";
import { NONE_VALUE } from "../../../src/views/choices.js";
import { INPUT } from "../submit.js";
import { LIMIT, card, clip, pct, submit, subtle, text, type AdaptiveCard, type Element } from "./card.js";
import { plain } from "./inert.js";
import { navigation, progressLine } from "./step.js";

type Question = Extract<Reply, { kind: "question" }>;
/** The value sent for "none of these" (src/views/choices.ts reads it back). */
export { NONE_VALUE };

export function questionCard(q: Question): AdaptiveCard {
  const { conversationId, rev, questionId } = q;
  const suggested = new Set(q.suggestion ? [q.suggestion.value].flat() : []);
  const body: Element[] = [progressLine(q.progress), text(q.prompt, { weight: "bolder" })];
  if (q.help) body.push(subtle(q.help));
  if (q.suggestion) {
    const from = q.suggestion.evidence.length ? `, from "${q.suggestion.evidence.map(plain).join('", "')}"` : "";
    body.push(text(`Suggested: ${q.suggestion.labels.join(", ") || "none"} (${pct(q.suggestion.confidence)} confident${from})`, { color: "accent", size: "small" }));
  }
  const hints = q.options.filter((o) => o.hint).map((o) => `- **${o.label}**: ${o.hint}`);
  if (hints.length) body.push(text(hints.join("\n"), { size: "small", isSubtle: true }));
  if (q.multi) {
    body.push({
      type: "Input.ChoiceSet",
      id: INPUT.choices,
      isMultiSelect: true,
      style: "expanded",
      choices: [...q.options.map((o) => ({ title: clip(o.label, LIMIT.label), value: o.value })), { title: q.noneLabel ?? "None of these", value: NONE_VALUE }],
      ...(q.suggestion ? { value: suggested.size ? [...suggested].join(",") : NONE_VALUE } : {}),
      isRequired: true,
      errorMessage: "Pick at least one, or the last option for none.",
    });
    body.push({ type: "ActionSet", actions: [submit("Submit", { action: "answer", conversationId, rev, questionId }, "positive")] });
  } else {
    // One ActionSet per option stacks the buttons, so long labels are not cut off side by side.
    for (const o of q.options) {
      const mark = suggested.has(o.value);
      body.push({ type: "ActionSet", actions: [submit(mark ? `${o.label} (suggested)` : o.label, { action: "answer", conversationId, rev, questionId, value: o.value }, mark ? "positive" : undefined)] });
    }
  }
  return card(body, navigation(q, q.canBack));
}
