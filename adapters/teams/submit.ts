// What an Action.Submit carries back: small typed references (ids, rev), never state; the stores are
// the truth. Input values of the card arrive beside them, keyed by input id.
import { z } from "zod";
import { ConversationRef, OptionValue, QuestionId, Rev } from "../../src/domain/ids.js";
import { IncidentId } from "../../src/domain/incident.js";

const step = { conversationId: ConversationRef, rev: Rev };
export const TicketOp = z.enum(["acknowledge", "escalate", "reroute", "resolve"]);
export type TicketOp = z.infer<typeof TicketOp>;

// Strict: a submit carrying anything but our own fields (once the card inputs are taken out) is refused.
export const SubmitData = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("answer"), ...step, questionId: QuestionId, value: OptionValue.optional() }),
  /** keeps every suggested answer still waiting (the shape of the former "Yes": old cards keep working). */
  z.strictObject({ action: z.literal("confirm"), ...step, accept: z.literal(true) }),
  /** keeps or changes one suggested answer. */
  z.strictObject({ action: z.literal("suggestion"), ...step, decision: z.enum(["keep", "change"]), questionId: QuestionId }),
  z.strictObject({ action: z.literal("back"), ...step }),
  z.strictObject({ action: z.literal("cancel"), ...step }),
  z.strictObject({ action: z.literal("join"), ...step, incidentId: IncidentId }),
  z.strictObject({ action: z.literal("file-new"), ...step }),
  z.strictObject({ action: z.literal("start") }),
  /** `route` is the incident's routeCount when the card was posted: an older card is superseded. */
  /** `gen` (Escalate only): the escalation generation the card was rendered for; cards without it still work. */
  /** the ticket's Postmortem button: a draft sent to the clicker's personal chat (issue 16). */
  z.strictObject({ action: z.literal("postmortem"), incidentId: IncidentId }),
  z.strictObject({ action: z.literal("ticket"), op: TicketOp, incidentId: IncidentId, route: z.number().int().min(1).max(1000), gen: z.number().int().min(0).max(1_000_000).optional() }),
  /** "Draft report" under a ticket's reporting clocks: the drafts go to the presser's personal chat. */
  z.strictObject({ action: z.literal("draft-report"), incidentId: IncidentId }),
  /** "Post update" (the status text comes in the `status` input) and "Subscribe" on a ticket card (issue 16, point 4). */
  z.strictObject({ action: z.literal("status"), incidentId: IncidentId }),
  z.strictObject({ action: z.literal("subscribe"), incidentId: IncidentId }),
]);
export type SubmitData = z.infer<typeof SubmitData>;

/** Input ids used by our cards; their values come back beside the data. */
export const INPUT = { choices: "choices", text: "text", reason: "reason", note: "note", status: "status" } as const;
const Inputs = z.object({
  choices: z.string().max(4000).optional(),
  text: z.string().max(8000).optional(),
  reason: z.string().max(2000).optional(),
  note: z.string().max(4000).optional(),
  status: z.string().max(4000).optional(),
});
export type Inputs = z.infer<typeof Inputs>;

/** Splits an activity's `value` into the button's data and the card's inputs; undefined if unreadable. */
export function parseSubmit(value: unknown): { data: SubmitData; inputs: Inputs } | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { choices, text, reason, note, status, ...rest } = value as Record<string, unknown>;
  const data = SubmitData.safeParse(rest);
  const inputs = Inputs.safeParse({ choices, text, reason, note, status });
  return data.success && inputs.success ? { data: data.data, inputs: inputs.data } : undefined;
}
