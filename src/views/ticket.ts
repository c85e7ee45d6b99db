// The ticket card, said once for every platform: the facts it shows, the notes on the report, what
// happened to it (rerouted, resolved), and the actions this card offers. Block Kit and Adaptive Cards
// render a TicketView and decide nothing; text here is plain (renderers escape it for their markup).
// Others add lines to tickets (obligations, incident work): append a section to `sections`.
import { redactedCount, type Actor, type Incident } from "../domain/incident.js";
import type { Ref } from "../domain/refs.js";
import { person, summaryTimeZone, type Person, type Roster } from "../domain/roster.js";
import { statusLine } from "../domain/status.js";
import { STATUS_MAX } from "../domain/status-record.js";
import { otherDomain, type Domain } from "../domain/vocabulary.js";
import { lastPage } from "./deliveries.js";
import { fullReport, type FullReport } from "../bot/full-report.js";
import type { ObligationLine } from "../domain/clocks.js";
import { jiraIssue } from "../domain/outside.js";
import { stormNote } from "../domain/storm.js";
import { incidentRooms } from "../domain/incident-room.js";

/** Someone the card names: a roster person (with their platform ids) or a chat user we only know as an actor. */
export interface PersonView {
  name: string;
  slack?: string;
  teams?: string;
}

export type TicketOp = "acknowledge" | "escalate" | "reroute" | "resolve";

/** A button of the ticket card: what it does and the small reference it carries back (ids, never state). */
export interface TicketActionView {
  op: TicketOp;
  label: string;
  primary: boolean;
  incidentId: string;
  /** the routing the card shows: a click on a card of an older routing changes nothing. */
  route: number;
  /** Escalate: the escalation generation the card shows, so a double click escalates once. */
  gen?: number;
  /** Reroute and Resolve need words first: what to ask, and what to say when it is left empty. */
  ask?: { label: string; missing: string; maxLength: number };
}

/**
 * Status updates (issue 16, point 4), beside the lifecycle buttons: "Post update" (words first, for the
 * responders and the commander: the action refuses anyone else) and "Subscribe" (for whoever may see the
 * incident). They carry the incident id only: a status update is no less true on an older card.
 */
export interface FollowActionView {
  op: "post-status" | "subscribe";
  label: string;
  incidentId: string;
  ask?: { label: string; missing: string; maxLength: number };
}

export interface TicketNote {
  kind: "jira" | "redacted" | "limited" | "joined" | "storm" | "room";
  label: string;
  text: string;
  /** where the note points (the Jira issue, the incident channel), when known. */
  link?: string;
}

export type TicketHistory = { kind: "rerouted"; by: Actor; to: Domain; reason: string } | { kind: "resolved"; by: Actor; note: string };

/** A titled list of lines (the why, the references; others add theirs). */
export interface TicketSection {
  id: string;
  title: string;
  lines: string[];
}

export interface TicketView {
  id: string;
  title: string;
  severity: string;
  primary: Domain;
  provisional: boolean;
  /** the domain that owns it now. */
  domain: Domain;
  status: Incident["status"];
  /** this card shows an older routing: the ticket moved to `domain`, act on it there. */
  superseded: boolean;
  statusText: string;
  assignee?: PersonView;
  oncall?: PersonView & { level: number };
  reporter: Actor;
  crossDomain: string[];
  cc: string[];
  queue: string;
  ackMinutes: number;
  /** where it was reported from (a message link). */
  link?: string;
  notes: TicketNote[];
  /** the full report: description, every answer, accepted suggestions' evidence (src/bot/full-report.ts). */
  report: FullReport;
  sections: TicketSection[];
  /** the reporting clocks at send time (src/domain/clocks.ts); with any, the card offers "Draft report". */
  obligations: ObligationLine[];
  /** a Postmortem button: the current card of a resolved incident. */
  postmortem: boolean;
  history: TicketHistory[];
  actions: TicketActionView[];
  /** the latest status update, "Status (14:05, by Ada): …" (src/domain/status.ts). */
  statusLine?: string;
  /** Post update and Subscribe, on the current card of an unresolved incident. */
  follow: FollowActionView[];
  /**
   * Who may press them (the domain's roster at any level and the incident managers, src/domain/authz.ts):
   * a platform that shows cards per viewer offers the buttons to them and the status to everyone else.
   */
  responders: PersonView[];
  /** the routing this card was posted for. */
  route: number;
}

