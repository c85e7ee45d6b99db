// Incident storms: when a model fails in front of many people, hundreds report it within minutes,
// each in their own words. Every report stays a stored incident (or a joined report), but the on-call
// channel must get one card, not hundreds: Slack takes about one message per second per channel.
// Reports that the duplicate check could relate (same domain, asset and kind: the scope of its LSH
// buckets) count towards one storm; past `threshold` of them within `windowMs`, new incidents are
// grouped under the storm's parent (its first incident, whose card is already posted) and joined
// reports are told in batches. The parent's card carries a rolling count, edited at most once per
// `editEveryMs`, and its thread lists every grouped report.
import { kindOf } from "./duplicates.js";
import type { Incident } from "./incident.js";
import { fnv1a } from "./trigram-sketch.js";

export interface StormPolicy {
  /** a storm is more than this many related reports within `windowMs`; 0 turns grouping off. */
  threshold: number;
  windowMs: number;
  /** the parent's card and thread are brought up to date at most once per this period. */
  editEveryMs: number;
}

export const DEFAULT_STORM: StormPolicy = { threshold: 5, windowMs: 5 * 60_000, editEveryMs: 10_000 };

// The stored summary lives in its own file: incident.ts needs its schema, and this file reads incidents.
import { StormSummary } from "./storm-summary.js";
export { StormSummary };

/**
 * Which storm an incident's reports count towards, or undefined when it cannot be in one (no asset or
 * no kind: the duplicate check's own rule). Hashed, so a reporter's words never become a Redis key.
 */
export function stormSignature(i: Pick<Incident, "answers" | "routing">): string | undefined {
  const kind = kindOf(i.answers);
  const asset = i.answers.asset;
  if (!kind || typeof asset !== "string" || !asset) return undefined;
  return `${i.routing.domain}.${fnv1a(`${asset}|${kind}`).toString(36)}.${fnv1a(`${kind}|${asset}`, 0x9747b28c).toString(36)}`;
}

/** What a storm's shared index says when a report is counted. */
export interface StormTally {
  /** the storm's first incident (undefined only when the storm has none yet: joins alone). */
  parent?: string;
  /** related reports within the window, this one included. */
  recent: number;
}

export type StormRole = { role: "alone" } | { role: "parent" } | { role: "child"; parent: string };

/** Whether incident `id` is posted as usual (alone, or the storm's parent) or grouped under the parent. */
export function stormRole(id: string, tally: StormTally, policy: StormPolicy): StormRole {
  if (tally.parent === id) return { role: "parent" };
  if (!tally.parent || policy.threshold <= 0 || tally.recent <= policy.threshold) return { role: "alone" };
  return { role: "child", parent: tally.parent };
}

/** Whether a joined report is told in the storm's next batch instead of a reply of its own. */
export const inStorm = (tally: StormTally, policy: StormPolicy) => policy.threshold > 0 && tally.recent > policy.threshold && tally.parent !== undefined;

/** A joined report's member of the storm index: the incident and the record version the join made. */
export const joinMember = (incidentId: string, rev: number) => `${incidentId}#j${rev}`;
const JOIN_MEMBER = /^(.+)#j\d+$/;
export const isJoinMember = (m: string) => JOIN_MEMBER.test(m);

/**
 * The refresh period `now` falls in, and when it ends. One refresh job per period and parent (its id
 * holds the tick) runs after the period's end, so every report counted in the period is in it.
 */
export function stormTick(now: Date, policy: StormPolicy): { tick: number; endsAt: number } {
  const every = Math.max(1, policy.editEveryMs);
  const tick = Math.floor(now.getTime() / every);
  return { tick, endsAt: (tick + 1) * every };
}

/** The parent's new summary from the storm's members (oldest first), never counting down. */
export function summarize(members: readonly string[], previous: StormSummary | undefined, now: Date): StormSummary {
  const incidents = members.filter((m) => !isJoinMember(m)).length;
  return {
    reports: Math.max(members.length, previous?.reports ?? 1),
    incidents: Math.max(incidents, previous?.incidents ?? 1),
    listed: previous?.listed ?? 0,
    since: previous?.since ?? now.toISOString(),
  };
}

/** One line per report for the parent's thread: the grouped incidents by id, joins by incident. */
export interface StormLine {
  member: string;
  /** for an incident: its id, severity, reporter and title; for a join: the incident joined. */
  incident?: Pick<Incident, "id" | "title" | "reporter" | "classification">;
}

/** The most reports one thread reply lists (about 100 characters each: well within a message). */
export const LINES_PER_REPLY = 150;

/** The thread reply for reports `from`..`from + lines.length` of the storm (plain text; platforms escape it). */
export function batchText(parentId: string, lines: readonly StormLine[], summary: StormSummary, from: number): string {
  const head = `Storm on ${parentId}: ${summary.reports} reports in ${summary.incidents} incidents so far. Reports ${from + 1}-${from + lines.length}:`;
  const body = lines.map((l) => {
    const joined = JOIN_MEMBER.exec(l.member)?.[1];
    if (joined) return `• another report joined to ${joined}`;
    const i = l.incident;
    if (!i) return `• ${l.member}`;
    const who = i.reporter.name ?? i.reporter.userId;
    return `• ${i.id} ${i.classification.severity} from ${who}: ${i.title}`;
  });
  return [head, ...body].join("\n");
}

/** The note on a storm parent's card, and on nothing else (plain text). */
export function stormNote(i: Pick<Incident, "id" | "storm">): string | undefined {
  const s = i.storm;
  if (!s) return undefined;
  return `Storm: ${s.reports} reports in ${s.incidents} incidents since ${s.since.slice(11, 16)} UTC. The grouped incidents are stored and listed in this thread; each is acknowledged and resolved on its own (open it by id).`;
}

/** The timeline event of a grouped child. */
export const groupedEvent = (parent: string, at: Date, recent: number, policy: StormPolicy) => ({
  type: "storm-grouped" as const,
  at: at.toISOString(),
  parent,
  reason: `${recent} related reports within ${Math.round(policy.windowMs / 60_000)} min: grouped under ${parent}, not posted or paged on its own`,
});
