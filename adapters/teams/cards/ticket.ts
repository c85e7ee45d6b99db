// What on-call sees: the ticket card in the domain's channel (and in the page), rendered from a
// TicketView (src/views/ticket.ts), which says what it shows and which actions it offers. Buttons carry
// the incident id and the routing they belong to; Reroute and Resolve ask for words on the card.
import type { Incident } from "../../../src/domain/incident.js";
import type { Domain } from "../../../src/domain/vocabulary.js";
import { historyText, ownerText, ticketView, type TicketActionView, type TicketView } from "../../../src/views/ticket.js";
import { INPUT } from "../submit.js";
import { LIMIT, REFRESH_MAX_USERS, bullets, card, clip, execute, facts, heading, subtle, text, type Action, type AdaptiveCard, type Element } from "./card.js";
import { rationale } from "./incident-facts.js";
import { plain } from "./inert.js";
import { obligationElements } from "./obligations.js";
import type { ObligationLine } from "../../../src/domain/clocks.js";
import { followActions, ticketMoreActions } from "./ticket-more.js";
import { fullReportElements } from "./full-report.js";

/** The older way to ask for a ticket card (tests, callers without a roster): the incident and its routing. */
export interface TicketCardInput {
  incident: Incident;
  /** the routing (routeCount) this card was posted for. */
  route: number;
  /** who is (or was last) paged for it, and at which level (0-based). */
  oncall?: { name: string; level: number };
  /** the reporting clocks (src/domain/clocks.ts) at send time. */
  obligations?: ObligationLine[];
}

export function ticketCard(v: TicketCardInput | TicketView): AdaptiveCard {
  return renderTicket("incident" in v ? fromInput(v) : v);
}

function fromInput(v: TicketCardInput): TicketView {
  const view = ticketView(v.incident, { route: v.route, ...(v.obligations ? { obligations: v.obligations } : {}) });
  return v.oncall && !view.superseded ? { ...view, oncall: { name: v.oncall.name, level: v.oncall.level } } : view;
}

/**
 * Who the card is for. `responder`: the buttons (a page, or the per-user card Teams asks for on refresh).
 * `everyone`: the card posted to the channel, status only when Teams can refresh it into the buttons
 * for the responders (their ids are known); without any, the buttons show to all and the ticket
 * actions refuse whoever may not press them.
 */
export type Audience = "responder" | "everyone";

/** A user MRI as Teams expects it in refresh.userIds; the roster holds AAD object ids. */
export const userMri = (teamsId: string) => (teamsId.includes(":") ? teamsId : `8:orgid:${teamsId}`);

export function renderTicket(v: TicketView, audience: Audience = "responder"): AdaptiveCard {
  const body: Element[] = [
    heading(`${v.id} · ${v.severity} · ${v.primary}`),
    text(plain(clip(v.title, LIMIT.title)), { weight: "bolder" }),
    ...(v.statusLine ? [text(plain(v.statusLine), { color: "accent" })] : []),
    ...fullReportElements(v.report),
    facts([
      ["Status", v.statusText],
      ["Assigned to", plain(v.assignee?.name ?? "")],
      ["On call", v.oncall ? `${plain(v.oncall.name)} (level ${v.oncall.level + 1})` : ""],
      ["Reported by", plain(v.reporter.name ?? v.reporter.userId)],
      // A note with an address (the Jira issue, the incident channel) is a button (below); without one, a fact.
      ...v.notes.filter((n) => !n.link).map((n): [string, string] => [n.label, n.text]),
    ]),
    facts([
      ["Owner", ownerText(v.primary, v.provisional)],
      ["Severity", v.severity],
      ["Cross-domain", v.crossDomain.join(", ")],
      ["Routed to", `${v.queue}${v.cc.length ? `, copied to ${v.cc.join(", ")}` : ""}`],
      ["Acknowledge within", `${v.ackMinutes} min`],
    ]),
  ];
  for (const s of v.sections) body.push(text(s.title, { weight: "bolder", spacing: "medium" }), bullets(s.lines));
  body.push(...obligationElements(v.obligations, v.id));
  for (const h of v.history) {
    const line = plain(clip(historyText(h, h.by.name ?? h.by.userId), LIMIT.line));
    body.push(h.kind === "resolved" ? text(line, { color: "good" }) : subtle(line));
  }
  const userIds = v.responders.flatMap((p) => (p.teams ? [userMri(p.teams)] : [])).slice(0, REFRESH_MAX_USERS);
  const buttons = audience === "responder" || userIds.length === 0;
  if (!buttons && v.actions.length) body.push(subtle(`The ${v.domain} on-call roster sees the actions on this card.`));
  const follow = followActions(v, buttons);
  if (follow.length) body.push({ type: "ActionSet", actions: follow });
  const c = card(body, [...(buttons ? v.actions.map(ticketAction) : []), ...reportedFrom(v), ...jiraLink(v), ...ticketMoreActions(v)]);
  if (!v.actions.length || !userIds.length) return c;
  const refresh = { type: "Action.Execute" as const, title: "Refresh", verb: "refresh", data: { action: "refresh" as const, incidentId: v.id, route: v.route } };
  return { ...c, refresh: { action: refresh, userIds } };
}

