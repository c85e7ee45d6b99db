// The flow engine: given a flow and the state of one walk-through, what to ask next, whether an answer
// is valid, and how Back undoes a step. Pure and serialisable, so any process can take the next step.
import { z } from "zod";
import { matches, type ChoiceQuestion, type Flow, type Question } from "./flow.js";
import { AnswerValue, Answers } from "./vocabulary.js";

export const Suggestion = z.strictObject({
  value: AnswerValue,
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string().max(200)).max(10),
});
export type Suggestion = z.infer<typeof Suggestion>;

/** Marks, in the trail, the step where the responder accepted or declined the inferred answers. */
export const INFERRED_STEP = "@inferred";

export const FlowState = z.strictObject({
  answers: Answers,
  /** steps taken, in order (question ids or INFERRED_STEP), so Back can undo exactly one. */
  trail: z.array(z.string()).max(200),
  suggestions: z.record(z.string(), Suggestion),
  inference: z.enum(["none", "pending", "accepted", "review"]),
  /** answers that came from accepted suggestions (undone together by Back). */
  accepted: z.array(z.string()),
});
export type FlowState = z.infer<typeof FlowState>;

export const emptyState = (): FlowState => ({ answers: {}, trail: [], suggestions: {}, inference: "none", accepted: [] });

export type Step =
  | { kind: "question"; question: Question; suggestion?: Suggestion; index: number; total: number }
  | { kind: "confirm-inferred"; items: Array<{ question: ChoiceQuestion; suggestion: Suggestion }>; index: number; total: number }
  | { kind: "done" };

export type AnswerResult = { ok: true; state: FlowState } | { ok: false; error: string };

const applies = (q: Question, answers: Answers) => !q.askWhen || matches(q.askWhen, answers);

export function nextStep(flow: Flow, s: FlowState): Step {
  const { index, total } = progress(flow, s);
  for (const q of flow.questions) {
    if (!applies(q, s.answers) || s.answers[q.id] !== undefined) continue;
    if (s.inference === "pending" && q.id !== "description") {
      return { kind: "confirm-inferred", items: pendingItems(flow, s), index, total };
    }
    const suggestion = s.inference === "review" ? s.suggestions[q.id] : undefined;
    return suggestion ? { kind: "question", question: q, suggestion, index, total } : { kind: "question", question: q, index, total };
  }
  return { kind: "done" };
}

/** Validates and records the answer to the current question. */
export function answer(flow: Flow, s: FlowState, questionId: string, raw: unknown): AnswerResult {
  const step = nextStep(flow, s);
  if (step.kind !== "question" || step.question.id !== questionId) {
    return { ok: false, error: `'${questionId}' is not the question being asked now` };
  }
  const value = validate(step.question, raw);
  if (typeof value === "object" && value !== null && "error" in value) return { ok: false, error: value.error };
  const answers = prune(flow, { ...s.answers, [questionId]: value as string | string[] });
  return { ok: true, state: { ...s, answers, trail: [...s.trail, questionId] } };
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
  return { ...s, suggestions, inference: Object.keys(suggestions).length ? "pending" : "none" };
}

export function decideInferred(flow: Flow, s: FlowState, accept: boolean): AnswerResult {
  if (s.inference !== "pending") return { ok: false, error: "there are no suggested answers to confirm now" };
  const trail = [...s.trail, INFERRED_STEP];
  if (!accept) return { ok: true, state: { ...s, inference: "review", trail } };
  // Accept in flow order, so a suggestion only lands where its question applies given the others.
  const answers = { ...s.answers };
  const accepted: string[] = [];
  for (const q of flow.questions) {
    const sug = s.suggestions[q.id];
    if (sug && answers[q.id] === undefined && applies(q, answers)) {
      answers[q.id] = sug.value;
      accepted.push(q.id);
    }
  }
  return { ok: true, state: { ...s, answers, accepted, inference: "accepted", trail } };
}

/** Undoes the last step. Returns the state unchanged when there is nothing to undo. */
export function back(flow: Flow, s: FlowState): FlowState {
  const last = s.trail.at(-1);
  if (last === undefined) return s;
  const trail = s.trail.slice(0, -1);
  if (last === INFERRED_STEP) {
    const answers = { ...s.answers };
    for (const qid of s.accepted) delete answers[qid];
    return { ...s, answers, trail, accepted: [], inference: "pending" };
  }
  const answers = { ...s.answers };
  delete answers[last];
  // Going back past the description forgets its suggestions: a new description brings new ones.
  const reset = last === "description" ? { suggestions: {}, inference: "none" as const, accepted: [] } : {};
  return { ...s, ...reset, answers, trail };
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

/** Drops answers to questions that no longer apply (after Back changed an earlier answer). */
function prune(flow: Flow, answers: Answers): Answers {
  const kept: Answers = {};
  for (const q of flow.questions) {
    const a = answers[q.id];
    if (a !== undefined && applies(q, kept)) kept[q.id] = a;
  }
  for (const [k, v] of Object.entries(answers)) if (!flow.questions.some((q) => q.id === k)) kept[k] = v;
  return kept;
}

function pendingItems(flow: Flow, s: FlowState) {
  return flow.questions
    .filter((q): q is ChoiceQuestion => q.kind !== "text" && s.suggestions[q.id] !== undefined)
    .map((question) => ({ question, suggestion: s.suggestions[question.id]! }));
}

/** 1-based position of the next question and the expected total, for a "question 3 of 8" hint. */
function progress(flow: Flow, s: FlowState): { index: number; total: number } {
  let answered = 0;
  let remaining = 0;
  const undecided = new Set<string>();
  for (const q of flow.questions) {
    const decided = !q.askWhen || Object.keys(q.askWhen).every((k) => s.answers[k] !== undefined);
    if (decided && !applies(q, s.answers)) continue;
    if (s.answers[q.id] !== undefined) answered++;
    else if (decided) remaining++;
    else {
      // Branches on the same unanswered question are alternatives: count them once.
      const key = Object.keys(q.askWhen!).sort().join("|");
      if (!undecided.has(key)) remaining++;
      undecided.add(key);
    }
  }
  return { index: Math.min(answered + 1, answered + remaining), total: answered + remaining };
}
