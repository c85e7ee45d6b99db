// The flow engine: given a flow and the state of one walk-through, what to ask next, whether an answer
// is valid, and how Back undoes a step. Pure and serialisable, so any process can take the next step.
import { z } from "zod";
import { dependsOn, matchesAny, type ChoiceQuestion, type Flow, type Question } from "./flow.js";
import { AnswerValue, Answers } from "./vocabulary.js";

export const Suggestion = z.strictObject({
  value: AnswerValue,
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string().max(200)).max(10),
});
export type Suggestion = z.infer<typeof Suggestion>;

/** Legacy trail mark (before per-answer confirmation): all suggestions accepted or declined at once. */
export const INFERRED_STEP = "@inferred";
/** Trail marks of the suggestion steps: `@keep:intent,asset` kept those, `@change:intent` asked to change one. */
const KEEP = "@keep:";
const CHANGE = "@change:";

export const FlowState = z.strictObject({
  answers: Answers,
  /** steps taken, in order (question ids or the marks above), so Back can undo exactly one. */
  trail: z.array(z.string()).max(200),
  /** what pre-triage proposed; stays as it was, so the incident can record proposed against chosen. */
  suggestions: z.record(z.string(), Suggestion),
  /**
   * Suggestions the responder kept. A kept suggestion becomes the answer as soon as its question
   * applies: "attack kind: jailbreak" can be kept before intent is settled.
   */
  kept: z.array(z.string()).max(50).default([]),
  /** the suggested question the responder chose to change: asked now, then back to the others. */
  changing: z.string().optional(),
  /** written by conversations started before per-answer confirmation; read only by Back. */
  inference: z.enum(["none", "pending", "accepted", "review"]).optional(),
  accepted: z.array(z.string()).optional(),
});
export type FlowState = z.infer<typeof FlowState>;

export const emptyState = (): FlowState => ({ answers: {}, trail: [], suggestions: {}, kept: [] });

export interface InferredItem {
  question: ChoiceQuestion;
  suggestion: Suggestion;
  /** false while the question depends on an answer still open (attack kind before intent). */
  changeable: boolean;
}

export type Step =
  | { kind: "question"; question: Question; suggestion?: Suggestion; index: number; total: number }
  | { kind: "confirm-inferred"; items: InferredItem[]; index: number; total: number }
  | { kind: "done" };

/** What the responder does with the suggestions: keep all that are left, keep one, or change one. */
export type InferredDecision = { decision: "keep-all" } | { decision: "keep" | "change"; questionId: string };

export type AnswerResult = { ok: true; state: FlowState } | { ok: false; error: string };

const applies = (q: Question, answers: Answers) => !q.askWhen || matchesAny(q.askWhen, answers);

export function nextStep(flow: Flow, s: FlowState): Step {
  const q = flow.questions.find((x) => applies(x, s.answers) && s.answers[x.id] === undefined);
  if (!q) return { kind: "done" };
  const { index, total } = progress(flow, s);
  const changing = s.changing !== undefined ? flow.questions.find((x) => x.id === s.changing) : undefined;
  if (changing && applies(changing, s.answers) && s.answers[changing.id] === undefined && s.suggestions[changing.id]) {
    return { kind: "question", question: changing, suggestion: s.suggestions[changing.id]!, index, total };
  }
  const items = pendingItems(flow, s);
  if (items.length) return { kind: "confirm-inferred", items, index, total };
  const suggestion = s.suggestions[q.id];
  return suggestion ? { kind: "question", question: q, suggestion, index, total } : { kind: "question", question: q, index, total };
}

/** Validates and records the answer to the current question. */
export function answer(flow: Flow, s: FlowState, questionId: string, raw: unknown): AnswerResult {
  const step = nextStep(flow, s);
  if (step.kind !== "question" || step.question.id !== questionId) {
    return { ok: false, error: `'${questionId}' is not the question being asked now` };
  }
  const value = validate(step.question, raw);
  if (typeof value === "object" && value !== null && "error" in value) return { ok: false, error: value.error };
  const { changing: _done, ...rest } = s;
  const answers = settle(flow, { ...s.answers, [questionId]: value as string | string[] }, s);
  return { ok: true, state: { ...rest, answers, trail: [...s.trail, questionId] } };
}

