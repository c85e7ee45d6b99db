// Which outside calls a change makes: routing opens the page, alert and issue in the routed domain's
// services; an acknowledgement or a resolve made in chat is mirrored to them; a reroute resolves the
// old domain's page and alert (the other domain's open follows with its delivery). A change that came
// from a service (its webhook) is not sent back to it: that would be a loop.
import type { Incident } from "../../domain/incident.js";
import { domainOfRoute } from "../../domain/incident.js";
import { servicesOf, type OutsideService } from "../../domain/outside.js";
import type { Roster } from "../../domain/roster.js";
import type { OutsideJob } from "./job.js";

/** The opens for the incident's current routing (enqueued by its delivery job; ids make repeats no-ops). */
export function openJobs(roster: Roster, i: Incident): OutsideJob[] {
  return servicesOf(roster.domains[i.routing.domain]).map((service) => ({ name: "outside", incidentId: i.id, service, action: "open", route: i.routeCount, rev: 0 }));
}

/** The calls mirroring a change just stored as `stored` (a ticket action of kind `kind`). */
export function mirrorJobs(roster: Roster, stored: Incident, kind: string, origin?: OutsideService): OutsideJob[] {
  const job = (service: OutsideService, action: "acknowledge" | "resolve", route: number): OutsideJob => ({ name: "outside", incidentId: stored.id, service, action, route, rev: stored.rev });
  const route = stored.routeCount;
  const here = servicesOf(roster.domains[stored.routing.domain]).filter((s) => s !== origin);
  switch (kind) {
    case "acknowledge":
      // A Jira issue has no acknowledged state worth a transition.
      return here.filter((s) => s !== "jira").map((s) => job(s, "acknowledge", route));
    case "resolve":
      return here.map((s) => job(s, "resolve", route));
    case "reroute": {
      const old = route - 1;
      return servicesOf(roster.domains[domainOfRoute(stored, old)])
        .filter((s) => s !== "jira" && s !== origin)
        .map((s) => job(s, "resolve", old));
    }
    default:
      return [];
  }
}
