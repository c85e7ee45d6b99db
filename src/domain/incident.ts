// The incident record and its ticket lifecycle. Every change is a pure transition that checks who may
// make it, returns the new record with one more timeline event, or a refusal that changes nothing.
import { z } from "zod";
import { Actor } from "./actor.js";
import { authorize, type TicketActionName } from "./authz.js";
import { Classification } from "./classify.js";
import { LimitName } from "./limits.js";
import { OutsideService } from "./outside.js";
import { PreTriageRecord } from "./proposals.js";
import { RedactionNote } from "./redact.js";
import { Room, RoomPlatform } from "./room.js";
import type { Person, Roster } from "./roster.js";
import { RoutingDecision, queueFor } from "./route.js";
import { StormSummary } from "./storm-summary.js";
import { LatestStatus, STATUS_MAX, Subscriber } from "./status-record.js";
import { Answers, DESCRIPTION_MAX, Domain, Severity, otherDomain } from "./vocabulary.js";

export const INCIDENT_ID = /^INC-\d{4}-\d{4,}$/;
export const IncidentId = z.string().regex(INCIDENT_ID, "an incident id such as INC-2026-0042");
export const Status = z.enum(["open", "acknowledged", "escalated", "resolved"]);
export type Status = z.infer<typeof Status>;

export { Actor };