/** Most lines a section shows (the rest is on the incident record): both platforms cut at the same place. */
export const SECTION_MAX = { why: 4, refs: 8 } as const;

const STATUS = { open: "Open", acknowledged: "Acknowledged", escalated: "Escalated", resolved: "Resolved" } as const;
const FRAMEWORK: Record<string, string> = { atlas: "MITRE ATLAS", "owasp-llm": "OWASP LLM Top 10", "nist-ai-600-1": "NIST AI 600-1" };

export const refText = (r: Ref) => `${FRAMEWORK[r.framework] ?? r.framework} ${r.id}${r.id === r.name ? "" : `: ${r.name}`}`;
export const ownerText = (primary: Domain, provisional: boolean) =>
  `${primary === "safety" ? "AI safety (unintentional failure)" : "AI security (deliberate adversary)"}${provisional ? ", provisional until intent is known" : ""}`;

export interface TicketViewOptions {
  /** the routing (routeCount) this card is for; by default the current one. */
  route?: number;
  roster?: Roster;
  /** who is on call for this message (a ticket job knows it); by default the last page of the timeline. */
  oncall?: { person: Person; level: number };
  /** the reporting clocks the message carries (a ticket job computes them at send time). */
  obligations?: ObligationLine[];
}

export function ticketView(i: Incident, o: TicketViewOptions = {}): TicketView {
  const c = i.classification;
  const route = o.route ?? i.routeCount;
  const superseded = route < i.routeCount;
  const live = !superseded && i.status !== "resolved";
  const assignee = i.assignee ? personView(i, i.assignee, o.roster) : undefined;
  const oncall = superseded ? undefined : oncallOf(i, o);
  return {
    id: i.id,
    title: i.title,
    severity: c.severity,
    primary: c.primary,
    provisional: c.provisional ?? false,
    domain: i.routing.domain,
    status: i.status,
    superseded,
    statusText: superseded ? `Rerouted to ${i.routing.domain}` : `${STATUS[i.status]}${i.status === "escalated" ? ` (level ${i.level + 1})` : ""}`,
    ...(assignee ? { assignee } : {}),
    ...(oncall ? { oncall } : {}),
    reporter: i.reporter,
    crossDomain: c.crossDomain,
    cc: i.routing.cc,
    queue: i.routing.queue,
    ackMinutes: i.routing.ackMinutes,
    ...(i.link ? { link: i.link } : {}),
    notes: ticketNotes(i),
    report: fullReport(i),
    obligations: o.obligations ?? [],
    postmortem: !superseded && i.status === "resolved",
    sections: [
      { id: "why", title: "Why", lines: c.rationale.slice(-SECTION_MAX.why) },
      ...(c.refs.length ? [{ id: "refs", title: "References", lines: c.refs.slice(0, SECTION_MAX.refs).map(refText) }] : []),
    ],
    history: history(i, superseded),
    actions: live ? ticketActions(i) : [],
    ...(i.latestStatus ? { statusLine: statusLine(i.latestStatus, o.roster ? summaryTimeZone(o.roster) : "UTC") } : {}),
    follow: live ? followActions(i) : [],
    responders: live && o.roster ? responders(o.roster, i.routing.domain) : [],
    route,
  };
}

/** The Jira issue, redactions, abuse limits, joined reports, the storm, the incident channels: what the on-call should know about the report itself. */
export function ticketNotes(i: Incident): TicketNote[] {
  const n = redactedCount(i);
  const joined = i.timeline.filter((e) => e.type === "joined").length;
  const jira = jiraIssue(i.timeline);
  const storm = stormNote(i);
  return [
    ...(jira ? [{ kind: "jira" as const, label: "Jira", text: `Jira ${jira.key}`, ...(jira.link ? { link: jira.link } : {}) }] : []),
    ...(n ? [{ kind: "redacted" as const, label: "Redacted", text: `${n} ${n === 1 ? "secret" : "secrets"} redacted from the report` }] : []),
    ...(i.limited ? [{ kind: "limited" as const, label: "Paging", text: "Filed over the report limit: nobody was paged" }] : []),
    ...(joined ? [{ kind: "joined" as const, label: "Also reported by", text: `${joined} more ${joined === 1 ? "person" : "people"} reported the same` }] : []),
    ...(storm ? [{ kind: "storm" as const, label: "Storm", text: storm }] : []),
    // Its incident channels (src/domain/incident-room.ts), where the responders work it.
    ...incidentRooms(i).map((r) => ({ kind: "room" as const, label: "Incident channel", text: r.name ? `#${r.name}` : `${r.platform === "teams" ? "Teams" : "Slack"} incident thread`, ...(r.link ? { link: r.link } : {}) })),
  ];
}

