// When the digest is due. Pure: a schedule, the last posted run and `now` in, a decision out.
// Runs are at a local wall-clock time in the schedule's time zone, so they stay at 09:00 local across
// daylight-saving changes. A local time that does not exist (spring forward) runs shifted by the gap
// (02:30 → 03:30); one that happens twice (fall back) runs once, at the first.
import type { DigestConfig } from "../domain/roster.js";
import { formatterPerZone } from "../domain/zone-format.js";

export type DigestSchedule = DigestConfig["schedule"];

const DAY_MS = 86_400_000;
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

const formatter = formatterPerZone("en-US", { hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });

/** The local wall-clock fields of instant `t` in `timeZone`. */
function localFields(t: number, timeZone: string) {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(new Date(t)).map((x) => [x.type, Number(x.value)]));
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second! };
}

/** Local time minus UTC at instant `t`, in ms (e.g. +3 600 000 for CET). */
function offsetAt(t: number, timeZone: string): number {
  const l = localFields(t, timeZone);
  return Date.UTC(l.y, l.m - 1, l.d, l.h, l.mi, l.s) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant a local date and time happens in `timeZone`. Tries the offsets in force 12 hours either
 * side (a zone changes offset at most once in a day); a time both fit is ambiguous (take the earlier),
 * a time neither fits is in a gap (take the offset before it, which lands after the gap).
 */
export function zonedTime(y: number, m: number, d: number, hh: number, mm: number, timeZone: string): Date {
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const before = offsetAt(wall - DAY_MS / 2, timeZone);
  const after = offsetAt(wall + DAY_MS / 2, timeZone);
  const fits = [before, after].map((o) => wall - o).filter((t) => offsetAt(t, timeZone) === wall - t);
  return new Date(fits.length ? Math.min(...fits) : wall - before);
}

/** The scheduled instant on the local date `k` days after (negative: before) the local date of `t`. */
function runOnDay(s: DigestSchedule, t: number, k: number): Date | undefined {
  const l = localFields(t, s.timeZone);
  const day = new Date(Date.UTC(l.y, l.m - 1, l.d + k));
  if (s.day !== "daily" && WEEKDAYS[day.getUTCDay()] !== s.day) return undefined;
  const [hh, mm] = s.time.split(":").map(Number) as [number, number];
  return zonedTime(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hh, mm, s.timeZone);
}

/** The latest scheduled run at or before `now`. */
export function previousRun(s: DigestSchedule, now: Date): Date {
  for (let k = 0; k >= -8; k--) {
    const t = runOnDay(s, now.getTime(), k);
    if (t && t.getTime() <= now.getTime()) return t;
  }
  throw new Error(`no ${s.day} ${s.time} run in the 8 days before ${now.toISOString()}`);
}

/** The earliest scheduled run after `now`. */
export function nextRun(s: DigestSchedule, now: Date): Date {
  for (let k = 0; k <= 8; k++) {
    const t = runOnDay(s, now.getTime(), k);
    if (t && t.getTime() > now.getTime()) return t;
  }
  throw new Error(`no ${s.day} ${s.time} run in the 8 days after ${now.toISOString()}`);
}

/** Scheduled runs in (after, until], oldest first, at most `limit` of them (the latest ones). */
export function runsBetween(s: DigestSchedule, after: Date, until: Date, limit = 100): Date[] {
  const out: Date[] = [];
  for (let t = previousRun(s, until); t.getTime() > after.getTime() && out.length < limit; t = previousRun(s, new Date(t.getTime() - 1))) out.unshift(t);
  return out;
}

export type DigestDecision =
  /** post the run scheduled at `at`; `missed` when it is later than `graceMs` after it, `skipped` older missed runs not posted. */
  | { action: "post"; at: Date; missed: boolean; skipped: number; next: Date }
  /** nothing was ever posted: record `at` as the starting point, post from the next run on. */
  | { action: "baseline"; at: Date; next: Date }
  | { action: "wait"; next: Date };

/**
 * What to do at `now`, given the scheduled time of the last posted run (undefined: none yet).
 * Only the latest due run is ever posted: a worker that was down for three weeks posts one digest,
 * not three. A first start posts nothing for runs before it (there was nothing to miss yet).
 */
export function decide(s: DigestSchedule, last: Date | undefined, now: Date, graceMs = 5 * 60_000): DigestDecision {
  const at = previousRun(s, now);
  const next = nextRun(s, now);
  if (last === undefined) return { action: "baseline", at, next };
  if (last.getTime() >= at.getTime()) return { action: "wait", next };
  const skipped = runsBetween(s, last, at, 1000).length - 1;
  return { action: "post", at, missed: now.getTime() - at.getTime() > graceMs, skipped, next };
}
