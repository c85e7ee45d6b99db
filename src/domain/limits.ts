// Abuse limits: whoever can make the bot page people has the cheapest attack on the on-call teams.
// Reports per reporter and per workspace, and pages per domain, are counted in sliding windows.
// Over a limit nothing is lost: the report is still filed and posted to the channel, only the
// personal page (and its escalation timer) is skipped. This module is the policy; the counting is
// the RateLimiter port (src/store), memory or Redis.
import { z } from "zod";
import type { Domain } from "./vocabulary.js";

export const LimitName = z.enum(["incidents-per-reporter", "incidents-per-workspace", "pages-per-domain"]);
export type LimitName = z.infer<typeof LimitName>;

/** Maximum events per window; 0 switches a limit off. */
export interface LimitPolicy {
  incidentsPerReporter: number;
  incidentsPerWorkspace: number;
  pagesPerDomain: number;
  windowMs: number;
}

export const HOUR_MS = 3_600_000;
export const DEFAULT_LIMITS: LimitPolicy = { incidentsPerReporter: 10, incidentsPerWorkspace: 100, pagesPerDomain: 30, windowMs: HOUR_MS };

/** One counter: a name for people, a storage key, and its maximum per window. */
export interface Bucket {
  name: LimitName;
  key: string;
  max: number;
  windowMs: number;
}

export type LimitDecision = { ok: true } | { ok: false; bucket: Bucket; retryAfterMs: number };

/**
 * The workspace (Slack team, Teams tenant) of a turn key such as `slack:T123:U456`: limits per
 * workspace stop one tenant's flood from paging everybody. Console keys have no workspace part.
 */
export function workspaceOf(turnKey: string): string {
  const parts = turnKey.split(":");
  return parts.length >= 3 ? `${parts[0]}:${parts[1]}` : (parts[0] ?? "unknown");
}

const enabled = (b: Bucket) => b.max > 0;

/** Filing (or joining) a report counts once against the reporter and once against the workspace. */
export function reportBuckets(p: LimitPolicy, turnKey: string): Bucket[] {
  return [
    { name: "incidents-per-reporter" as const, key: `reporter:${turnKey}`, max: p.incidentsPerReporter, windowMs: p.windowMs },
    { name: "incidents-per-workspace" as const, key: `workspace:${workspaceOf(turnKey)}`, max: p.incidentsPerWorkspace, windowMs: p.windowMs },
  ].filter(enabled);
}

export function pageBuckets(p: LimitPolicy, domain: Domain): Bucket[] {
  return [{ name: "pages-per-domain" as const, key: `pages:${domain}`, max: p.pagesPerDomain, windowMs: p.windowMs }].filter(enabled);
}

/** Start of the fixed window `now` falls in, and its index (the storage key suffix). */
export function windowOf(now: number, windowMs: number): { index: number; start: number } {
  const index = Math.floor(now / windowMs);
  return { index, start: index * windowMs };
}

/**
 * The sliding-window estimate: this window's count plus the previous window's, weighted by how much
 * of it still lies within the last `windowMs`. Smooth at window edges, two counters per bucket.
 */
export function slidingCount(previous: number, current: number, now: number, windowMs: number): number {
  const { start } = windowOf(now, windowMs);
  const overlap = 1 - (now - start) / windowMs;
  return previous * overlap + current;
}

/** Whether one more event fits; when not, roughly how long until it does (the window's end). */
export function decide(b: Bucket, previous: number, current: number, now: number): LimitDecision {
  if (slidingCount(previous, current, now, b.windowMs) + 1 <= b.max) return { ok: true };
  const { start } = windowOf(now, b.windowMs);
  return { ok: false, bucket: b, retryAfterMs: start + b.windowMs - now };
}

const WHAT: Record<LimitName, string> = {
  "incidents-per-reporter": "reports from you",
  "incidents-per-workspace": "reports from your workspace",
  "pages-per-domain": "pages to this on-call",
};

/** The words the reporter (or the channel) reads when a limit was reached. */
export function limitReason(b: Bucket): string {
  const minutes = Math.round(b.windowMs / 60_000);
  const per = minutes === 60 ? "hour" : `${minutes} minutes`;
  return `more than ${b.max} ${WHAT[b.name]} per ${per}`;
}
