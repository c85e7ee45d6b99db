// What a ticket card offers beside the lifecycle actions (issue 16), kept apart so the card's renderer
// only calls it: Postmortem, on the current card of a resolved incident (when a postmortem is written;
// an open card keeps the lifecycle actions alone, a superseded one has none). It sends none of the card's inputs
// (associatedInputs "none"): Teams would otherwise insist on the Reroute reason being filled in.
import type { TicketView } from "../../../src/views/ticket.js";
import { submit, type Action } from "./card.js";

export function ticketMoreActions(v: Pick<TicketView, "id" | "postmortem">): Action[] {
  if (!v.postmortem) return [];
  return [{ ...submit("Postmortem", { action: "postmortem", incidentId: v.id }), associatedInputs: "none" }];
}