/** A report made from a message (the message action) links back to it, as Slack's card does. */
function reportedFrom(v: TicketView): Action[] {
  return v.link ? [{ type: "Action.OpenUrl", title: "Open the reported message", url: v.link }] : [];
}

/** The Jira issue linked to the incident (src/tickets/outside) and its incident channels, as buttons when their address is known. */
function jiraLink(v: TicketView): Action[] {
  return v.notes.flatMap((n): Action[] => (n.link ? [{ type: "Action.OpenUrl", title: n.kind === "room" ? `${n.label} ${n.text}` : n.text, url: n.link }] : []));
}

/** The page, in the on-call person's personal chat: the ticket with its buttons. */
export function pageCard(v: (TicketCardInput | TicketView) & { reason: string }): AdaptiveCard {
  const t = ticketCard(v);
  return { ...t, body: [text(`You are paged: ${plain(clip(v.reason, LIMIT.line))}`, { color: "attention", weight: "bolder" }), ...t.body] };
}

/** The note to the other domain's channel: a quote of the ticket and a link to it when known. */
export function crossDomainCard(i: Incident, domain: Domain, ticketLink?: string): AdaptiveCard {
  const body: Element[] = [
    heading(`FYI for ${domain}: ${i.id} · ${i.classification.severity} · ${i.classification.primary}`),
    text(`> ${plain(clip(i.title, LIMIT.title))}`),
    text(`Owned by the ${i.routing.domain} on-call. It reaches ${domain}: ${i.classification.crossDomain.join(", ")}.`, { size: "small" }),
    ...rationale(i, 3),
  ];
  return card(body, ticketLink ? [{ type: "Action.OpenUrl", title: "Open the ticket", url: ticketLink }] : []);
}

function ticketAction(a: TicketActionView): Action {
  // The escalation generation the card shows: a double click escalates once (the second is stale).
  const data = { action: "ticket" as const, op: a.op, incidentId: a.incidentId, route: a.route, ...(a.gen !== undefined ? { gen: a.gen } : {}) };
  const style = a.primary || a.op === "resolve" ? "positive" : undefined;
  if (!a.ask) return execute(a.label, "ticket", data, style);
  const id = a.op === "reroute" ? INPUT.reason : INPUT.note;
  return {
    type: "Action.ShowCard",
    title: a.label,
    card: {
      type: "AdaptiveCard",
      body: [{ type: "Input.Text", id, label: a.ask.label, isMultiline: true, maxLength: a.ask.maxLength, isRequired: true, errorMessage: a.ask.missing }],
      actions: [execute(a.label, "ticket", data, style)],
    },
  };
}