const at = z.iso.datetime();
export const TimelineEvent = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("created"), at, by: Actor }),
  z.strictObject({ type: z.literal("routed"), at, queue: z.string(), domain: Domain }),
  z.strictObject({
    type: z.literal("delivered"),
    at,
    to: z.string(),
    level: z.number().int(),
    person: z.string().optional(),
    /** the platform's reference to the posted message (to edit it in place later) and a link to it. */
    ref: z.string().optional(),
    link: z.string().optional(),
  }),
  z.strictObject({ type: z.literal("cross-domain-noted"), at, domain: Domain, to: z.string(), ref: z.string().optional(), link: z.string().optional() }),
  z.strictObject({ type: z.literal("acknowledged"), at, by: Actor, person: z.string().optional() }),
  z.strictObject({
    type: z.literal("escalated"),
    at,
    by: Actor.optional(),
    level: z.number().int(),
    reason: z.string(),
    /** the escalation generation whose timer fired (automatic escalations only). */
    timer: z.number().int().optional(),
    /** the generation this escalation started: its page job is keyed on it. */
    gen: z.number().int(),
  }),
  z.strictObject({
    type: z.literal("rerouted"),
    at,
    by: Actor,
    from: Domain,
    to: Domain,
    reason: z.string(),
    previous: Classification,
  }),
  z.strictObject({ type: z.literal("resolved"), at, by: Actor, note: z.string() }),
  z.strictObject({ type: z.literal("delivery-failed"), at, to: z.string(), error: z.string() }),
  /** another reporter's report of the same incident, joined instead of filed anew (nobody paged). */
  z.strictObject({ type: z.literal("joined"), at, by: Actor, description: z.string().max(DESCRIPTION_MAX) }),
  /** filed over an abuse limit: posted to the channel, nobody paged, no escalation timer. */
  z.strictObject({ type: z.literal("limited"), at, limit: LimitName, reason: z.string().max(300) }),
  /**
   * the intent to send the message with delivery key `to`, written before the platform is called: a
   * delivery that finds it (its worker died) looks for the message on the platform before sending again.
   * `at` is the first attempt's time; replaced by `delivered` (or `cancelled`) once the outcome is known.
   */
  z.strictObject({ type: z.literal("sending"), at, to: z.string(), attempt: z.number().int().min(1) }),
  /** a message not sent because what it announced stopped being true first (acknowledged, resolved, rerouted). */
  z.strictObject({ type: z.literal("cancelled"), at, to: z.string(), reason: z.string().max(300) }),
  /** a page not sent because the domain's paging limit was reached; `to` is its delivery key. */
  z.strictObject({ type: z.literal("page-skipped"), at, to: z.string(), reason: z.string().max(300) }),
  /** an edit after filing (src/domain/edits.ts): what changed, from what to what, who and why. */
  z.strictObject({ type: z.literal("edited"), at, by: Actor, field: z.enum(["severity", "intent", "kinds"]), from: z.string().max(300), to: z.string().max(300), reason: z.string().max(2000) }),
  /** a note added to the incident by its responders. */
  z.strictObject({ type: z.literal("note"), at, by: Actor, text: z.string().max(2000) }),
  /** a resolved incident opened again. */
  z.strictObject({ type: z.literal("reopened"), at, by: Actor, reason: z.string().max(2000) }),
  /** the incident's commander (a roster person id) taken, assigned or handed over; `from` the previous one. */
  z.strictObject({ type: z.literal("commander"), at, by: Actor, to: z.string().max(64), from: z.string().max(64).optional() }),
  /** an action taken in an outside service (PagerDuty's webhook event `eventId`) that was not mirrored here, and why. */
  z.strictObject({ type: z.literal("not-mirrored"), at, service: OutsideService, eventId: z.string().max(100), reason: z.string().max(300) }),
  /** a reporting obligation marked as reported (src/domain/clocks.ts): its clock stops, its reminders do nothing. */
  z.strictObject({ type: z.literal("obligation-reported"), at, by: Actor, regime: z.string().min(1).max(40), report: z.enum(["initial", "complete"]) }),
  /** when the organisation became aware, set after filing: every obligation's deadline is counted from it. */
  z.strictObject({ type: z.literal("aware-at-set"), at, by: Actor, awareAt: at }),
  /** one report of an incident storm (src/domain/storm.ts): no card or page of its own, listed under `parent`. */
  z.strictObject({ type: z.literal("storm-grouped"), at, parent: IncidentId, reason: z.string().max(300) }),
  /** a status update posted by a responder (src/domain/status.ts): the card shows the latest, subscribers hear of each. */
  z.strictObject({ type: z.literal("status-update"), at, by: Actor, text: z.string().max(STATUS_MAX) }),
  /** someone who may see the incident subscribed themselves to its status updates, or stopped. */
  z.strictObject({ type: z.literal("subscribed"), at, by: Actor }),
  z.strictObject({ type: z.literal("unsubscribed"), at, by: Actor }),
  /**
   * the intent to create the incident channel `name` on `platform`, written before the platform is
   * called: a retry that finds it looks for that channel before creating one (src/tickets/rooms.ts).
   * Replaced by `channel-opened` once it exists.
   */
  z.strictObject({ type: z.literal("channel-opening"), at, platform: RoomPlatform, name: z.string().min(1).max(80), attempt: z.number().int().min(1).max(50) }),
  /** the incident channel exists (see Incident.rooms): where, and a link. */
  z.strictObject({ type: z.literal("channel-opened"), at, platform: RoomPlatform, address: z.string().min(1).max(300), name: z.string().max(80).optional(), link: z.string().max(2000).optional() }),
]);
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const Incident = z.strictObject({
  schemaVersion: z.literal(1),
  id: IncidentId,
  /** record version, bumped by the store on every write (optimistic concurrency). */
  rev: z.number().int().min(1),
  conversationId: z.string().min(1).max(300),
  reporter: Actor,
  title: z.string().max(120),
  /** where it was reported from (e.g. a Slack message permalink), shown on the ticket. */
  link: z.url().optional(),
  answers: Answers,
  classification: Classification,
  routing: RoutingDecision,
  status: Status,
  assignee: z.string().optional(),
  /** current escalation level (0 = first level of the roster). */
  level: z.number().int().min(0),
  /**
   * Bumped whenever a pending escalation must no longer fire (ack, resolve, reroute, escalate):
   * a delayed escalation job carries the generation it was scheduled for and does nothing if stale.
   */
  escalationGen: z.number().int().min(0),
  /** how many times the ticket was routed (1 + reroutes); part of the delivery job id. */
  routeCount: z.number().int().min(1),
  createdAt: at,
  updatedAt: at,
  acknowledgedAt: at.optional(),
  resolvedAt: at.optional(),
  /** filed over an abuse limit (see the `limited` timeline event): nobody was paged for it. */
  limited: z.boolean().optional(),
  /** the first incident of a storm: the rolling count its card shows (src/domain/storm.ts). */
  storm: StormSummary.optional(),
  /** grouped under this storm parent: its card and thread stand for this incident in the channel. */
  stormOf: IncidentId.optional(),
  /** secrets taken out of the answers before anything was stored: kind and count, never the secret. */
  redactions: z.array(RedactionNote).max(100).optional(),
  /** what pre-triage proposed per question and what the reporter chose (absent when nothing was proposed). */
  pretriage: PreTriageRecord.optional(),
  /** who leads the response (a roster person id): may edit it like the on-call (src/domain/commander.ts). */
  commander: z.string().max(64).optional(),
  /** every attack or failure kind, when responders set more than one after filing (answers keep the first). */
  kinds: z.array(z.string().max(64)).min(1).max(5).optional(),
  /** the last status update (src/domain/status.ts), shown on the ticket card. */
  latestStatus: LatestStatus.optional(),
  /** who gets each status update in their personal chat (src/domain/status.ts). */
  subscribers: z.array(Subscriber).max(500).optional(),
  /** its incident channels, one per platform (src/domain/incident-room.ts): read them with incidentRooms(). */
  rooms: z.array(Room).max(2).optional(),
  timeline: z.array(TimelineEvent),
});
export type Incident = z.infer<typeof Incident>;

