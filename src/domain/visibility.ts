// Who may see which incident, and which incidents a look-up lists. Reuses the authorization matrix
// (`view-incident`): its reporter (or anyone whose report joined it) sees it, the on-call roster of
// the domain it is routed to or copied to sees it, incident managers and managers see all.
import { z } from "zod";
import { authorize, sameActor } from "./authz.js";
import type { Actor, Incident } from "./incident.js";
import type { Person, Roster } from "./roster.js";

export const LookupFilter = z.enum(["open", "mine", "safety", "security"]);
export type LookupFilter = z.infer<typeof LookupFilter>;

/** The people who reported it: the filer and everyone whose report joined it. */
export function reportersOf(i: Pick<Incident, "reporter" | "timeline">): Actor[] {
  return [i.reporter, ...i.timeline.flatMap((e) => (e.type === "joined" ? [e.by] : []))];
}

export function mayView(roster: Roster, actor: Actor, i: Pick<Incident, "reporter" | "timeline" | "routing">): boolean {
  const owner = reportersOf(i).find((r) => sameActor(r, actor)) ?? i.reporter;
  return [i.routing.domain, ...i.routing.cc].some((domain) => authorize(roster, actor, "view-incident", { domain, owner }).ok);
}

/** The refusal for someone who may not see an incident; it does not say whether the id exists. */
export const notVisible = (id: string) => `I cannot show you ${id}: only its reporter, its domain's on-call roster, incident managers and managers can see an incident.`;

/**
 * "Mine": reported or joined by the person, assigned to them, or acted on by them (acknowledged,
 * escalated, rerouted, resolved). `person` is the roster entry behind `actor`, when there is one.
 */
export function involves(i: Incident, actor: Actor | undefined, person: Person | undefined): boolean {
  if (person && i.assignee === person.id) return true;
  const me = [...(actor ? [actor] : []), ...(person ? identitiesOf(person) : [])];
  const isMe = (a: Actor) => me.some((m) => sameActor(m, a));
  return reportersOf(i).some(isMe) || i.timeline.some((e) => "by" in e && e.by !== undefined && isMe(e.by));
}

/** A roster person's identity on each platform they have one on (the console knows them by id). */
export function identitiesOf(p: Person): Actor[] {
  return [
    { platform: "console", userId: p.id },
    ...(p.slack ? [{ platform: "slack" as const, userId: p.slack }] : []),
    ...(p.teams ? [{ platform: "teams" as const, userId: p.teams }] : []),
  ];
}

export function matchesFilter(i: Incident, filter: LookupFilter, actor: Actor | undefined, person: Person | undefined): boolean {
  switch (filter) {
    case "open":
      return i.status !== "resolved";
    case "mine":
      return involves(i, actor, person);
    case "safety":
    case "security":
      return i.routing.domain === filter;
  }
}
