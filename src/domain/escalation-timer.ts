// When the acknowledgement timer of an incident must fire after an edit (issue 16, item 7). Pure: the
// caller schedules an "escalate" job due at the time returned. After a raise it runs beside the longer
// timer, for the same escalation generation: whichever fires first escalates and moves the generation
// on, so the other does nothing (a bumped generation would instead cancel a page still pending).
//
// The rule an on-call expects:
// - Raising the severity shortens the wait: the level that is waiting now is escalated at
//   (when it started waiting) + (the new severity's minutes), or at once if that is already past.
//   It started waiting when the incident was routed (or rerouted), escalated, or reopened: the
//   timer running now was armed then.
// - Lowering the severity never delays a page that was already due sooner: the running timer keeps
//   its time; the next level waits the new (longer) time. Raising again after a lowering compares
//   with the shortest wait in effect since the level started waiting, for the same reason.
// - Reopening starts a fresh wait from now at the current severity's minutes.
// - No timer runs for an acknowledged, resolved or over-limit incident, nor at the last level once
//   escalated there (the same conditions as the processor's scheduleEscalation).
import type { Incident } from "./incident.js";
import type { Severity } from "./vocabulary.js";

const MINUTE_MS = 60_000;

/** Whether an acknowledgement timer runs for `i` (`levels`: how many escalation levels its domain has). */
export function timerRuns(i: Pick<Incident, "status" | "limited" | "level">, levels: number): boolean {
  if (i.status === "acknowledged" || i.status === "resolved" || i.limited) return false;
  return !(i.status === "escalated" && i.level >= levels - 1);
}

/** When the level that is waiting now started waiting: the last routing, escalation or reopening. */
export function waitingSince(i: Pick<Incident, "timeline" | "createdAt">): Date {
  const e = i.timeline.findLast((x) => x.type === "routed" || x.type === "escalated" || x.type === "reopened");
  return new Date(e?.at ?? i.createdAt);
}

/**
 * The shortest acknowledgement wait in effect since the waiting level started waiting: the severity it
 * had then and every severity set since. The running timer is armed for it (or sooner), so a timer armed
 * now (a delivery after an edit) must not wait longer. `minutes`: the domain's minutes per severity.
 */
export function shortestWaitMinutes(i: Pick<Incident, "timeline" | "createdAt" | "classification">, minutes: Record<Severity, number>): number {
  const since = waitingSince(i).getTime();
  const edits = i.timeline.flatMap((e) => (e.type === "edited" && e.field === "severity" && Date.parse(e.at) >= since ? [e] : []));
  const inEffect = [edits[0]?.from ?? i.classification.severity, ...edits.map((e) => e.to)] as Severity[];
  return Math.min(...inEffect.map((s) => minutes[s] ?? Infinity));
}

/**
 * How long a timer armed now for the waiting level waits (or waited, when it fires): the routing's
 * target, or, when the severity was changed since the level started waiting, the shortest wait in
 * effect since (a delivery after a lowered severity keeps the shorter wait, and says so).
 */
export function timerMinutes(i: Pick<Incident, "timeline" | "createdAt" | "classification" | "routing">, minutes: Record<Severity, number>): number {
  const since = waitingSince(i).getTime();
  const edited = i.timeline.some((e) => e.type === "edited" && e.field === "severity" && Date.parse(e.at) >= since);
  return edited ? Math.min(i.routing.ackMinutes, shortestWaitMinutes(i, minutes)) : i.routing.ackMinutes;
}

/**
 * The due time of the timer to arm after a severity change `from` → `to` (already applied to `i`, whose
 * timeline ends with that edit), or undefined to keep the running timer as it is.
 * `minutes`: the domain's acknowledgement minutes per severity.
 */
export function timerAfterSeverityChange(i: Incident, from: Severity, to: Severity, minutes: Record<Severity, number>, levels: number, now: Date): Date | undefined {
  if (!timerRuns(i, levels)) return undefined;
  const before = { ...i, timeline: i.timeline.slice(0, -1), classification: { ...i.classification, severity: from } };
  const running = shortestWaitMinutes(before, minutes);
  const wanted = minutes[to];
  if (!(wanted < running)) return undefined;
  return new Date(Math.max(now.getTime(), waitingSince(i).getTime() + wanted * MINUTE_MS));
}

/** The due time of the timer a reopened incident starts: a full wait from now, or undefined when none runs. */
export function timerAfterReopen(i: Incident, levels: number, now: Date): Date | undefined {
  return timerRuns(i, levels) ? new Date(now.getTime() + i.routing.ackMinutes * MINUTE_MS) : undefined;
}
