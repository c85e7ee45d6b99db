// What on-call sees: the ticket card in the domain's channel (and in the page), with Acknowledge,
// Escalate, Reroute (with a reason) and Resolve (with a note). Buttons carry the incident id and the
// routing they belong to; a card of an older routing or a resolved incident has none.
import { redactedCount, type Incident } from "../../../src/domain/incident.js";
import { jiraIssue } from "../../../src/domain/outside.js";
import type { Domain } from "../../../src/domain/vocabulary.js";
import { INPUT, type TicketOp } from "../submit.js";
import { LIMIT, card, clip, facts, heading, submit, subtle, text, type Action, type AdaptiveCard, type Element } from "./card.js";
import { classificationFacts, rationale } from "./incident-facts.js";
import { plain } from "./inert.js";
import { obligationElements } from "./obligations.js";
import type { ObligationLine } from "../../../src/domain/clocks.js";
import { ticketMoreActions } from "./ticket-more.js";
import { fullReportElements } from "./full-report.js";
import { stormNote } from "../../../src/domain/storm.js";

export interface TicketView {
  incident: Incident;
  /** the routing (routeCount) this card was posted for. */
  route: number;
  /** who is (or was last) paged for it, and at which level (0-based). */
  oncall?: { name: string; level: number };
  /** names of roster people by id, to show the assignee. */
  nameOf?: (personId: string) => string | undefined;
  /** the reporting clocks (src/domain/clocks.ts) at send time. */
  obligations?: ObligationLine[];
}

const STATUS = { open: "Open", acknowledged: "Acknowledged", escalated: "Escalated", resolved: "Resolved" } as const;

export function ticketCard(v: TicketView): AdaptiveCard {
  const i = v.incident;
  const superseded = i.routeCount !== v.route;
  const assignee = i.assignee ? (v.nameOf?.(i.assignee) ?? i.assignee) : "";
  const body: Element[] = [
    heading(`${i.id} · ${i.classification.severity} · ${i.classification.primary}`),
    text(plain(clip(i.title, LIMIT.title)), { weight: "bolder" }),
    ...fullReportElements(i),
    facts([
      ["Status", superseded ? `Rerouted to ${i.routing.domain}` : `${STATUS[i.status]}${i.status === "escalated" ? ` (level ${i.level + 1})` : ""}`],
      ["Assigned to", plain(assignee)],
      ["On call", v.oncall && !superseded ? `${v.oncall.name} (level ${v.oncall.level + 1})` : ""],
      ["Reported by", plain(i.reporter.name ?? i.reporter.userId)],
      ...reportFacts(i),
    ]),
    classificationFacts(i),
    ...rationale(i, 4),
    ...obligationElements(v.obligations, i.id),
  ];
  // Delivery records (updates sent) may follow the resolution on the timeline: look for it by type.
  const last = i.status === "resolved" ? i.timeline.findLast((e) => e.type === "resolved") : undefined;
  if (last?.type === "resolved") body.push(text(`Resolved: ${plain(clip(last.note, LIMIT.line))}`, { color: "good" }));
  if (superseded) body.push(subtle(`This ticket moved to ${i.routing.domain}; act on it there.`));
  return card(body, [...(superseded || i.status === "resolved" ? [] : ticketActions(i)), ...reportedFrom(i), ...jiraLink(i), ...ticketMoreActions(i, superseded)]);
}

/** A report made from a message (the message action) links back to it, as Slack's card does. */
function reportedFrom(i: Incident): Action[] {
  return i.link ? [{ type: "Action.OpenUrl", title: "Open the reported message", url: i.link }] : [];
}

/** The Jira issue linked to the incident (src/tickets/outside), as a button. */
function jiraLink(i: Incident): Action[] {
  const issue = jiraIssue(i.timeline);
  return issue?.link ? [{ type: "Action.OpenUrl", title: `Jira ${issue.key}`, url: issue.link }] : [];
}

/** Redactions, abuse limits and joined reports, as facts (empty ones are dropped). */
function reportFacts(i: Incident): Array<[string, string]> {
  const n = redactedCount(i);
  const joined = i.timeline.filter((e) => e.type === "joined").length;
  return [
    ["Redacted", n ? `${n} ${n === 1 ? "secret" : "secrets"} removed from the report` : ""],
    ["Paging", i.limited ? "Not paged: filed over the report limit" : ""],
    ["Also reported by", joined ? `${joined} more ${joined === 1 ? "person" : "people"}` : ""],
    ["Storm", stormNote(i) ?? ""],
  ];
}

export function pageCard(v: TicketView & { reason: string }): AdaptiveCard {
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

function ticketActions(i: Incident): Action[] {
  const data = (op: TicketOp) => ({ action: "ticket" as const, op, incidentId: i.id, route: i.routeCount });
  const acknowledge = i.status === "acknowledged" ? [] : [submit("Acknowledge", data("acknowledge"), "positive")];
  return [
    ...acknowledge,
    // The escalation generation the card shows: a double click escalates once (the second is stale).
    submit("Escalate", { ...data("escalate"), gen: i.escalationGen }),
    {
      type: "Action.ShowCard",
      title: "Reroute",
      card: {
        type: "AdaptiveCard",
        body: [{ type: "Input.Text", id: INPUT.reason, label: `Why is it ${i.routing.domain === "safety" ? "security" : "safety"}'s?`, isMultiline: true, maxLength: 500, isRequired: true, errorMessage: "A reroute needs a reason." }],
        actions: [submit("Reroute", data("reroute"))],
      },
    },
    {
      type: "Action.ShowCard",
      title: "Resolve",
      card: {
        type: "AdaptiveCard",
        body: [{ type: "Input.Text", id: INPUT.note, label: "What was done (or why no action is needed)?", isMultiline: true, maxLength: 1000, isRequired: true, errorMessage: "Resolving needs a note." }],
        actions: [submit("Resolve", data("resolve"), "positive")],
      },
    },
  ];
}
