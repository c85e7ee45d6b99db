// An incident as platform-neutral parts (facts, titled sections of lines, one-line rows), for look-up
// (`/incident show`, `list`, `triage show`) and the postmortem. Every string is raw: each renderer
// escapes it its own way (Slack mrkdwn, Teams Markdown, plain text), so text from people never formats.
import type { Flow } from "../domain/flow.js";
import type { Actor, Incident, TimelineEvent } from "../domain/incident.js";
import { fullReport } from "./full-report.js";

export interface IncidentSection {
  title: string;
  lines: string[];
}

export interface IncidentDetail {
  id: string;
  heading: string;
  facts: Array<[string, string]>;
  sections: IncidentSection[];
}

const who = (a: Actor | undefined) => (a ? (a.name ?? a.userId) : "the acknowledgement timer");
const minute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** One line per timeline event a person cares about; delivery bookkeeping (`sending`) is left out. */
export function timelineLine(e: TimelineEvent): string | undefined {
  const what = timelineText(e);
  return what === undefined ? undefined : `${minute(e.at)} ${what}`;
}

/** What a timeline event says, without its time. */
export function timelineText(e: TimelineEvent): string | undefined {
  // Exhaustive (see the end): a new event type must be given words here.
  switch (e.type) {
    case "created":
      return `reported by ${who(e.by)}`;
    case "routed":
      return `routed to ${e.domain} (${e.queue})`;
    case "delivered":
      return `delivered to ${e.to}${e.person ? ` (${e.person})` : ""}`;
    case "cross-domain-noted":
      return `cross-domain note to ${e.domain}`;
    case "acknowledged":
      return `acknowledged by ${who(e.by)}`;
    case "escalated":
      return `escalated to level ${e.level + 1}: ${e.reason}`;
    case "rerouted":
      return `rerouted from ${e.from} to ${e.to} by ${who(e.by)}: ${e.reason}`;
    case "resolved":
      return `resolved by ${who(e.by)}: ${e.note}`;
    case "delivery-failed":
      return `delivery to ${e.to} failed: ${e.error}`;
    case "joined":
      return `also reported by ${who(e.by)}`;
    case "limited":
      return `over the report limit (${e.limit}): nobody paged`;
    case "cancelled":
      return `not sent (${e.to}): ${e.reason}`;
    case "page-skipped":
      return `page skipped (${e.to}): ${e.reason}`;
    case "edited":
      return `${e.field} changed from ${e.from} to ${e.to} by ${who(e.by)}: ${e.reason}`;
    case "note":
      return `note by ${who(e.by)}: ${e.text}`;
    case "reopened":
      return `reopened by ${who(e.by)}: ${e.reason}`;
    case "commander":
      return e.from ? `commander handed over from ${e.from} to ${e.to} by ${who(e.by)}` : `${e.to} is the commander (by ${who(e.by)})`;
    case "not-mirrored":
      return `${e.service} action not mirrored: ${e.reason}`;
    case "obligation-reported":
      return `${e.report} report under ${e.regime} marked sent by ${who(e.by)}`;
    case "storm-grouped":
      return `grouped under ${e.parent} (incident storm): ${e.reason}`;
    case "aware-at-set":
      return `awareness time set to ${e.awareAt} by ${who(e.by)}`;
    case "status-update":
      return `status update by ${who(e.by)}: ${e.text}`;
    case "subscribed":
      return `${who(e.by)} subscribed to status updates`;
    case "unsubscribed":
      return `${who(e.by)} unsubscribed from status updates`;
    case "channel-opened":
      return `incident channel opened in ${e.platform}${e.name ? `: #${e.name}` : ""}`;
    case "sending":
    case "channel-opening":
      return undefined;
    default:
      return unnamed(e);
  }
}

/** Unreachable while every event type has its case: a type error here names the one that has none. */
const unnamed = (e: never): undefined => void e;

/** Each answer with its question's prompt and its options' labels (the stored values when the flow changed). */
export function answerLines(i: Incident, flow: Flow): string[] {
  const out: string[] = [];
  for (const [id, value] of Object.entries(i.answers)) {
    if (id === "description" || value === undefined) continue;
    const q = flow.questions.find((x) => x.id === id);
    const label = (v: string) => (q && q.kind !== "text" ? (q.options.find((o) => o.value === v)?.label ?? v) : v);
    const shown = Array.isArray(value) ? (value.length ? value.map(label).join(", ") : "none") : label(String(value));
    out.push(`${q?.prompt ?? id} ${shown}`);
  }
  return out;
}

export function headingOf(i: Incident): string {
  return `${i.classification.severity} · AI ${i.classification.primary} · ${i.id}`;
}

export function incidentDetail(i: Incident, flow: Flow): IncidentDetail {
  const c = i.classification;
  const description = typeof i.answers.description === "string" ? i.answers.description : "";
  const facts: Array<[string, string]> = [
    ["Title", i.title],
    ["Status", i.status],
    ["Domain", `${c.primary}${c.provisional ? " (provisional: intent unknown)" : ""}`],
    ["Severity", c.severity],
    ["Assignee", i.assignee ?? "none"],
    ["Commander", i.commander ?? ""],
    ["Latest status", i.latestStatus ? `${i.latestStatus.text} (${minute(i.latestStatus.at)}, by ${who(i.latestStatus.by)})` : ""],
    ["Subscribers", i.subscribers?.length ? String(i.subscribers.length) : ""],
    ["Reporter", who(i.reporter)],
    ["Reported", minute(i.createdAt)],
    ["Cross-domain", c.crossDomain.join(", ")],
    ["Acknowledged", i.acknowledgedAt ? minute(i.acknowledgedAt) : ""],
    ["Resolved", i.resolvedAt ? minute(i.resolvedAt) : ""],
    ["Reported message", i.link ?? ""],
  ];
  const sections: IncidentSection[] = [
    { title: "Description", lines: description.split(/\r?\n/).filter((l) => l.trim() !== "") },
    { title: "Answers", lines: answerLines(i, flow) },
    { title: "Accepted suggestions", lines: fullReport(i).evidence },
    { title: "Why", lines: c.rationale },
    { title: "Refs", lines: c.refs.map((r) => `${r.id} ${r.name} (${r.framework})`) },
    { title: "Timeline", lines: i.timeline.flatMap((e) => timelineLine(e) ?? []) },
  ];
  return { id: i.id, heading: headingOf(i), facts: facts.filter(([, v]) => v !== ""), sections: sections.filter((s) => s.lines.length > 0) };
}

/** One line of a list: id, severity, domain, status, assignee, title. */
export function incidentRow(i: Incident): string {
  const c = i.classification;
  return `${i.id} · ${c.severity} ${c.primary}${c.provisional ? " (provisional)" : ""} · ${i.status}${i.assignee ? ` (${i.assignee})` : ""} · ${minute(i.createdAt)} · ${i.title}`;
}

/** The whole detail as plain text (the CLI, the console, and fallback text). */
export function incidentDetailText(d: IncidentDetail): string {
  const lines = [d.heading, ...d.facts.map(([k, v]) => `${k}: ${v}`)];
  for (const s of d.sections) lines.push("", `${s.title}:`, ...s.lines.map((l) => `  - ${l}`));
  return lines.join("\n");
}