/** The incident as it is about to be stored, before the store assigns its id. */
export type IncidentDraft = Omit<Incident, "id" | "rev">;

export function draftIncident(input: {
  conversationId: string;
  reporter: Actor;
  answers: Answers;
  classification: Classification;
  routing: RoutingDecision;
  now: Date;
  link?: string;
  redactions?: RedactionNote[];
  pretriage?: PreTriageRecord;
}): IncidentDraft {
  const iso = input.now.toISOString();
  const desc = typeof input.answers.description === "string" ? input.answers.description : "";
  return {
    schemaVersion: 1,
    conversationId: input.conversationId,
    reporter: input.reporter,
    title: titleOf(desc),
    ...(input.link ? { link: input.link } : {}),
    ...(input.redactions?.length ? { redactions: input.redactions } : {}),
    ...(input.pretriage ? { pretriage: input.pretriage } : {}),
    answers: input.answers,
    classification: input.classification,
    routing: input.routing,
    status: "open",
    level: 0,
    escalationGen: 0,
    routeCount: 1,
    createdAt: iso,
    updatedAt: iso,
    timeline: [
      { type: "created", at: iso, by: input.reporter },
      { type: "routed", at: iso, queue: input.routing.queue, domain: input.routing.domain },
    ],
  };
}

function titleOf(description: string): string {
  const first = description.split(/\r?\n/)[0]?.trim() ?? "";
  return first.length > 100 ? `${first.slice(0, 99)}…` : first || "(no description)";
}

// ---- ticket actions -------------------------------------------------------------------------------

export type ActionResult = { ok: true; incident: Incident; changed: boolean; message: string } | { ok: false; code: RefusalCode; message: string };
/** The shortest reroute reason or resolve note taken (trimmed): every form asks for at least this. */
export const NOTE_MIN = 3;

export type RefusalCode = "NOT_ALLOWED" | "ALREADY_RESOLVED" | "REASON_REQUIRED" | "NOTE_REQUIRED";

/** Who may act on a domain's tickets (src/domain/authz.ts): its roster (any level) or an incident manager. */
export function mayAct(roster: Roster, domain: Domain, actor: Actor, action: TicketActionName = "acknowledge"): Person | undefined {
  const r = authorize(roster, actor, action, { domain });
  return r.ok ? r.person : undefined;
}

function guard(incident: Incident, roster: Roster, actor: Actor, action: TicketActionName): { ok: false; code: RefusalCode; message: string } | Person {
  const p = mayAct(roster, incident.routing.domain, actor, action);
  if (!p) {
    return {
      ok: false,
      code: "NOT_ALLOWED",
      message: `Only the ${incident.routing.domain} on-call roster or an incident manager can act on ${incident.id}.`,
    };
  }
  if (incident.status === "resolved") return { ok: false, code: "ALREADY_RESOLVED", message: `${incident.id} is already resolved.` };
  return p;
}

function touch(i: Incident, now: Date, event: TimelineEvent, patch: Partial<Incident>): Incident {
  return { ...i, ...patch, updatedAt: now.toISOString(), timeline: [...i.timeline, event] };
}

