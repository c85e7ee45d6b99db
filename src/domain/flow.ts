// The declarative question flow: its schema and the checks that make a bad flow file fail at load
// with an error naming the file, the question and the field, instead of misbehaving mid-incident.
import { z } from "zod";
import { OptionValue, QuestionId } from "./ids.js";
import { CONTRACT, DESCRIPTION_MAX, Severity, type ContractQuestionId } from "./vocabulary.js";

const Id = QuestionId;
/** question id → accepted values; an answer matches when it holds (or is) any of them. */
export const Condition = z.record(Id, z.array(z.string().min(1)).min(1));
export type Condition = z.infer<typeof Condition>;
/**
 * When a question is asked: one condition, or a list of which any may match (a question about the
 * AI Act's serious effects applies when people were harmed *or* infrastructure was hit).
 */
export const AskWhen = z.union([Condition, z.array(Condition).min(1).max(10)]);
export type AskWhen = z.infer<typeof AskWhen>;

const Option = z.strictObject({
  value: OptionValue,
  label: z.string().min(1).max(75),
  hint: z.string().max(150).optional(),
});

const Common = {
  id: Id,
  prompt: z.string().min(1).max(300),
  help: z.string().max(500).optional(),
  askWhen: AskWhen.optional(),
};
const TextQuestion = z.strictObject({
  ...Common,
  kind: z.literal("text"),
  minLength: z.number().int().min(1).default(1),
  maxLength: z.number().int().min(1).max(DESCRIPTION_MAX).default(DESCRIPTION_MAX),
});
const ChoiceQuestion = z.strictObject({
  ...Common,
  kind: z.enum(["one", "many"]),
  options: z.array(Option).min(1).max(25),
  /** label of the "none of these" button for `many` questions (an empty answer). */
  noneLabel: z.string().max(75).optional(),
});
export const Question = z.discriminatedUnion("kind", [TextQuestion, ChoiceQuestion]);
export type Question = z.infer<typeof Question>;
export type ChoiceQuestion = z.infer<typeof ChoiceQuestion>;

const SeverityRule = z.strictObject({
  severity: Severity,
  because: z.string().min(1).max(200),
  when: Condition,
});
export type SeverityRule = z.infer<typeof SeverityRule>;

export const FlowSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1).max(100),
  questions: z.array(Question).min(1).max(50),
  severity: z.strictObject({
    default: Severity,
    defaultBecause: z.string().min(1).max(200),
    rules: z.array(SeverityRule).max(100),
  }),
});
export type Flow = z.infer<typeof FlowSchema>;

export class FlowError extends Error {
  readonly code = "FLOW_INVALID";
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: invalid flow\n  - ${problems.join("\n  - ")}`);
  }
}

/** Parses an already-decoded flow document; `file` is only used to name it in errors. */
export function parseFlow(doc: unknown, file: string): Flow {
  const parsed = FlowSchema.safeParse(doc);
  if (!parsed.success) {
    throw new FlowError(file, parsed.error.issues.map((i) => describeIssue(doc, i.path, i.message)));
  }
  const problems = checkSemantics(parsed.data);
  if (problems.length) throw new FlowError(file, problems);
  return parsed.data;
}

function describeIssue(doc: unknown, path: PropertyKey[], message: string): string {
  if (path[0] === "questions" && typeof path[1] === "number") {
    const raw = (doc as { questions?: Array<{ id?: unknown }> }).questions?.[path[1]];
    const qid = typeof raw?.id === "string" ? raw.id : `#${path[1] + 1}`;
    const field = path.slice(2).map(String).join(".") || "(question)";
    return `question '${qid}', field '${field}': ${message}`;
  }
  return `field '${path.map(String).join(".") || "(root)"}': ${message}`;
}

function checkSemantics(flow: Flow): string[] {
  const problems: string[] = [];
  const seen = new Map<string, Question>();
  for (const q of flow.questions) {
    if (seen.has(q.id)) problems.push(`question '${q.id}', field 'id': duplicate id`);
    problems.push(...checkContract(q));
    if (q.kind !== "text") {
      const dup = q.options.map((o) => o.value).find((v, i, all) => all.indexOf(v) !== i);
      if (dup) problems.push(`question '${q.id}', field 'options': duplicate value '${dup}'`);
    }
    // A question may only depend on questions asked before it, so the order is always well defined.
    if (q.askWhen) {
      const conds = conditionsOf(q.askWhen);
      conds.forEach((c, i) => problems.push(...checkCondition(c, seen, `question '${q.id}', field 'askWhen${Array.isArray(q.askWhen) ? `.${i}` : ""}`)));
    }
    seen.set(q.id, q);
  }
  for (const id of Object.keys(CONTRACT) as ContractQuestionId[]) {
    if (id !== "exploitable" && !seen.has(id)) problems.push(`question '${id}': missing (it is part of the public contract)`);
  }
  if (flow.questions[0]?.id !== "description") problems.push(`question 'description': must be the first question`);
  flow.severity.rules.forEach((r, i) =>
    problems.push(...checkCondition(r.when, seen, `severity rule #${i + 1} (${r.severity}), field 'when`)),
  );
  return problems;
}

function checkContract(q: Question): string[] {
  const contract = CONTRACT[q.id as ContractQuestionId];
  if (!contract) return [];
  if (contract.kind !== q.kind) return [`question '${q.id}', field 'kind': must be '${contract.kind}'`];
  if (q.kind === "text") return [];
  const allowed = contract.values as readonly string[];
  return q.options
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => !allowed.includes(o.value))
    .map(({ o, i }) => `question '${q.id}', field 'options.${i}.value': '${o.value}' is not one of ${allowed.join(", ")}`);
}

function checkCondition(cond: Condition, known: Map<string, Question>, where: string): string[] {
  const problems: string[] = [];
  for (const [qid, values] of Object.entries(cond)) {
    const q = known.get(qid);
    if (!q) {
      problems.push(`${where}.${qid}': refers to '${qid}', which is not a question asked before this point`);
      continue;
    }
    if (q.kind === "text") {
      problems.push(`${where}.${qid}': '${qid}' is a free-text question and cannot be matched`);
      continue;
    }
    const valid = q.options.map((o) => o.value);
    for (const v of values) {
      if (!valid.includes(v)) problems.push(`${where}.${qid}': '${v}' is not an option of '${qid}' (${valid.join(", ")})`);
    }
  }
  return problems;
}

/** True when every key of the condition matches the answers (an unanswered key never matches). */
export function matches(cond: Condition, answers: Record<string, string | string[] | undefined>): boolean {
  return Object.entries(cond).every(([qid, values]) => {
    const a = answers[qid];
    if (a === undefined) return false;
    return Array.isArray(a) ? a.some((v) => values.includes(v)) : values.includes(a);
  });
}

/** The conditions of an askWhen, any of which makes the question apply. */
export const conditionsOf = (w: AskWhen): Condition[] => (Array.isArray(w) ? w : [w]);

/** True when any of the askWhen's conditions matches. */
export function matchesAny(w: AskWhen, answers: Record<string, string | string[] | undefined>): boolean {
  return conditionsOf(w).some((c) => matches(c, answers));
}

/** The question ids an askWhen depends on. */
export const dependsOn = (w: AskWhen): string[] => [...new Set(conditionsOf(w).flatMap((c) => Object.keys(c)))];

export function question(flow: Flow, id: string): Question | undefined {
  return flow.questions.find((q) => q.id === id);
}
