// The reporter's last message of a triage, said once: filed, joined or already filed; who owns it and
// why; where it went; and what the reporter can rely on now (only what is true: with no ticket worker
// running nobody has been told yet). Slack and Teams render it.
import { queuedText } from "../bot/reply.js";
import type { Incident } from "../domain/incident.js";
import { SECTION_MAX, ownerText, refText, type TicketSection } from "./ticket.js";

/** The reporter sees more of the why than the on-call card shows (they may want to correct it). */
const RESULT_WHY_MAX = 8;

export interface ResultView {
  heading: string;
  id: string;
  title: string;
  facts: Array<{ label: string; value: string }>;
  sections: TicketSection[];
  /** what happens next, ending with the id to quote. */
  told: string;
}

export function resultView(i: Incident, outcome: { duplicate: boolean; joined?: boolean; queued?: boolean }): ResultView {
  const c = i.classification;
  const r = i.routing;
  const told = outcome.joined
    ? `Your report was added to ${i.id}; the ${r.domain} on-call already has it.`
    : outcome.queued
      ? queuedText(i.id)
      : `The ${r.domain} on-call has been notified${i.limited ? " (not paged: too many reports)" : ""}.`;
  return {
    heading: `${outcome.joined ? "Joined" : outcome.duplicate ? "Already filed" : "Filed"} ${i.id}`,
    id: i.id,
    title: i.title,
    facts: [
      { label: "Owner", value: ownerText(c.primary, c.provisional ?? false) },
      { label: "Severity", value: c.severity },
      ...(c.crossDomain.length ? [{ label: "Cross-domain", value: c.crossDomain.join(", ") }] : []),
      { label: "Routed to", value: `${r.queue}${r.cc.length ? `, copied to ${r.cc.join(", ")}` : ""}` },
      { label: "Acknowledge within", value: `${r.ackMinutes} min` },
    ],
    sections: [
      { id: "why", title: "Why", lines: c.rationale.slice(-RESULT_WHY_MAX) },
      ...(c.refs.length ? [{ id: "refs", title: "References", lines: c.refs.slice(0, SECTION_MAX.refs).map(refText) }] : []),
    ],
    told: `${told} Quote ${i.id} in follow-ups.`,
  };
}