/** Offers suggestions (from free-text pre-triage) for the responder to confirm; invalid ones are dropped. */
export function suggest(flow: Flow, s: FlowState, found: Record<string, Suggestion>): FlowState {
  const suggestions: Record<string, Suggestion> = {};
  for (const [qid, sug] of Object.entries(found)) {
    const q = flow.questions.find((x) => x.id === qid);
    if (!q || q.kind === "text" || s.answers[qid] !== undefined) continue;
    const v = validate(q, sug.value);
    if (typeof v === "object" && !Array.isArray(v)) continue;
    suggestions[qid] = { ...sug, value: v };
  }
  return { ...s, suggestions, kept: [] };
}

/**
 * Keeps all the suggestions still waiting, keeps one, or opens one to change (its question is asked
 * next with the suggestion marked; the others wait). `true` is short for keep-all: what a one-shot
 * classification assumes.
 */
export function decideInferred(flow: Flow, s: FlowState, d: InferredDecision | true): AnswerResult {
  const decision: InferredDecision = d === true ? { decision: "keep-all" } : d;
  const step = nextStep(flow, s);
  if (step.kind !== "confirm-inferred") return { ok: false, error: "there are no suggested answers to confirm now" };
  if (decision.decision === "keep-all") return { ok: true, state: keep(flow, s, step.items.map((i) => i.question.id)) };
  const item = step.items.find((i) => i.question.id === decision.questionId);
  if (!item) return { ok: false, error: `'${decision.questionId}' has no suggested answer waiting to be confirmed` };
  if (decision.decision === "keep") return { ok: true, state: keep(flow, s, [item.question.id]) };
  if (!item.changeable) {
    const on = (item.question.askWhen ? dependsOn(item.question.askWhen) : []).map((k) => `'${k}'`).join(", ");
    return { ok: false, error: `'${item.question.id}' depends on ${on}: keep or change that first, then this one` };
  }
  return { ok: true, state: { ...s, changing: item.question.id, trail: [...s.trail, `${CHANGE}${item.question.id}`] } };
}

function keep(flow: Flow, s: FlowState, ids: string[]): FlowState {
  const kept = [...s.kept, ...ids];
  return { ...s, kept, answers: settle(flow, s.answers, { ...s, kept }), trail: [...s.trail, `${KEEP}${ids.join(",")}`] };
}

/** Undoes the last step. Returns the state unchanged when there is nothing to undo. */
export function back(flow: Flow, s: FlowState): FlowState {
  const last = s.trail.at(-1);
  if (last === undefined) return s;
  const trail = s.trail.slice(0, -1);
  const { changing: _c, ...rest } = s;
  if (last.startsWith(KEEP)) {
    const ids = last.slice(KEEP.length).split(",");
    const answers = { ...s.answers };
    for (const qid of ids) delete answers[qid];
    const kept = s.kept.filter((k) => !ids.includes(k));
    return { ...rest, kept, answers: settle(flow, answers, { ...s, kept }), trail };
  }
  if (last.startsWith(CHANGE)) return { ...rest, trail };
  if (last === INFERRED_STEP) {
    const answers = { ...s.answers };
    for (const qid of s.accepted ?? []) delete answers[qid];
    return { ...rest, answers, trail, accepted: [] };
  }
  const answers = { ...s.answers };
  delete answers[last];
  // Going back past the description forgets its suggestions: a new description brings new ones.
  if (last === "description") return { ...rest, answers, trail, suggestions: {}, kept: [] };
  // The answer to a suggestion being changed: Back asks that question again, not the whole list.
  const reopened = trail.at(-1) === `${CHANGE}${last}` ? { changing: last } : {};
  return { ...rest, ...reopened, answers: settle(flow, answers, s), trail };
}

