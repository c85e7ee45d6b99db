// Ticket actions from chat (acknowledge, escalate, reroute, resolve): the domain decides, the store
// records, and the queue carries what must happen next (new delivery after a reroute, channel update).
// What happens next (the follow-ups, src/tickets/action-follow-ups.ts) is written as an outbox entry in
// the same atomic step as the change, then queued, then the entry removed: a process that dies between
// the store and the queue loses nothing, since the worker's sweep queues the entry again.
import type { Clock } from "../clock.js";
import * as lifecycle from "../domain/incident.js";
import type { Actor, Incident } from "../domain/incident.js";
import { redact } from "../domain/redact.js";
import { levelCount, type Roster } from "../domain/roster.js";
import type { IncidentStore } from "../store/types.js";
import { markReported, setAwareAt, type ClockChange } from "../domain/clocks.js";
import type { Obligations } from "../domain/obligations-file.js";
import type { JobQueue } from "./jobs.js";
import { editIncident, type IncidentEdit } from "../domain/edits.js";
import { setCommander, type CommanderTarget } from "../domain/commander.js";
import { personByIdentity } from "../domain/roster.js";
import type { OutsideService } from "../domain/outside.js";
import { reminderFollowUps } from "./reminders.js";
import { mayPostStatus, postStatus, subscribe } from "../domain/status.js";
import { STATUS_MAX } from "../domain/status-record.js";
import { encodeFollowUps, enqueueFollowUps, type FollowUp } from "./follow-ups.js";
import { actionFollowUps, clockFollowUps, commanderFollowUps, editFollowUps, statusFollowUps } from "./action-follow-ups.js";

/**
 * `seenRoute`: the routing the pressed card (or the opened dialog) showed; a card of an older routing
 * changes nothing, on every platform. `seenGen`: the escalation generation the card was rendered for.
 */
export type TicketAction = (
  | { kind: "acknowledge" }
  | { kind: "escalate"; seenGen?: number }
  | { kind: "reroute"; reason: string }
  | { kind: "resolve"; note: string }
) & { seenRoute?: number };

export type ActionOutcome =
  | { ok: true; incident: Incident; changed: boolean; message: string }
  | { ok: false; code: lifecycle.RefusalCode | "NOT_FOUND" | "TOO_LONG" | "STALE_ROUTE"; message: string };

/** A press on a card of an older routing: refused before anything else, whoever pressed it. */
function staleCard(i: Incident, seenRoute: number | undefined): ActionOutcome | undefined {
  if (seenRoute === undefined || seenRoute === i.routeCount) return undefined;
  return { ok: false, code: "STALE_ROUTE", message: `This card is from before ${i.id} was rerouted to ${i.routing.domain}. Use the ticket in the ${i.routing.domain} channel.` };
}

/** What a domain transition answers: a changed (or unchanged) record with a message, or a refusal. */
type Decision = { ok: true; changed: boolean; incident: Incident; message: string } | { ok: false; message: string };

const notFound = (incidentId: string) => ({ ok: false, code: "NOT_FOUND", message: `There is no incident ${incidentId}.` }) as const;

/** The longest reroute reason or resolve note kept (the cards' input boxes allow less). */
export const NOTE_MAX = 2000;

export type ClockOutcome = { ok: true; incident: Incident; changed: boolean; message: string } | { ok: false; code: "NOT_FOUND" | "NO_OBLIGATIONS" | Extract<ClockChange, { ok: false }>["code"]; message: string };

export class TicketActions {
  /**
   * `afterStore`: a test's fault injection only (src/tickets/crash-hook.ts), run between storing a
   * change with its outbox entry and queuing its follow-ups.
   */
  constructor(private readonly d: { incidents: IncidentStore; queue: JobQueue; roster: Roster; clock: Clock; obligations?: Obligations; afterStore?: () => Promise<void> }) {}

  /**
   * Stores `change` (undefined: leave the record) with the follow-ups `plan` computes from the stored
   * record as its outbox entry, then queues them and removes the entry. `plan` runs after `change` in
   * the same attempt, so closures `change` set describe the record stored.
   */
  private async store(incidentId: string, change: (cur: Incident) => Incident | undefined, plan: (stored: Incident) => FollowUp[]): Promise<Incident | undefined> {
    let planned: FollowUp[] = [];
    const stored = await this.d.incidents.update(
      incidentId,
      (cur) => {
        planned = []; // a retried attempt that changes nothing queues nothing
        return change(cur);
      },
      {
        outbox: (s) => encodeFollowUps((planned = plan(s))),
        at: this.d.clock.now(),
      },
    );
    if (!stored || !planned.length) return stored;
    await this.d.afterStore?.();
    await enqueueFollowUps(this.d.queue, planned, this.d.clock.now());
    await this.d.incidents.outboxDone(incidentId, stored.rev);
    return stored;
  }