export function acknowledge(i: Incident, roster: Roster, actor: Actor, now: Date): ActionResult {
  const p = guard(i, roster, actor, "acknowledge");
  if ("ok" in p) return p;
  if (i.status === "acknowledged") {
    return { ok: true, incident: i, changed: false, message: `${i.id} was already acknowledged by ${i.assignee ?? "someone"}.` };
  }
  const iso = now.toISOString();
  const incident = touch(i, now, { type: "acknowledged", at: iso, by: actor, person: p.id }, {
    status: "acknowledged",
    assignee: p.id,
    acknowledgedAt: i.acknowledgedAt ?? iso,
    escalationGen: i.escalationGen + 1,
  });
  return { ok: true, incident, changed: true, message: `${p.name} acknowledged ${i.id}.` };
}

/**
 * A manual escalation from a card rendered at escalation generation `seenGen`: when the incident was
 * escalated since (another click, a double click, or the timer), the click is stale and changes
 * nothing. This is what makes a double-clicked Escalate escalate once (the Grafana OnCall way: a
 * button carries the version it was rendered for). An acknowledgement since the card was shown does
 * not make it stale: escalating an acknowledged incident is a decision of its own. Undefined when the
 * click is current (or carries no generation: cards posted before generations were carried).
 */
export function staleEscalation(i: Incident, seenGen: number | undefined): ActionResult | undefined {
  if (seenGen === undefined) return undefined;
  const since = i.timeline.findLast((e) => e.type === "escalated" && e.gen > seenGen);
  if (since?.type !== "escalated") return undefined;
  const by = since.by ? `by ${since.by.name ?? since.by.userId}` : "by the acknowledgement timer";
  return { ok: true, incident: i, changed: false, message: `${i.id} was already escalated to level ${since.level + 1} ${by} since that card was shown; nothing was changed. If it needs to go higher, use the updated card.` };
}

/**
 * A reroute submitted from a dialog opened at route `seenRoute`: when the incident was rerouted since
 * (a second dialog, a double submit, someone else), it is stale and changes nothing, or two dialogs
 * would send the ticket back and forth. Undefined when current (or when no route was carried).
 */
export function staleRoute(i: Incident, seenRoute: number | undefined): ActionResult | undefined {
  if (seenRoute === undefined || i.routeCount === seenRoute) return undefined;
  const last = i.timeline.findLast((e) => e.type === "rerouted");
  const by = last?.type === "rerouted" ? ` by ${last.by.name ?? last.by.userId}` : "";
  return { ok: true, incident: i, changed: false, message: `${i.id} was already rerouted to ${i.routing.domain}${by} since you opened that dialog; nothing was changed.` };
}

/**
 * Escalates to the next level; `actor` undefined means the acknowledgement timer ran out, after
 * `waitedMinutes` (the wait it was armed for: shorter than the current target when the severity was
 * lowered meanwhile, src/domain/escalation-timer.ts).
 */
export function escalate(i: Incident, roster: Roster, actor: Actor | undefined, now: Date, levels: number, waitedMinutes = i.routing.ackMinutes): ActionResult {
  if (actor) {
    const p = guard(i, roster, actor, "escalate");
    if ("ok" in p) return p;
  } else if (i.status === "resolved" || i.status === "acknowledged") {
    return { ok: true, incident: i, changed: false, message: `${i.id} is ${i.status}; no escalation needed.` };
  }
  const level = Math.min(i.level + 1, levels - 1);
  const reason = actor
    ? `escalated by ${actor.name ?? actor.userId}`
    : `not acknowledged within ${waitedMinutes} minutes`;
  const who = actor ? { by: actor } : { timer: i.escalationGen };
  const gen = i.escalationGen + 1;
  const incident = touch(i, now, { type: "escalated", at: now.toISOString(), ...who, level, reason, gen }, {
    status: "escalated",
    level,
    escalationGen: gen,
  });
  return { ok: true, incident, changed: true, message: `${i.id} escalated to level ${level + 1} (${reason}).` };
}

