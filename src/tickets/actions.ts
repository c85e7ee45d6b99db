// Ticket actions from chat (acknowledge, escalate, reroute, resolve): the domain decides, the store
// records, and the queue carries what must happen next (new delivery after a reroute, channel update).
import type { Clock } from "../clock.js";
import * as lifecycle from "../domain/incident.js";
import type { Actor, Incident } from "../domain/incident.js";
import { levelCount, type Roster } from "../domain/roster.js";
import type { IncidentStore } from "../store/types.js";
import type { JobQueue } from "./jobs.js";

export type TicketAction = { kind: "acknowledge" } | { kind: "escalate" } | { kind: "reroute"; reason: string } | { kind: "resolve"; note: string };

export type ActionOutcome =
  | { ok: true; incident: Incident; changed: boolean; message: string }
  | { ok: false; code: lifecycle.RefusalCode | "NOT_FOUND"; message: string };

export class TicketActions {
  constructor(private readonly d: { incidents: IncidentStore; queue: JobQueue; roster: Roster; clock: Clock }) {}

  /** Enqueues delivery of an incident's current routing (idempotent: the job id is derived from it). */
  async dispatch(incident: Incident): Promise<void> {
    await this.d.queue.add(incident.routing.domain, { name: "deliver", incidentId: incident.id, routeCount: incident.routeCount });
  }

  async act(incidentId: string, action: TicketAction, actor: Actor): Promise<ActionOutcome> {
    let outcome: ActionOutcome | undefined;
    const stored = await this.d.incidents.update(incidentId, (cur) => {
      const r = this.apply(cur, action, actor);
      outcome = r;
      return r.ok && r.changed ? r.incident : undefined;
    });
    if (!stored || !outcome) return { ok: false, code: "NOT_FOUND", message: `There is no incident ${incidentId}.` };
    if (!outcome.ok || !outcome.changed) return outcome;
    const domain = stored.routing.domain;
    // The page job also posts the update to the channel, so an escalation is announced once.
    if (action.kind === "reroute") await this.dispatch(stored);
    else if (action.kind === "escalate") await this.d.queue.add(domain, { name: "page", incidentId, gen: stored.escalationGen });
    else await this.d.queue.add(domain, { name: "update", incidentId, rev: stored.rev, text: outcome.message });
    return { ...outcome, incident: stored };
  }

  private apply(i: Incident, a: TicketAction, actor: Actor) {
    const now = this.d.clock.now();
    switch (a.kind) {
      case "acknowledge":
        return lifecycle.acknowledge(i, this.d.roster, actor, now);
      case "escalate":
        return lifecycle.escalate(i, this.d.roster, actor, now, levelCount(this.d.roster, i.routing.domain));
      case "reroute":
        return lifecycle.reroute(i, this.d.roster, actor, a.reason, now);
      case "resolve":
        return lifecycle.resolve(i, this.d.roster, actor, a.note, now);
    }
  }
}
