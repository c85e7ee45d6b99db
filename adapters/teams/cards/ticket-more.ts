// What a ticket card offers beside the lifecycle actions (issue 16), kept apart so the card's renderer
// only calls it: Postmortem, on the current card of a resolved incident (when a postmortem is written;
// an open card keeps the lifecycle actions alone, a superseded one has none). It sends none of the card's inputs
// (associatedInputs "none"): Teams would otherwise insist on the Reroute reason being filled in.
import type { Incident } from "../../../src/domain/incident.js";
import { submit, type Action } from "./card.js";

export function ticketMoreActions(i: Pick<Incident, "id" | "status">, superseded: boolean): Action[] {
  if (superseded || i.status !== "resolved") return [];
  return [{ ...submit("Postmortem", { action: "postmortem", incidentId: i.id }), associatedInputs: "none" }];
}
