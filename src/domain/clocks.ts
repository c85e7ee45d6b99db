// The reporting clocks of one filed incident: which obligations of the obligations file apply to it
// (from its answers and the awareness time on its timeline), by when, how long is left, whether each
// was marked reported, and when its reminders are due. Pure: the regimes and `now` come in, so every
// deadline, reminder and guard is tested with an injected clock.
import type { Actor, Incident, TimelineEvent } from "./incident.js";
import { applicableObligations, withinMs, type ApplicableObligation } from "./obligations.js";
import { Effect, type Facts, type Regime, type ReminderPoint } from "./obligations-file.js";
import { formatterPerZone } from "./zone-format.js";

const HOUR_MS = 3_600_000;

/**
 * The flow's reporting questions (flows/triage.yaml) as the obligations file's facts. "unknown" and
 * unanswered leave a fact unknown, and an unknown fact never matches a rule.
 */
export function factsFromAnswers(answers: Incident["answers"]): Facts {
  const yesNo = (v: unknown) => (v === "yes" ? true : v === "no" ? false : undefined);
  const effects = Array.isArray(answers.seriousEffects) ? answers.seriousEffects.filter((e): e is Effect => Effect.safeParse(e).success) : undefined;
  const facts: Facts = {};
  const highRisk = yesNo(answers.highRisk);
  const personalData = yesNo(answers.personalData);
  const widespread = yesNo(answers.widespreadInfringement);
  if (highRisk !== undefined) facts.highRisk = highRisk;
  if (personalData !== undefined) facts.personalData = personalData;
  if (widespread !== undefined) facts.widespreadInfringement = widespread;
  if (effects) facts.effects = effects;
  return facts;
}

export interface Awareness {
  awareAt: string;
  /** set on the ticket after filing (by whom, when); absent: the time of the report. */
  set?: { by: Actor; at: string };
  /** the reporter said the organisation knew earlier and no time was set yet: the clock may run short. */
  toConfirm: boolean;
}

/** When the organisation became aware: the last time set on the ticket, else the report's time. */
export function awarenessOf(i: Pick<Incident, "answers" | "createdAt" | "timeline">): Awareness {
  const set = i.timeline.findLast((e): e is Extract<TimelineEvent, { type: "aware-at-set" }> => e.type === "aware-at-set");
  if (set) return { awareAt: new Date(set.awareAt).toISOString(), set: { by: set.by, at: set.at }, toConfirm: false };
  return { awareAt: new Date(i.createdAt).toISOString(), toConfirm: i.answers.awareness === "earlier" };
}

export type ClockState = "open" | "reported" | "missed";

export interface ObligationClock extends ApplicableObligation {
  state: ClockState;
  /** the last report marked on the timeline for this regime. */
  reported?: { at: string; by: Actor; report: "initial" | "complete" };
  awareness: Awareness;
}

/** Every obligation that applies to the incident, with its state at `now`. */
export function obligationClocks(i: Pick<Incident, "answers" | "createdAt" | "timeline">, regimes: Regime[], now: Date): ObligationClock[] {
  const awareness = awarenessOf(i);
  const facts: Facts = { ...factsFromAnswers(i.answers), awareAt: awareness.awareAt };
  return applicableObligations({ answers: i.answers, createdAt: i.createdAt, facts }, regimes, now).map((o) => {
    const mark = i.timeline.findLast((e): e is Extract<TimelineEvent, { type: "obligation-reported" }> => e.type === "obligation-reported" && e.regime === o.regimeId);
    const state: ClockState = mark ? "reported" : o.msLeft < 0 ? "missed" : "open";
    return { ...o, state, awareness, ...(mark ? { reported: { at: mark.at, by: mark.by, report: mark.report } } : {}) };
  });
}

export interface Reminder {
  regimeId: string;
  /** index of the point in the regime's reminder list: part of the job id. */
  point: number;
  /** the deadline this reminder was computed for: a reminder whose deadline moved is stale. */
  deadlineAt: string;
  at: string;
  /** "half time", "24 hours before" */
  label: string;
}

export const remindersOf = (regime: Regime, fileDefault: ReminderPoint[]) => regime.reminders ?? fileDefault;

/**
 * When each reminder of an open obligation fires. A point at or before awareness (a 24-hour reminder
 * of a 24-hour deadline) is dropped; points already past at `now` are kept, so the caller decides
 * (the scheduler fires them at once only while the deadline is still ahead).
 */
export function reminderTimes(clock: ObligationClock, points: ReminderPoint[]): Reminder[] {
  const aware = Date.parse(clock.awareAt);
  const deadline = Date.parse(clock.deadline.at);
  const out: Reminder[] = [];
  points.forEach((p, point) => {
    const at = "fraction" in p ? aware + Math.round((deadline - aware) * p.fraction) : deadline - withinMs(p.before);
    if (at <= aware || at >= deadline) return;
    const label = "fraction" in p ? (p.fraction === 0.5 ? "half time" : `${Math.round(p.fraction * 100)}% of the time`) : `${"hours" in p.before ? `${p.before.hours} hours` : `${p.before.days} days`} before`;
    out.push({ regimeId: clock.regimeId, point, deadlineAt: clock.deadline.at, at: new Date(at).toISOString(), label });
  });
  return out;
}

/**
 * Why a reminder must not go out (or undefined while it is wanted): the obligation no longer applies,
 * was marked reported, or its deadline moved (awareness was set; the new deadline has its own reminders).
 */
