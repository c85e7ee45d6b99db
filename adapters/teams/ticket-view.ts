// A ticket card's view of an incident: who was last paged (from the timeline) and roster names.
import type { Incident } from "../../src/domain/incident.js";
import { person, type Roster } from "../../src/domain/roster.js";
import type { TicketView } from "./cards/index.js";

export function ticketView(incident: Incident, route: number, roster: Roster): TicketView {
  const paged = incident.timeline.findLast((e) => e.type === "delivered" && e.person !== undefined);
  const who = paged?.type === "delivered" && paged.person ? person(roster, paged.person) : undefined;
  return {
    incident,
    route,
    ...(who && paged?.type === "delivered" ? { oncall: { name: who.name, level: paged.level } } : {}),
    nameOf: (id) => person(roster, id)?.name,
  };
}