/** A history line in words; `who` is the actor as the platform shows them (a mention, a name). */
export function historyText(h: TicketHistory, who: string, to: (d: Domain) => string = (d) => d): string {
  return h.kind === "rerouted" ? `Rerouted to ${to(h.to)} by ${who}: ${h.reason}. The ${h.to} on-call has the ticket now.` : `Resolved by ${who}: ${h.note}`;
}

function history(i: Incident, superseded: boolean): TicketHistory[] {
  const out: TicketHistory[] = [];
  const reroute = i.timeline.findLast((e) => e.type === "rerouted");
  if (superseded && reroute?.type === "rerouted") out.push({ kind: "rerouted", by: reroute.by, to: reroute.to, reason: reroute.reason });
  // Delivery records may follow the resolution on the timeline: look for it by type.
  const resolved = i.status === "resolved" ? i.timeline.findLast((e) => e.type === "resolved") : undefined;
  if (resolved?.type === "resolved") out.push({ kind: "resolved", by: resolved.by, note: resolved.note });
  return out;
}

function ticketActions(i: Incident): TicketActionView[] {
  const ref = { incidentId: i.id, route: i.routeCount };
  return [
    ...(i.status === "acknowledged" ? [] : [{ op: "acknowledge" as const, label: "Acknowledge", primary: true, ...ref }]),
    { op: "escalate", label: "Escalate", primary: false, ...ref, gen: i.escalationGen },
    { op: "reroute", label: "Reroute", primary: false, ...ref, ask: { label: `Why is it ${otherDomain(i.routing.domain)}'s?`, missing: "A reroute needs a reason.", maxLength: 500 } },
    { op: "resolve", label: "Resolve", primary: false, ...ref, ask: { label: "What was done (or why no action is needed)?", missing: "Resolving needs a note.", maxLength: 1000 } },
  ];
}

function followActions(i: Incident): FollowActionView[] {
  return [
    { op: "post-status", label: "Post update", incidentId: i.id, ask: { label: "Status update (what is known, what is being done, what is next)", missing: "A status update needs some text.", maxLength: STATUS_MAX } },
    { op: "subscribe", label: "Subscribe", incidentId: i.id },
  ];
}

/** A roster person by id, or the chat user who acknowledged (or resolved) as them, or the id as is. */
function personView(i: Incident, personId: string, roster?: Roster): PersonView {
  const p = roster ? person(roster, personId) : undefined;
  const ev = i.timeline.findLast((e) => e.type === "acknowledged" && e.person === personId) ?? i.timeline.findLast((e) => e.type === "resolved");
  const by = ev && "by" in ev ? ev.by : undefined;
  const slack = p?.slack ?? (by?.platform === "slack" ? by.userId : undefined);
  const teams = p?.teams ?? (by?.platform === "teams" ? by.userId : undefined);
  return { name: p?.name ?? personId, ...(slack ? { slack } : {}), ...(teams ? { teams } : {}) };
}

function oncallOf(i: Incident, o: TicketViewOptions): (PersonView & { level: number }) | undefined {
  if (o.oncall) return { ...ids(o.oncall.person), name: o.oncall.person.name, level: o.oncall.level };
  const page = lastPage(i);
  if (!page) return undefined;
  const p = page.person && o.roster ? person(o.roster, page.person) : undefined;
  // Without the roster, a Slack page's address is the person's Slack id.
  const slack = p?.slack ?? (page.platform === "slack" ? page.address : undefined);
  return { name: p?.name ?? page.person ?? page.address, ...(slack ? { slack } : {}), ...(p?.teams ? { teams: p.teams } : {}), level: page.level };
}

function responders(roster: Roster, domain: Domain): PersonView[] {
  const idsOf = new Set([...roster.domains[domain].levels.flat(), ...roster.incidentManagers]);
  return roster.people.filter((p) => idsOf.has(p.id)).map((p) => ({ name: p.name, ...ids(p) }));
}

const ids = (p: Person) => ({ ...(p.slack ? { slack: p.slack } : {}), ...(p.teams ? { teams: p.teams } : {}) });