export function staleReminder(i: Pick<Incident, "answers" | "createdAt" | "timeline">, regimes: Regime[], r: Pick<Reminder, "regimeId" | "deadlineAt">, now: Date): string | undefined {
  const clock = obligationClocks(i, regimes, now).find((c) => c.regimeId === r.regimeId);
  if (!clock) return "the obligation no longer applies";
  if (clock.state === "reported") return `already reported (${clock.reported!.report})`;
  if (clock.deadline.at !== new Date(r.deadlineAt).toISOString()) return "the deadline moved (awareness time changed)";
  if (clock.msLeft <= 0) return "the deadline has passed";
  return undefined;
}

export type ClockChange = { ok: true; incident: Incident; changed: boolean; message: string } | { ok: false; code: "NOT_APPLICABLE" | "BAD_TIME"; message: string };

/** Marks an obligation reported (initial or complete report): recorded with who and when. */
export function markReported(i: Incident, regimes: Regime[], regimeId: string, report: "initial" | "complete", by: Actor, now: Date): ClockChange {
  const clock = obligationClocks(i, regimes, now).find((c) => c.regimeId === regimeId);
  if (!clock) return { ok: false, code: "NOT_APPLICABLE", message: `${regimeId} does not apply to ${i.id} with its answers; nothing to mark` };
  if (clock.reported?.report === "complete" || (clock.reported && report === "initial")) {
    return { ok: true, incident: i, changed: false, message: `${regimeId} was already marked reported (${clock.reported.report}) on ${clock.reported.at}` };
  }
  const at = now.toISOString();
  const event: TimelineEvent = { type: "obligation-reported", at, by, regime: regimeId, report };
  return { ok: true, incident: { ...i, updatedAt: at, timeline: [...i.timeline, event] }, changed: true, message: `${i.id}: ${clock.name} marked reported (${report}) by ${by.name ?? by.userId}` };
}

/** Sets when the organisation became aware: not in the future, not after the report was filed. */
export function setAwareAt(i: Incident, awareAt: string, by: Actor, now: Date): ClockChange {
  const t = Date.parse(awareAt);
  if (Number.isNaN(t)) return { ok: false, code: "BAD_TIME", message: `'${awareAt}' is not a time` };
  if (t > Date.parse(i.createdAt)) return { ok: false, code: "BAD_TIME", message: `awareness cannot be later than the report (${i.createdAt}); the report time is already the default` };
  const iso = new Date(t).toISOString();
  if (awarenessOf(i).awareAt === iso && awarenessOf(i).set) return { ok: true, incident: i, changed: false, message: `${i.id}: awareness already set to ${iso}` };
  const at = now.toISOString();
  const event: TimelineEvent = { type: "aware-at-set", at, by, awareAt: iso };
  return { ok: true, incident: { ...i, updatedAt: at, timeline: [...i.timeline, event] }, changed: true, message: `${i.id}: aware since ${iso} (set by ${by.name ?? by.userId}); deadlines are counted from it` };
}

/** "3 d 4 h left", "5 h 10 min left", "overdue by 2 h": coarse on purpose, the deadline is shown beside it. */
export function timeLeftText(ms: number): string {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / (24 * HOUR_MS));
  const h = Math.floor((abs % (24 * HOUR_MS)) / HOUR_MS);
  const m = Math.floor((abs % HOUR_MS) / 60_000);
  const span = d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
  return ms >= 0 ? `${span} left` : `overdue by ${span}`;
}

/**
 * A deadline as people read it: in `timeZone` (the roster's) with its offset, so a deadline across a
 * daylight-saving change shows the local hour it really falls on. The instant itself is UTC arithmetic.
 */
export function deadlineText(iso: string, timeZone = "UTC"): string {
  const parts = Object.fromEntries(
    deadlineFormat(timeZone)
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  const zone = timeZone === "UTC" ? "UTC" : `${timeZone} (${parts.timeZoneName})`;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${zone}`;
}

/** Every ticket card and page shows deadlines. */
const deadlineFormat = formatterPerZone("en-GB", { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "shortOffset" });

/** What a ticket card shows of one obligation: platform-neutral lines each adapter renders its own way. */
export interface ObligationLine {
  regimeId: string;
  state: ClockState;
  /** "EU AI Act Art. 73 …: report by 2026-12-09 09:00 UTC (14 d 23 h left)" */
  text: string;
  /** the warnings to show beside it (the AI Act's "do not alter the system"). */
  warnings: string[];
}

/** The card lines of every applicable obligation at `now`. */
export function obligationLines(clocks: ObligationClock[], now: Date, timeZone = "UTC"): ObligationLine[] {
  return clocks.map((c) => {
    const by = deadlineText(c.deadline.at, timeZone);
    const left = timeLeftText(Date.parse(c.deadline.at) - now.getTime());
    const within = `${c.deadline.within} from awareness, ${c.deadline.source.article}`;
    const aware = c.awareness.toConfirm ? "; aware earlier than the report: set the time, the deadline may be sooner" : "";
    const text =
      c.state === "reported"
        ? `${c.name}: reported (${c.reported!.report}) by ${c.reported!.by.name ?? c.reported!.by.userId} on ${deadlineText(c.reported!.at, timeZone)}${c.reported!.report === "initial" ? "; the complete report follows" : ""}`
        : `${c.name}: ${c.state === "missed" ? "deadline missed" : "report"} by ${by} (${left}; ${within})${aware}`;
    // Until the authorities are informed, the file's ticket warnings stay (the AI Act's "do not alter the system").
    const warnings = c.state === "reported" ? [] : c.ticketWarnings;
    return { regimeId: c.regimeId, state: c.state, text, warnings };
  });
}