export function validate(q: Question, raw: unknown): string | string[] | { error: string } {
  if (q.kind === "text") {
    if (typeof raw !== "string") return { error: `'${q.id}' needs text` };
    // Control characters are dropped: they break rendering in every chat client and in logs.
    const text = raw.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "").trim();
    if (text.length < q.minLength) return { error: `'${q.id}' needs at least ${q.minLength} character(s)` };
    if (text.length > q.maxLength) return { error: `'${q.id}' is ${text.length} characters; the limit is ${q.maxLength}` };
    return text;
  }
  const allowed = q.options.map((o) => o.value);
  const bad = (v: unknown) => ({ error: `${JSON.stringify(v)} is not an option of '${q.id}' (allowed: ${allowed.join(", ")})` });
  if (q.kind === "one") {
    return typeof raw === "string" && allowed.includes(raw) ? raw : bad(raw);
  }
  const list = Array.isArray(raw) ? raw : typeof raw === "string" && raw === "" ? [] : null;
  if (!list) return { error: `'${q.id}' takes a list of options (allowed: ${allowed.join(", ")}; empty for none)` };
  const wrong = list.find((v) => typeof v !== "string" || !allowed.includes(v));
  if (wrong !== undefined) return bad(wrong);
  // Keep the flow's order and drop repeats, so equal answers compare equal.
  return allowed.filter((v) => list.includes(v));
}

/**
 * The answers as they stand after a change: answers to questions that no longer apply (Back changed
 * an earlier answer) are dropped, and kept suggestions whose question now applies are filled in.
 */
function settle(flow: Flow, answers: Answers, s: Pick<FlowState, "kept" | "suggestions">): Answers {
  const out: Answers = {};
  for (const q of flow.questions) {
    if (!applies(q, out)) continue;
    const a = answers[q.id] ?? (s.kept.includes(q.id) ? s.suggestions[q.id]?.value : undefined);
    if (a !== undefined) out[q.id] = a;
  }
  for (const [k, v] of Object.entries(answers)) if (!flow.questions.some((q) => q.id === k)) out[k] = v;
  return out;
}

/**
 * Suggestions still waiting for the responder, in flow order: not answered, not kept, and whose
 * question applies, or would apply if the suggestions before it were kept (so "jailbreak" is shown
 * beside "deliberate", but not once intent was answered "none").
 */
function pendingItems(flow: Flow, s: FlowState): InferredItem[] {
  const assumed: Answers = { ...s.answers };
  const items: InferredItem[] = [];
  for (const q of flow.questions) {
    const suggestion = s.suggestions[q.id];
    if (!suggestion || q.kind === "text" || s.answers[q.id] !== undefined || s.kept.includes(q.id) || !applies(q, assumed)) continue;
    assumed[q.id] = suggestion.value;
    items.push({ question: q, suggestion, changeable: applies(q, s.answers) });
  }
  return items;
}

/**
 * 1-based position of the next question and the expected total, for a "question 3 of 8" hint.
 * Questions whose askWhen is still undecided: branches on the same unanswered questions are
 * alternatives (attack kind or failure kind) and count once; a lone conditional question (the
 * reporting questions, usually not asked) counts only once its condition is known to match.
 */
function progress(flow: Flow, s: FlowState): { index: number; total: number } {
  let answered = 0;
  let remaining = 0;
  const undecided = new Map<string, number>();
  for (const q of flow.questions) {
    const decided = !q.askWhen || dependsOn(q.askWhen).every((k) => s.answers[k] !== undefined);
    if (decided && !applies(q, s.answers)) continue;
    if (s.answers[q.id] !== undefined) answered++;
    else if (decided || applies(q, s.answers)) remaining++;
    else {
      const key = dependsOn(q.askWhen!).sort().join("|");
      undecided.set(key, (undecided.get(key) ?? 0) + 1);
    }
  }
  for (const n of undecided.values()) if (n > 1) remaining++;
  return { index: Math.min(answered + 1, answered + remaining), total: answered + remaining };
}
