// What the LLM is asked for and what of its answer is believed. The request carries a strict JSON
// schema of the contract answers the offline pre-triage infers; the reply must pass a zod schema, and
// a proposal survives only if every quote it gives as evidence is in the description word for word
// (a model that invents a quote has not read the text; its answer is dropped, not repaired).
import { z } from "zod";
import type { Reading, Readings } from "../domain/combine-readings.js";
import { CONTRACT } from "../domain/vocabulary.js";

/** The questions the LLM may answer: the same ones the offline model infers from the description. */
export const LLM_QUESTIONS = ["intent", "attackKind", "failureKind", "asset", "ciaLost", "harm"] as const;
export type LlmQuestion = (typeof LLM_QUESTIONS)[number];

/** The flow stores at most 200 characters a quote; a longer quote is cut (still verbatim). */
const MAX_QUOTE = 200;
const MAX_QUOTES = 3;

export const SYSTEM_PROMPT = [
  "You read one incident report about an AI system and propose answers to triage questions.",
  "Answer only from the report. For each question give value (null when the report does not say),",
  "confidence between 0 and 1, and evidence: 1 to 3 short quotes copied exactly, character for",
  "character, from the report. A quote that is not in the report invalidates the answer.",
  "intent: deliberate (someone did it on purpose), suspected (an adversary is suspected), none (normal",
  "use, no adversary), unknown. attackKind only when intent is deliberate or suspected; failureKind",
  "only when intent is none or unknown. ciaLost and harm are lists; use null rather than an empty list",
  "when the report does not say.",
].join(" ");

/** `response_format` for POST /chat/completions: strict JSON schema, every field required (nullable). */
export function responseFormat() {
  const properties = Object.fromEntries(
    LLM_QUESTIONS.map((q) => {
      const { kind, values } = CONTRACT[q];
      const value =
        kind === "many"
          ? { type: ["array", "null"], items: { type: "string", enum: [...values] } }
          : { type: ["string", "null"], enum: [...values, null] };
      const answer = {
        type: "object",
        additionalProperties: false,
        required: ["value", "confidence", "evidence"],
        properties: { value, confidence: { type: "number" }, evidence: { type: "array", items: { type: "string" } } },
      };
      return [q, answer];
    }),
  );
  return {
    type: "json_schema",
    json_schema: {
      name: "incident_triage_reading",
      strict: true,
      schema: { type: "object", additionalProperties: false, required: [...LLM_QUESTIONS], properties },
    },
  } as const;
}

const answerOf = (q: LlmQuestion) => {
  const values = CONTRACT[q].values as unknown as [string, ...string[]];
  const value = CONTRACT[q].kind === "many" ? z.array(z.enum(values)).max(values.length) : z.enum(values);
  return z.object({ value: value.nullable(), confidence: z.number().min(0).max(1), evidence: z.array(z.string()).max(20) }).nullable().optional();
};
/** The model's answer: each question optional (a lenient gateway may leave one out), values from the contract. */
const Reply = z.object(Object.fromEntries(LLM_QUESTIONS.map((q) => [q, answerOf(q)])) as Record<LlmQuestion, ReturnType<typeof answerOf>>);

/** The chat completion around it: only the first choice's message content is read. */
const Completion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1),
});

export type ParsedReply = { ok: true; inferred: Readings<LlmQuestion>; dropped: string[] } | { ok: false; reason: string };

/** Parses a /chat/completions response body into proposals whose quotes are all in `description`. */
export function parseReply(body: string, description: string): ParsedReply {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: "malformed reply: the response body is not JSON" };
  }
  const completion = Completion.safeParse(json);
  if (!completion.success) return { ok: false, reason: "malformed reply: not a chat completion (no choices[0].message)" };
  const content = completion.data.choices[0]!.message.content;
  if (!content) return { ok: false, reason: "malformed reply: the message has no content (a refusal?)" };
  let answers: unknown;
  try {
    answers = JSON.parse(content);
  } catch {
    return { ok: false, reason: "malformed reply: the message content is not JSON" };
  }
  const parsed = Reply.safeParse(answers);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    return { ok: false, reason: `malformed reply: ${first.path.join(".") || "(root)"}: ${first.message}` };
  }
  const inferred: Readings<LlmQuestion> = {};
  const dropped: string[] = [];
  for (const q of LLM_QUESTIONS) {
    const a = parsed.data[q];
    if (!a || a.value === null || (Array.isArray(a.value) && a.value.length === 0)) continue;
    const reading = believed(a as Reading, description);
    if (reading) inferred[q] = reading;
    else dropped.push(q);
  }
  return { ok: true, inferred, dropped };
}

/** The proposal with its quotes, or undefined when it has none or any of them is not in the text. */
function believed(a: Reading, description: string): Reading | undefined {
  const quotes = a.evidence.map((e) => e.trim()).filter((e) => e.length > 0);
  if (!quotes.length || !quotes.every((e) => description.includes(e))) return undefined;
  const evidence = [...new Set(quotes.map((e) => e.slice(0, MAX_QUOTE)))].slice(0, MAX_QUOTES);
  const value = Array.isArray(a.value) ? [...new Set(a.value)] : a.value;
  return { value, confidence: a.confidence, evidence };
}
