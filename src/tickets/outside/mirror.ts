// Which outside calls a change makes: routing opens the page, alert and issue in the routed domain's
// services; an acknowledgement or a resolve made in chat is mirrored to them; a reroute resolves the
// old domain's page and alert (the other domain's open follows with its delivery); the edits after
// filing (a severity, a note, a reopen) follow as calls of their own. A change that came
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

/**
 * What a change is, for the outside services: a ticket action, or an edit after filing (`severity`;
 * `note` for a note and for an intent or kinds edit, which only a comment can carry; `reopen`).
 */
export type MirroredChange = "acknowledge" | "escalate" | "reroute" | "resolve" | "severity" | "note" | "reopen";

/**
 * The calls mirroring a change just stored as `stored`. `text`: what an edit said (redacted), carried by
 * the job so a later edit cannot change what this one's note or comment says.
 */
export function mirrorJobs(roster: Roster, stored: Incident, kind: MirroredChange, origin?: OutsideService, text?: string): OutsideJob[] {
  const said = text === undefined ? {} : { text: text.slice(0, 3000) };
  const job = (service: OutsideService, action: OutsideJob["action"], route: number, extra: { text?: string } = {}): OutsideJob => ({ name: "outside", incidentId: stored.id, service, action, route, rev: stored.rev, ...extra });
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
    // PagerDuty takes the new severity from a trigger on the same dedup_key; Opsgenie has a priority
    // call; Jira hears it as a comment (priority schemes differ per site, a comment always fits).
    case "severity":
      return here.map((s) => (s === "jira" ? job(s, "note", route, said) : job(s, "update", route)));
    // The Events API has no notes: PagerDuty hears nothing of a note.
    case "note":
      return here.filter((s) => s !== "pagerduty").map((s) => job(s, "note", route, said));
    case "reopen":
      return here.map((s) => job(s, "reopen", route));
    case "escalate":
      return [];
  }
}
