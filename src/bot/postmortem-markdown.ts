// A postmortem draft as Markdown, from the incident record: summary, classification and every change
// to it with reasons, cross-domain impacts, timeline, time to acknowledge and resolve, taxonomy refs,
// and empty sections for the people who write the rest. `triage postmortem` prints it; the ticket's
// Postmortem button sends it to whoever pressed it.
import type { Flow } from "../domain/flow.js";
import type { Actor, Incident } from "../domain/incident.js";
import { postmortemFacts } from "../domain/postmortem.js";
import { answerLines, timelineText } from "./incident-view.js";
import { fmtMinutes } from "./summary-text.js";

/** Sections left for people to write: the record cannot know them. */
export const TO_WRITE = ["Impact", "Root cause", "What went well", "What went wrong", "Action items"] as const;

/** Text from people on one line of Markdown: no table cell closed early, no heading or HTML of theirs. */
const inline = (s: string) => s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const who = (a: Actor) => inline(a.name ?? a.userId);
const minute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
const duration = (s: number | undefined) => (s === undefined ? "not yet" : fmtMinutes(s / 60));

export function renderPostmortemMarkdown(i: Incident, flow: Flow, now: Date): string {
  const f = postmortemFacts(i);
  const c = i.classification;
  const domain = (x: { primary: string; provisional: boolean; severity: string }) => `${x.severity}, AI ${x.primary}${x.provisional ? " (provisional: intent unknown)" : ""}`;
  const description = typeof i.answers.description === "string" ? i.answers.description : "";
  const resolved = i.timeline.findLast((e) => e.type === "resolved");
  const lines = [
    `# Postmortem: ${i.id}: ${inline(i.title)}`,
    "",
    `> Draft from the incident record, ${minute(now.toISOString())}. The sections marked _to write_ are for you.`,
    "",
    "## Summary",
    "",
    `- Incident: ${i.id}, ${i.status}`,
    `- Classification: ${domain(c)}`,
    `- Reported: ${minute(i.createdAt)} by ${who(i.reporter)}${i.link ? ` ([reported message](${i.link}))` : ""}`,
    `- Acknowledged: ${i.acknowledgedAt ? minute(i.acknowledgedAt) : "not yet"}; time to acknowledge: ${duration(f.secondsToAcknowledge)} (target ${i.routing.ackMinutes} min)`,
    `- Resolved: ${i.resolvedAt ? minute(i.resolvedAt) : "not yet"}; time to resolve: ${duration(f.secondsToResolve)}`,
    ...(resolved?.type === "resolved" ? [`- Resolution note: ${inline(resolved.note)}`] : []),
    `- Owner: ${i.assignee ?? "unassigned"}; routed to ${i.routing.queue}${i.routing.cc.length ? `, copied to ${i.routing.cc.join(", ")}` : ""}`,
    "",
    "### What was reported",
    "",
    ...description.split(/\r?\n/).map((l) => `> ${inline(l)}`),
    "",
    ...answerLines(i, flow).map((l) => `- ${inline(l)}`),
    "",
    "## Classification",
    "",
    `- As filed: ${domain(f.asFiled)}`,
    `- Now: ${domain(c)}`,
    "",
    "Why:",
    "",
    ...c.rationale.map((r) => `- ${inline(r)}`),
    "",
    "### Changes",
    "",
    ...(f.changes.length ? f.changes.map((x) => `- ${minute(x.at)}, ${who(x.by)}: ${x.what}. Reason: ${inline(x.reason)}`) : ["No change since filing."]),
    "",
    "## Cross-domain impact",
    "",
    ...(c.crossDomain.length ? c.crossDomain.map((x) => `- ${x}${x === "security->safety" ? ": a security incident that harmed people or put them at risk" : ": a safety flaw that lost confidentiality, integrity or availability, or is exploitable"}`) : ["None recorded."]),
    "",
    "## Timeline",
    "",
    "| time (UTC) | event |",
    "|---|---|",
    ...i.timeline.flatMap((e) => {
      const what = timelineText(e);
      return what ? [`| ${e.at.slice(0, 16).replace("T", " ")} | ${inline(what)} |`] : [];
    }),
    "",
    "## Taxonomy refs",
    "",
    ...(c.refs.length ? c.refs.map((r) => `- ${inline(r.id)} ${inline(r.name)} (${r.framework})`) : ["None."]),
    "",
    ...TO_WRITE.flatMap((t) => [`## ${t}`, "", "_To write._", ""]),
  ];
  return lines.join("\n").trimEnd() + "\n";
}
