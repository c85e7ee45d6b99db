// What free-text pre-triage proposed for each question and what the responder chose in the end. It is
// kept on the incident so the model can be scored against people's answers later (proposed against
// chosen, per question), which is why it reads flat: proposals.intent.value vs proposals.intent.chosen.
import { z } from "zod";
import { Suggestion, type FlowState } from "./engine.js";
import { QuestionId } from "./ids.js";
import { AnswerValue } from "./vocabulary.js";

export const Proposal = Suggestion.extend({
  /** the final answer; absent when the question was not asked in the end (another answer ruled it out). */
  chosen: AnswerValue.optional(),
  /** true when the final answer is the proposal: kept, or picked again after Change. */
  accepted: z.boolean(),
});
export type Proposal = z.infer<typeof Proposal>;

export const PreTriageRecord = z.strictObject({ proposals: z.record(QuestionId, Proposal) });
export type PreTriageRecord = z.infer<typeof PreTriageRecord>;

/** The record of a finished walk-through; undefined when nothing was proposed. */
export function preTriageRecord(s: Pick<FlowState, "suggestions" | "answers">): PreTriageRecord | undefined {
  const entries = Object.entries(s.suggestions);
  if (!entries.length) return undefined;
  const proposals: Record<string, Proposal> = {};
  for (const [qid, sug] of entries) {
    const chosen = s.answers[qid];
    // Both sides went through the same validation (a many-answer is in flow order), so equal is equal.
    const accepted = chosen !== undefined && JSON.stringify(chosen) === JSON.stringify(sug.value);
    proposals[qid] = { value: sug.value, confidence: sug.confidence, evidence: sug.evidence, ...(chosen !== undefined ? { chosen } : {}), accepted };
  }
  return { proposals };
}