  /**
   * The shape every change here takes: `decide` on the current record (a pure domain transition),
   * store a changed result with the follow-ups `plan` gives for it (see store), and answer with the
   * stored record. Undefined: no such incident.
   */
  private async decide<R extends Decision>(incidentId: string, decide: (cur: Incident) => R, plan: (stored: Incident, outcome: Extract<R, { ok: true }>) => FollowUp[]): Promise<R | undefined> {
    let outcome: R | undefined;
    const stored = await this.store(
      incidentId,
      (cur) => {
        const r = decide(cur);
        outcome = r;
        return r.ok && r.changed ? r.incident : undefined;
      },
      (s) => plan(s, outcome as Extract<R, { ok: true }>),
    );
    if (!stored || !outcome) return undefined;
    if (!outcome.ok || !outcome.changed) return outcome;
    return { ...outcome, incident: stored };
  }

  /**
   * Marks a reporting obligation reported (initial or complete), with who and when, on the timeline:
   * its clock stops and its reminders find themselves stale. The card is re-rendered by an update job.
   */
  async markReported(incidentId: string, regimeId: string, report: "initial" | "complete", actor: Actor): Promise<ClockOutcome> {
    const file = this.d.obligations;
    if (!file) return { ok: false, code: "NO_OBLIGATIONS", message: "no obligations file is loaded (OBLIGATIONS_FILE)" };
    return this.changeClock(incidentId, (cur) => markReported(cur, file.regimes, regimeId, report, actor, this.d.clock.now()), false);
  }

  /**
   * Sets when the organisation became aware: every deadline moves, reminders for the new deadlines are
   * added (the old ones are stale by their deadline), and the card shows the new clocks.
   */
  async setAwareAt(incidentId: string, awareAt: string, actor: Actor): Promise<ClockOutcome> {
    return this.changeClock(incidentId, (cur) => setAwareAt(cur, awareAt, actor, this.d.clock.now()), true);
  }

  /** `reminders`: the change moved the deadlines, so reminders for the new ones follow (the old are stale). */
  private async changeClock(incidentId: string, change: (cur: Incident) => ClockChange, reminders: boolean): Promise<ClockOutcome> {
    const r = await this.decide(incidentId, change, (s, o) => clockFollowUps(s, o.message, reminders ? reminderFollowUps(this.d.obligations, s, this.d.clock.now()) : []));
    return r ?? notFound(incidentId);
  }

  /** Enqueues delivery of an incident's current routing (idempotent: the job id is derived from it). */
  async dispatch(incident: Incident): Promise<void> {
    await this.d.queue.add(incident.routing.domain, { name: "deliver", incidentId: incident.id, routeCount: incident.routeCount });
  }

  /**
   * Tells the incident's channels of a joined report, as a job: no page. In an incident storm the
   * worker folds it into the storm's next batch instead of a reply of its own (src/domain/storm.ts).
   */
  async note(incident: Incident, text: string): Promise<void> {
    await this.d.queue.add(incident.routing.domain, { name: "joined", incidentId: incident.id, rev: incident.rev, text: text.slice(0, 3000) });
  }

  /**
   * Whether `actor` may open the Reroute / Resolve dialog of a card of routing `seenRoute`: asked
   * before they type a reason, with the same answers the action itself would give.
   */
  async mayOpen(incidentId: string, op: "reroute" | "resolve", actor: Actor, seenRoute?: number): Promise<{ ok: true; incident: Incident } | { ok: false; message: string }> {
    const i = await this.d.incidents.get(incidentId);
    if (!i) return { ok: false, message: `There is no incident ${incidentId}.` };
    const stale = staleCard(i, seenRoute);
    if (stale && !stale.ok) return stale;
    if (!lifecycle.mayAct(this.d.roster, i.routing.domain, actor, op)) return { ok: false, message: `Only the ${i.routing.domain} on-call roster or an incident manager can act on ${i.id}.` };
    if (i.status === "resolved") return { ok: false, message: `${i.id} is already resolved.` };
    return { ok: true, incident: i };
  }

  /** `origin`: the outside service the action came from (its webhook): not mirrored back to it. */
  async act(incidentId: string, action: TicketAction, actor: Actor, origin?: OutsideService): Promise<ActionOutcome> {
    const words = action.kind === "reroute" ? action.reason : action.kind === "resolve" ? action.note : "";
    if (words.length > NOTE_MAX) return { ok: false, code: "TOO_LONG", message: `That is ${words.length} characters; please keep it under ${NOTE_MAX}.` };
    // Reasons and notes are free text that ends up on the card and in the channel: redacted first.
    const clean = action.kind === "reroute" ? { ...action, reason: redact(action.reason).text } : action.kind === "resolve" ? { ...action, note: redact(action.note).text } : action;
    const r = await this.decide(incidentId, (cur) => this.apply(cur, clean, actor), (s, o) => actionFollowUps(this.d.roster, s, action.kind, o.message, origin));
    return r ?? notFound(incidentId);
  }

