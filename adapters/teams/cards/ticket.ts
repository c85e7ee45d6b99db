// What on-call sees: the ticket card in the domain's channel (and in the page), rendered from a
// TicketView (src/views/ticket.ts), which says what it shows and which actions it offers. Buttons carry
// the incident id and the routing they belong to; Reroute and Resolve ask for words on the card.
import type { Incident } from "../../../src/domain/incident.js";
import type { Domain } from "../../../src/domain/vocabulary.js";
import { historyText, ownerText, ticketView, type TicketActionView, type TicketView } from "../../../src/views/ticket.js";
import { INPUT } from "../submit.js";
import { LIMIT, bullets, card, clip, facts, heading, submit, subtle, text, type Action, type AdaptiveCard, type Element } from "./card.js";
import { rationale } from "./incident-facts.js";
import { plain } from "./inert.js";

/** The older way to ask for a ticket card (tests, callers without a roster): the incident and its routing. */
export interface TicketCardInput {
  incident: Incident;
  /** the routing (routeCount) this card was posted for. */
  route: number;
  /** who is (or was last) paged for it, and at which level (0-based). */
  oncall?: { name: string; level: number };
}

export function ticketCard(v: TicketCardInput | TicketView): AdaptiveCard {
  return renderTicket("incident" in v ? fromInput(v) : v);
}

function fromInput(v: TicketCardInput): TicketView {
  const view = ticketView(v.incident, { route: v.route });
  return v.oncall && !view.superseded ? { ...view, oncall: { name: v.oncall.name, level: v.oncall.level } } : view;
}

export function renderTicket(v: TicketView): AdaptiveCard {
  const body: Element[] = [
    heading(`${v.id} · ${v.severity} · ${v.primary}`),
    text(plain(clip(v.title, LIMIT.title)), { weight: "bolder" }),
    facts([
      ["Status", v.statusText],
      ["Assigned to", plain(v.assignee?.name ?? "")],
      ["On call", v.oncall ? `${plain(v.oncall.name)} (level ${v.oncall.level + 1})` : ""],
      ["Reported by", plain(v.reporter.name ?? v.reporter.userId)],
      ...v.notes.map((n): [string, string] => [n.label, n.text]),
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
  for (const h of v.history) {
    const line = plain(clip(historyText(h, h.by.name ?? h.by.userId), LIMIT.line));
    body.push(h.kind === "resolved" ? text(line, { color: "good" }) : subtle(line));
  }
  return card(body, [...v.actions.map(ticketAction), ...reportedFrom(v)]);
}

/** A report made from a message (the message action) links back to it, as Slack's card does. */
function reportedFrom(v: TicketView): Action[] {
  return v.link ? [{ type: "Action.OpenUrl", title: "Open the reported message", url: v.link }] : [];
}

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
  if (!a.ask) return submit(a.label, data, style);
  const id = a.op === "reroute" ? INPUT.reason : INPUT.note;
  return {
    type: "Action.ShowCard",
    title: a.label,
    card: {
      type: "AdaptiveCard",
      body: [{ type: "Input.Text", id, label: a.ask.label, isMultiline: true, maxLength: a.ask.maxLength, isRequired: true, errorMessage: a.ask.missing }],
      actions: [submit(a.label, data, style)],
    },
  };
}
