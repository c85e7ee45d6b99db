// The facts a postmortem starts from, read off the incident record: the classification as filed and
// every change to it with who and why, and the times to acknowledge and resolve. Pure; the Markdown
// is laid out in src/bot/postmortem-markdown.ts.
import type { Classification } from "./classify.js";
import type { Actor, Incident } from "./incident.js";

export interface ClassificationChange {
  at: string;
  by: Actor;
  /** what changed, e.g. "domain security → safety". */
  what: string;
  reason: string;
}

export interface PostmortemFacts {
  asFiled: Classification;
  changes: ClassificationChange[];
  /** seconds from filing to the first acknowledgement / to resolution; undefined while it has not happened. */
  secondsToAcknowledge?: number;
  secondsToResolve?: number;
}

const seconds = (from: string, to: string | undefined) => (to === undefined ? undefined : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)));

/** What differs between two classifications, in words ("domain security → safety, severity SEV2 → SEV3"). */
export function classificationDiff(a: Classification, b: Classification): string {
  const parts: string[] = [];
  if (a.primary !== b.primary) parts.push(`domain ${a.primary} → ${b.primary}`);
  if (a.provisional !== b.provisional) parts.push(b.provisional ? "marked provisional" : "no longer provisional");
  if (a.severity !== b.severity) parts.push(`severity ${a.severity} → ${b.severity}`);
  const cross = (c: Classification) => c.crossDomain.join(", ") || "none";
  if (cross(a) !== cross(b)) parts.push(`cross-domain ${cross(a)} → ${cross(b)}`);
  return parts.join(", ") || "classification restated";
}

export function postmortemFacts(i: Incident): PostmortemFacts {
  // Each reroute keeps the classification it replaced: the first one's is the classification as filed,
  // and each change is told against the next one (or the current classification after the last).
  const reroutes = i.timeline.flatMap((e) => (e.type === "rerouted" ? [e] : []));
  const firstSeverity = i.timeline.find((e) => e.type === "edited" && e.field === "severity");
  const asFiledBase = reroutes[0]?.previous ?? i.classification;
  // A severity edit keeps no classification of its own: the first one says what was filed.
  const asFiled = firstSeverity?.type === "edited" ? { ...asFiledBase, severity: firstSeverity.from as Classification["severity"] } : asFiledBase;
  const rerouted = reroutes.map((e, k) => ({
    at: e.at,
    by: e.by,
    what: classificationDiff(e.previous, reroutes[k + 1]?.previous ?? i.classification),
    reason: e.reason,
  }));
  // Edits after filing (severity, intent, kinds): each with its own from → to and reason.
  const edits = i.timeline.flatMap((e) => (e.type === "edited" ? [{ at: e.at, by: e.by, what: `${e.field} ${e.from} → ${e.to}`, reason: e.reason }] : []));
  const changes = [...rerouted, ...edits].sort((a, b) => a.at.localeCompare(b.at));
  const ack = seconds(i.createdAt, i.acknowledgedAt);
  const res = seconds(i.createdAt, i.resolvedAt);
  return { asFiled, changes, ...(ack !== undefined ? { secondsToAcknowledge: ack } : {}), ...(res !== undefined ? { secondsToResolve: res } : {}) };
}