export function reroute(i: Incident, roster: Roster, actor: Actor, reason: string, now: Date): ActionResult {
  const p = guard(i, roster, actor, "reroute");
  if ("ok" in p) return p;
  const why = reason.trim();
  if (why.length < NOTE_MIN) return { ok: false, code: "REASON_REQUIRED", message: "A reroute needs a reason (what makes it the other domain's?)." };
  const from = i.routing.domain;
  const to = otherDomain(from);
  const severity: Severity = i.classification.severity;
  const classification: Classification = {
    ...i.classification,
    primary: to,
    provisional: false,
    rationale: [...i.classification.rationale, `Rerouted from ${from} to ${to} by ${p.name}: ${why}`],
  };
  const routing: RoutingDecision = {
    domain: to,
    queue: queueFor(to),
    cc: i.routing.cc.filter((d) => d !== to),
    ackMinutes: roster.domains[to].escalationMinutes[severity],
  };
  const iso = now.toISOString();
  const incident = touch(i, now, { type: "rerouted", at: iso, by: actor, from, to, reason: why, previous: i.classification }, {
    classification,
    routing,
    status: "open",
    level: 0,
    escalationGen: i.escalationGen + 1,
    routeCount: i.routeCount + 1,
  });
  incident.timeline.push({ type: "routed", at: iso, queue: routing.queue, domain: to });
  delete incident.assignee;
  return { ok: true, incident, changed: true, message: `${i.id} rerouted from ${from} to ${to}: ${why}` };
}

export function resolve(i: Incident, roster: Roster, actor: Actor, note: string, now: Date): ActionResult {
  const p = guard(i, roster, actor, "resolve");
  if ("ok" in p) return p;
  const text = note.trim();
  if (text.length < NOTE_MIN) return { ok: false, code: "NOTE_REQUIRED", message: "Resolving needs a note (what was done, or why no action is needed)." };
  const iso = now.toISOString();
  const incident = touch(i, now, { type: "resolved", at: iso, by: actor, note: text }, {
    status: "resolved",
    resolvedAt: iso,
    escalationGen: i.escalationGen + 1,
    assignee: i.assignee ?? p.id,
  });
  return { ok: true, incident, changed: true, message: `${p.name} resolved ${i.id}: ${text}` };
}

/**
 * Another reporter's report joins an open incident: one more timeline event and its redaction notes;
 * status, assignee and escalation stay as they are, so nobody is paged twice. Anyone may join (authz).
 */
export function join(i: Incident, reporter: Actor, description: string, now: Date, redactions: RedactionNote[] = []): ActionResult {
  if (i.status === "resolved") return { ok: false, code: "ALREADY_RESOLVED", message: `${i.id} was resolved in the meantime.` };
  const notes = mergeNotes(i.redactions ?? [], redactions.map((n) => ({ ...n, question: "joined" })));
  const event: TimelineEvent = { type: "joined", at: now.toISOString(), by: reporter, description: description.slice(0, DESCRIPTION_MAX) };
  const incident = touch(i, now, event, notes.length ? { redactions: notes } : {});
  const count = incident.timeline.filter((e) => e.type === "joined").length;
  return { ok: true, incident, changed: true, message: `${reporter.name ?? reporter.userId} reported the same incident (${count + 1} reports so far).` };
}

/** Marks an incident filed over an abuse limit; the processor then skips pages and timers. */
export function markLimited(i: Incident, limit: LimitName, reason: string, now: Date): Incident {
  if (i.limited) return i;
  return touch(i, now, { type: "limited", at: now.toISOString(), limit, reason: reason.slice(0, 300) }, { limited: true });
}

function mergeNotes(a: RedactionNote[], b: RedactionNote[]): RedactionNote[] {
  const out = a.map((n) => ({ ...n }));
  for (const n of b) {
    const same = out.find((o) => o.question === n.question && o.kind === n.kind);
    if (same) same.count += n.count;
    else out.push({ ...n });
  }
  return out.slice(0, 100);
}

/** How many secrets were redacted from an incident's answers (for "2 secrets redacted" on tickets). */
export const redactedCount = (i: Pick<Incident, "redactions">) => (i.redactions ?? []).reduce((n, r) => n + r.count, 0);

/** BullMQ job id of a ticket delivery: one per incident and routing, so a retry never enqueues twice. */
export const deliveryJobId = (i: Pick<Incident, "id" | "routeCount">) => `${i.id}.r${i.routeCount}`;

/**
 * The domain an incident was routed to at routing `route` (1 = as filed), from its "routed" events:
 * after a reroute the old ticket card still lives in the old domain's channels and must be edited there.
 */
export function domainOfRoute(i: Pick<Incident, "timeline" | "routing">, route: number): Domain {
  const routed = i.timeline.filter((e) => e.type === "routed");
  const e = routed[route - 1];
  return e?.type === "routed" ? e.domain : i.routing.domain;
}
