// What each stored ticket change queues next, computed once from the stored record and the outcome
// (pure: no store, no queue). TicketActions writes the list as the update's outbox entry and queues
// it (src/tickets/follow-ups.ts), so these are also what the sweep replays after a crash.
import { domainOfRoute, type Actor, type Incident } from "../domain/incident.js";
import { incidentRooms, roomsWanted } from "../domain/incident-room.js";
import type { OutsideService } from "../domain/outside.js";
import type { Roster } from "../domain/roster.js";
import type { FollowUp } from "./follow-ups.js";
import type { TicketJob } from "./jobs.js";
import type { IncidentEdit } from "../domain/edits.js";
import { mirrorJobs, type MirroredChange } from "./outside/mirror.js";

const TEXT_MAX = 3000;
const now = (i: Incident, job: TicketJob): FollowUp => ({ domain: i.routing.domain, job });

/** After a reroute (an action or an edit): delivery of the new routing, and the old card retired. */
function rerouted(stored: Incident, message: string): FollowUp[] {
  // The old card, in the old domain's channels, is retired (no buttons, "moved to ...") by a job that
  // retries like a ticket, not by a best-effort edit in the request.
  const route = stored.routeCount - 1;
  return [
    now(stored, { name: "deliver", incidentId: stored.id, routeCount: stored.routeCount }),
    { domain: domainOfRoute(stored, route), job: { name: "update", incidentId: stored.id, rev: stored.rev, text: message.slice(0, TEXT_MAX), route } },
  ];
}

/** acknowledge, escalate, reroute, resolve; `origin`: the outside service it came from (not mirrored back). */
export function actionFollowUps(roster: Roster, stored: Incident, kind: "acknowledge" | "escalate" | "reroute" | "resolve", message: string, origin?: OutsideService): FollowUp[] {
  // PagerDuty, Opsgenie, Jira hear of it too (src/tickets/outside/mirror.ts).
  const out = mirrorJobs(roster, stored, kind, origin).map((job) => now(stored, job));
  // The page job also posts the update to the channel, so an escalation is announced once.
  if (kind === "reroute") return [...out, ...rerouted(stored, message)];
  if (kind === "escalate") return [...out, now(stored, { name: "page", incidentId: stored.id, gen: stored.escalationGen })];
  return [...out, now(stored, { name: "update", incidentId: stored.id, rev: stored.rev, text: message.slice(0, TEXT_MAX) })];
}

/**
 * An edit after filing (src/domain/edits.ts). `routeBefore`: the routing it was made on (a higher one
 * now: it moved the incident to the other domain, followed up like a reroute). `timerDueAt`: a raised
 * severity or a reopen needs a timer (src/domain/escalation-timer.ts), keyed on this record version:
 * after a raise it runs beside the longer one, and whichever fires first escalates.
 */
export function editFollowUps(roster: Roster, stored: Incident, edit: { kind: IncidentEdit["kind"]; routeBefore: number; message: string; timerDueAt?: Date }): FollowUp[] {
  const moved = stored.routeCount > edit.routeBefore;
  const change: MirroredChange = moved ? "reroute" : edit.kind === "severity" ? "severity" : edit.kind === "reopen" ? "reopen" : "note";
  const out = mirrorJobs(roster, stored, change, undefined, edit.message).map((job) => now(stored, job));
  if (edit.timerDueAt) out.push({ ...now(stored, { name: "escalate", incidentId: stored.id, gen: stored.escalationGen, rearm: stored.rev }), dueAt: edit.timerDueAt.toISOString() });
  if (moved) return [...out, ...rerouted(stored, edit.message)];
  out.push(now(stored, { name: "update", incidentId: stored.id, rev: stored.rev, text: edit.message.slice(0, TEXT_MAX) }));
  // Raised into a severity whose domain opens an incident channel: opened now (a reroute's delivery does it).
  if (roomsWanted(stored, roster).length) out.push(now(stored, { name: "channel", incidentId: stored.id, rev: stored.rev }));
  return out;
}

/** A commander taken, assigned or handed over: the card, and the new commander invited to the channels. */
export function commanderFollowUps(stored: Incident, message: string): FollowUp[] {
  const out = [now(stored, { name: "update", incidentId: stored.id, rev: stored.rev, text: message.slice(0, TEXT_MAX) })];
  if (incidentRooms(stored).length) out.push(now(stored, { name: "channel", incidentId: stored.id, rev: stored.rev }));
  return out;
}

/** A status update: one job re-renders the card, posts in the thread and tells each subscriber. */
export function statusFollowUps(stored: Incident, by: Actor): FollowUp[] {
  return [now(stored, { name: "status", incidentId: stored.id, rev: stored.rev, text: stored.latestStatus!.text, by })];
}

/** A reporting clock changed: the card re-rendered, plus `reminders` (reminders.ts) for new deadlines. */
export function clockFollowUps(stored: Incident, message: string, reminders: FollowUp[] = []): FollowUp[] {
  return [now(stored, { name: "update", incidentId: stored.id, rev: stored.rev, text: message.slice(0, TEXT_MAX) }), ...reminders];
}