  /**
   * An edit after filing (src/domain/edits.ts): the card is updated by the same durable update job as
   * the other actions; an edit that moved the incident to the other domain is followed up like a reroute.
   */
  async edit(incidentId: string, edit: IncidentEdit, actor: Actor): Promise<ActionOutcome> {
    const clean: IncidentEdit = edit.kind === "note" ? { ...edit, text: redact(edit.text).text } : { ...edit, reason: redact(edit.reason).text };
    let routeBefore = 0;
    const r = await this.decide(
      incidentId,
      (cur) => {
        routeBefore = cur.routeCount;
        return editIncident(cur, this.d.roster, actor, clean, this.d.clock.now());
      },
      (s, o) => editFollowUps(this.d.roster, s, { kind: clean.kind, routeBefore, message: o.message, ...(o.timerDueAt ? { timerDueAt: o.timerDueAt } : {}) }),
    );
    return r ?? notFound(incidentId);
  }

  /** Takes (no `to`), assigns or hands over the commander role; the card and thread hear of it. */
  async commander(incidentId: string, to: CommanderTarget | undefined, actor: Actor): Promise<ActionOutcome> {
    const personId = to === undefined ? undefined : "personId" in to ? to.personId : (personByIdentity(this.d.roster, "slack", to.slackUser)?.id ?? `<${to.slackUser}>`);
    // The card hears of it; the new commander is invited to the incident channels.
    const r = await this.decide(incidentId, (cur) => setCommander(cur, this.d.roster, actor, personId, this.d.clock.now()), (s, o) => commanderFollowUps(s, o.message));
    return r ?? notFound(incidentId);
  }

  /**
   * A status update (src/domain/status.ts), redacted first: stored with its timeline event, then one
   * durable "status" job re-renders the card, posts the text in the ticket's thread and tells each
   * subscriber. A refusal changes nothing and enqueues nothing.
   */
  async status(incidentId: string, text: string, actor: Actor): Promise<ActionOutcome> {
    if (text.length > STATUS_MAX) return { ok: false, code: "TOO_LONG", message: `That is ${text.length} characters; a status update holds at most ${STATUS_MAX}.` };
    const clean = redact(text).text;
    const r = await this.decide(incidentId, (cur) => postStatus(cur, this.d.roster, actor, clean, this.d.clock.now()), (s) => statusFollowUps(s, actor));
    return r ?? notFound(incidentId);
  }

  /** Whether `actor` may open the "Post update" dialog: asked before they type, with the action's own answer. */
  async mayPostStatus(incidentId: string, actor: Actor): Promise<{ ok: true; incident: Incident } | { ok: false; message: string }> {
    const i = await this.d.incidents.get(incidentId);
    if (!i) return { ok: false, message: `There is no incident ${incidentId}.` };
    if (!mayPostStatus(this.d.roster, actor, i)) return { ok: false, message: `Only the ${i.routing.domain} on-call roster, an incident manager or the commander can post a status update on ${i.id}.` };
    if (i.status === "resolved") return { ok: false, message: `${i.id} is resolved; reopen it first to post a status update.` };
    return { ok: true, incident: i };
  }

  /** Subscribes (`on`) or unsubscribes `actor` themselves; nothing is sent, so no job. */
  async subscribe(incidentId: string, actor: Actor, on: boolean): Promise<ActionOutcome> {
    let outcome: ActionOutcome | undefined;
    const stored = await this.d.incidents.update(incidentId, (cur) => {
      const r = subscribe(cur, this.d.roster, actor, on, this.d.clock.now());
      outcome = r;
      return r.ok && r.changed ? r.incident : undefined;
    });
    // Not found and not visible read the same: the answer does not say whether the id exists.
    if (!stored || !outcome) return { ok: false, code: "NOT_FOUND", message: `There is no incident ${incidentId} you can see.` };
    if (!outcome.ok || !outcome.changed) return outcome;
    return { ...outcome, incident: stored };
  }

  private apply(i: Incident, a: TicketAction, actor: Actor): ActionOutcome {
    const now = this.d.clock.now();
    // A reroute dialog opened before another reroute hears "already rerouted" (below); a button says its card is old.
    if (a.kind !== "reroute") {
      const stale = staleCard(i, a.seenRoute);
      if (stale) return stale;
    }
    switch (a.kind) {
      case "acknowledge":
        return lifecycle.acknowledge(i, this.d.roster, actor, now);
      case "escalate": {
        // Who may escalate is answered first; only then whether the clicked card was stale.
        const r = lifecycle.escalate(i, this.d.roster, actor, now, levelCount(this.d.roster, i.routing.domain));
        return r.ok ? (lifecycle.staleEscalation(i, a.seenGen) ?? r) : r;
      }
      // Staleness first: the reroute that made the dialog stale also moved the incident out of the
      // domain that let this person open it, and "already rerouted" is the answer they need.
      case "reroute":
        return lifecycle.staleRoute(i, a.seenRoute) ?? lifecycle.reroute(i, this.d.roster, actor, a.reason, now);
      case "resolve":
        return lifecycle.resolve(i, this.d.roster, actor, a.note, now);
    }
  }
}
