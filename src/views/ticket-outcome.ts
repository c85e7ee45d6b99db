// What the person who pressed a ticket button is told, on every platform: a refusal (nothing was
// changed), a no-op (already done), or a receipt for a saved action. Slack shows the first two only to
// them and lets the edited card speak for the third; Teams has no private messages and answers all three.
import type { ActionOutcome } from "../tickets/actions.js";
import type { TicketOp } from "./ticket.js";

export interface OutcomeView {
  level: "refused" | "unchanged" | "done";
  text: string;
}

const DONE: Record<TicketOp, string> = { acknowledge: "Acknowledged", escalate: "Escalated", reroute: "Rerouted", resolve: "Resolved" };

export function outcomeView(op: TicketOp, out: ActionOutcome): OutcomeView {
  if (!out.ok) return { level: "refused", text: `${out.message} Nothing was changed.` };
  if (!out.changed) return { level: "unchanged", text: out.message };
  return { level: "done", text: `${DONE[op]} ${out.incident.id}. The card will show it in a moment.` };
}

/** A button we cannot read (forged, cut, or from a version long gone). */
export const UNREADABLE_BUTTON = "I could not read that button; nothing was changed.";
