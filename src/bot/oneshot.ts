// One-shot triage without a conversation: `triage classify` (free text only) and `triage replay`
// (recorded answers run through the flow). Same flow, classifier and router as the chat bot.
import { z } from "zod";
import { classify, type Classification } from "../domain/classify.js";
import * as engine from "../domain/engine.js";
import type { Flow } from "../domain/flow.js";
import { preTriage, type PreTriage, type SignalModel } from "../domain/pretriage.js";
import type { CompiledIntentModel } from "../domain/intent-model.js";
import type { RefCatalog } from "../domain/refs.js";
import { route, type RoutingDecision } from "../domain/route.js";
import type { Roster } from "../domain/roster.js";
import { coreOf, type Answers } from "../domain/vocabulary.js";

export interface ClassifyResult extends Classification {
  confidence: number;
  inferred: Record<string, { value: string | string[]; confidence: number; evidence: string[] }>;
  missing: string[];
}

/**
 * Pre-triage of a description: what it implies, how sure, and which questions remain open. `read` is
 * what a ReadDescription made of the text (offline and LLM combined); the offline models when not given.
 */
export function classifyText(
  text: string,
  d: { flow: Flow; signals: SignalModel; intent?: CompiledIntentModel; refs: RefCatalog },
  read: PreTriage = preTriage(text, d.signals, d.intent),
): ClassifyResult {
  const inferred = read.inferred as ClassifyResult["inferred"];
  let state = engine.emptyState();
  const desc = engine.answer(d.flow, state, "description", text);
  if (desc.ok) state = desc.state;
  const r = engine.decideInferred(d.flow, engine.suggest(d.flow, state, inferred), true);
  const answers = r.ok ? r.state.answers : state.answers;
  const missing: string[] = [];
  // Walk the rest of the flow as if each open question were skipped, to list what is still unknown.
  for (let s = r.ok ? r.state : state, step = engine.nextStep(d.flow, s); step.kind === "question"; step = engine.nextStep(d.flow, s)) {
    missing.push(step.question.id);
    s = { ...s, answers: { ...s.answers, [step.question.id]: "" } };
  }
  // Cross-domain from free text needs evidence on both sides: the other domain's (harm, lost
  // confidentiality ...) from the inferred answers, and this side's: a proposed intent or the
  // reader's likely owner. Too little text to read (no reading) is evidence of neither.
  // (On the hand-written reports, demanding a reader 80% sure of the owner lowered F1 0.75 → 0.65.)
  const sideEvidence = inferred.intent !== undefined || read.pSecurity !== undefined;
  const classification = classify(coreOf(answers), d.flow, d.refs, { crossDomain: sideEvidence, ...(read.pSecurity !== undefined ? { pSecurity: read.pSecurity } : {}) });
  return { ...classification, confidence: inferred.intent?.confidence ?? 0, inferred, missing };
}

export type ReplayResult = { ok: true; answers: Answers; classification: Classification; routing: RoutingDecision } | { ok: false; error: string };

/** `triage replay` input: answers by question id; each value is checked by the flow as it is asked. */
export const ReplayInput = z.object({ answers: z.record(z.string().max(64), z.unknown()) });

/** Runs recorded answers through the flow exactly as the chat would ask them. */
export function replay(raw: unknown, d: { flow: Flow; refs: RefCatalog; roster: Roster }): ReplayResult {
  const input = ReplayInput.safeParse(raw);
  if (!input.success) return { ok: false, error: 'expected a JSON object like {"answers":{"description":"...","intent":"none",...}}' };
  const given = input.data.answers;
  let state = engine.emptyState();
  for (let step = engine.nextStep(d.flow, state); step.kind !== "done"; step = engine.nextStep(d.flow, state)) {
    if (step.kind !== "question") break;
    const q = step.question;
    const allowed = q.kind === "text" ? `text, ${q.minLength} to ${q.maxLength} characters` : q.options.map((o) => o.value).join(", ");
    if (!(q.id in given)) return { ok: false, error: `answers.${q.id}: missing (allowed: ${allowed})` };
    const r = engine.answer(d.flow, state, q.id, given[q.id]);
    if (!r.ok) return { ok: false, error: `answers.${q.id}: ${r.error}` };
    state = r.state;
  }
  const extra = Object.keys(given).filter((k) => state.answers[k] === undefined);
  if (extra.length) {
    const known = extra.filter((k) => d.flow.questions.some((q) => q.id === k));
    return {
      ok: false,
      error: known.length
        ? `answers.${known[0]}: not asked with these answers (its askWhen does not match)`
        : `answers.${extra[0]}: no such question in the flow`,
    };
  }
  const classification = classify(coreOf(state.answers), d.flow, d.refs);
  return { ok: true, answers: state.answers, classification, routing: route(classification, d.roster) };
}
