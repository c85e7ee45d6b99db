// Manager summaries: a pure function over the incidents of a window (and the window before it).
// No I/O and no clock of its own: `opts.now` is the instant ages and "unacknowledged past target" are
// measured at, so the same input always gives the same, JSON-serialisable Summary.
//
// Percentiles use the nearest-rank method: over n values sorted ascending, the p-th percentile is the
// value at rank ceil(p/100 * n) (1-based, at least 1). It is always an observed value; the median is
// p50, so for an even count it is the LOWER of the two middle values (not their mean). Durations are
// minutes rounded to 0.01; a cell with n = 0 has median and p90 null.
//
// An incident counts in the domain it is routed to now (its primary after any reroute), the same
// domain the store's indexes and the `domain` filter use; the window is by creation time.
//
// Per-day buckets are calendar days in the window's time zone (the roster's summary zone, see
// summaryTimeZone in roster.ts; UTC when none is given): an incident at 00:30 local time today is in
// today's bar, whatever instant the window started at.
import { addDays, localDate, startOfDay } from "./calendar.js";
import { obligationClocks } from "./clocks.js";
import type { Regime } from "./obligations-file.js";
import type { Incident, Status } from "./incident.js";
import type { Ref } from "./refs.js";
import type { CrossDomain, Domain, Severity } from "./vocabulary.js";

export const DOMAINS = ["safety", "security"] as const satisfies readonly Domain[];
export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const satisfies readonly Severity[];
export const STATUSES = ["open", "acknowledged", "escalated", "resolved"] as const satisfies readonly Status[];
export const DIRECTIONS = ["security->safety", "safety->security"] as const satisfies readonly CrossDomain[];
export const FRAMEWORKS = ["atlas", "owasp-llm", "nist-ai-600-1"] as const satisfies readonly Framework[];

export type Framework = Ref["framework"];

const DAY_MS = 86_400_000;
const TOP_KINDS = 5;
const TOP_REFS = 5;
const MAX_LISTED = 50;

export interface SummaryWindow {
  from: Date;
  to: Date;
  domain?: Domain;
  /** IANA zone whose calendar days the per-day buckets follow; UTC when absent. */
  timeZone?: string;
  /** calendar days the window stands for (a window ending now has a partial last day); else its span rounded. */
  days?: number;
}

export interface SummaryOptions {
  now: Date;
  /** minutes to acknowledge per domain and severity (the roster's escalationMinutes). */
  ackTargets: (domain: Domain, severity: Severity) => number;
  /** unresolved incidents of any age, for the open SEV1/SEV2 list; default: the unresolved in `current`. */
  backlog?: Incident[];
  /** the reporting regimes (obligations file): with them, the summary lists obligations due and missed. */
  regimes?: Regime[];
}

/** A reporting obligation not yet marked reported: due (deadline ahead) or missed (passed). */
export interface ObligationItem {
  id: string;
  title: string;
  regime: string;
  name: string;
  deadlineAt: string;
  /** negative once missed. */
  minutesLeft: number;
}

/** Nearest-rank statistics over `n` durations, in minutes. */
export interface Stat {
  n: number;
  median: number | null;
  p90: number | null;
}
/** Per domain ("all" = both) and severity ("all" = any). */
export type StatTable = Record<Domain | "all", Record<Severity | "all", Stat>>;
export type Direction = "up" | "down" | "same" | "n/a";
export interface Trend {
  current: number | null;
  previous: number | null;
  direction: Direction;
}
export interface Ranked {
  key: string;
  count: number;
}
export interface RefCount {
  framework: Framework;
  id: string;
  name: string;
  count: number;
}
export interface OpenIncident {
  id: string;
  title: string;
  severity: Severity;
  domain: Domain;
  status: Status;
  /** the roster handle of whoever acknowledged it; null while nobody has. */
  assignee: string | null;
  createdAt: string;
  ageMinutes: number;
}
export interface RerouteItem {
  id: string;
  at: string;
  from: Domain;
  to: Domain;
  reason: string;
}
export interface DayBucket {
  /** when the bucket's local calendar day starts (or the window's start, for the first), and that date. */
  start: string;
  date: string;
  safety: number;
  security: number;
  /** median time to acknowledge of the bucket's acknowledged incidents; null when none. */
  medianAckMinutes: number | null;
}

export interface Summary {
  window: { from: string; to: string; days: number; domain?: Domain; timeZone?: string };
  generatedAt: string;
  total: number;
  previousTotal: number;
  byDomain: Record<Domain, number>;
  bySeverity: Record<Severity, number>;
  byStatus: Record<Status, number>;
  /** intent unknown (routed to security until ruled out): all in the window, and those not resolved. */
  provisional: { total: number; open: number };
  crossDomain: { total: number; byDirection: Record<CrossDomain, number>; topAttackKinds: Ranked[]; topFailureKinds: Ranked[] };
  response: {
    percentileMethod: "nearest-rank";
    timeToAck: StatTable;
    timeToResolve: StatTable;
    /** escalation events in the window's incidents, and how many incidents had at least one. */
    escalations: { events: number; incidents: number };
    /** tickets that missed their severity's acknowledgement target, by current domain and severity. */
    ackBreaches: { total: number; late: number; unacknowledged: number; byDomain: Record<Domain, number>; bySeverity: Record<Severity, number> };
  };
  /** incidents moved to the other domain: the live misclassification measure. */
  reroutes: { incidents: number; events: number; rate: number; byDirection: Record<CrossDomain, number>; items: RerouteItem[] };
  /** unresolved SEV1/SEV2, most severe then oldest first (at most 50 listed; `total` counts all). */
  openHighSeverity: { total: number; items: OpenIncident[] };
  trend: { total: Trend; byDomain: Record<Domain, Trend>; medianTimeToAck: Trend };
  topRefs: Record<Framework, RefCount[]>;
  perDay: DayBucket[];
  /** reporting obligations of the window's and the open incidents not marked reported, soonest first (absent without regimes). */
  obligations?: { due: ObligationItem[]; missed: ObligationItem[] };
}

export function summarize(current: Incident[], previous: Incident[], w: SummaryWindow, opts: SummaryOptions): Summary {
  const now = opts.now.getTime();
  const span = w.to.getTime() - w.from.getTime();
  const byDomain = countBy(DOMAINS, current, domainOf);
  const prevByDomain = countBy(DOMAINS, previous, domainOf);
  const timeToAck = timeTable(current, ackMs);
  const ackBefore = timeTable(previous, ackMs).all.all.median;
  return {
    window: {
      from: w.from.toISOString(),
      to: w.to.toISOString(),
      days: w.days ?? Math.round(span / DAY_MS),
      ...(w.domain ? { domain: w.domain } : {}),
      ...(w.timeZone ? { timeZone: w.timeZone } : {}),
    },
    generatedAt: opts.now.toISOString(),
    total: current.length,
    previousTotal: previous.length,
    byDomain,
    bySeverity: countBy(SEVERITIES, current, (i) => i.classification.severity),
    byStatus: countBy(STATUSES, current, (i) => i.status),
    provisional: {
      total: current.filter((i) => i.classification.provisional).length,
      open: current.filter((i) => i.classification.provisional && i.status !== "resolved").length,
    },
    crossDomain: crossDomainOf(current),
    response: {
      percentileMethod: "nearest-rank",
      timeToAck,
      timeToResolve: timeTable(current, resolveMs),
      escalations: escalationsOf(current),
      ackBreaches: breachesOf(current, now, opts.ackTargets),
    },
    reroutes: reroutesOf(current),
    openHighSeverity: openHighOf(opts.backlog ?? current, now, w.domain),
    trend: {
      total: trend(current.length, previous.length),
      byDomain: { safety: trend(byDomain.safety, prevByDomain.safety), security: trend(byDomain.security, prevByDomain.security) },
      medianTimeToAck: trend(timeToAck.all.all.median, ackBefore),
    },
    topRefs: topRefsOf(current),
    perDay: perDayOf(current, w.from, w.to, w.timeZone ?? "UTC"),
    ...(opts.regimes ? { obligations: obligationsOf([...current, ...(opts.backlog ?? [])], opts.regimes, opts.now, w.domain) } : {}),
  };
}

/** Every unreported obligation of these incidents (each incident once), due ones and missed ones. */
function obligationsOf(items: Incident[], regimes: Regime[], now: Date, domain: Domain | undefined): NonNullable<Summary["obligations"]> {
  const seen = new Set<string>();
  const all: Array<ObligationItem & { state: string }> = [];
  for (const i of items) {
    if (seen.has(i.id) || (domain && domainOf(i) !== domain)) continue;
    seen.add(i.id);
    for (const c of obligationClocks(i, regimes, now)) {
      if (c.state === "reported") continue;
      all.push({ id: i.id, title: i.title, regime: c.regimeId, name: c.name, deadlineAt: c.deadline.at, minutesLeft: Math.floor(c.msLeft / 60_000), state: c.state });
    }
  }
  all.sort((a, b) => Date.parse(a.deadlineAt) - Date.parse(b.deadlineAt) || a.id.localeCompare(b.id));
  const strip = ({ state: _s, ...rest }: ObligationItem & { state: string }): ObligationItem => rest;
  return { due: all.filter((x) => x.state === "open").slice(0, MAX_LISTED).map(strip), missed: all.filter((x) => x.state === "missed").slice(0, MAX_LISTED).map(strip) };
}

// ---- statistics ----------------------------------------------------------------------------------

/** Nearest rank: the value at 1-based rank ceil(p*n/100) of the ascending values (p an integer percent). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100)); // p*n is an exact integer: no float drift
  return sorted[rank - 1]!;
}

const minutes = (ms: number) => Math.round(ms / 600) / 100;

export function stat(durationsMs: number[]): Stat {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const m = percentile(sorted, 50);
  const p = percentile(sorted, 90);
  return { n: sorted.length, median: m === null ? null : minutes(m), p90: p === null ? null : minutes(p) };
}

// ---- per-incident facts --------------------------------------------------------------------------

const domainOf = (i: Incident): Domain => i.routing.domain;
const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
const ackMs = (i: Incident) => diff(i.createdAt, i.acknowledgedAt);
const resolveMs = (i: Incident) => diff(i.createdAt, i.resolvedAt);
function diff(from: string, to: string | undefined): number | undefined {
  const t = ms(to);
  return t === undefined ? undefined : Math.max(0, t - Date.parse(from));
}

function countBy<K extends string>(keys: readonly K[], items: Incident[], pick: (i: Incident) => K): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const i of items) out[pick(i)] += 1;
  return out;
}

function timeTable(items: Incident[], measure: (i: Incident) => number | undefined): StatTable {
  const cells = new Map<string, number[]>();
  for (const i of items) {
    const v = measure(i);
    if (v === undefined) continue;
    for (const d of ["all", domainOf(i)]) {
      for (const s of ["all", i.classification.severity]) {
        const key = `${d}/${s}`;
        const cell = cells.get(key);
        if (cell) cell.push(v);
        else cells.set(key, [v]);
      }
    }
  }
  const row = (d: string) =>
    Object.fromEntries((["all", ...SEVERITIES] as const).map((s) => [s, stat(cells.get(`${d}/${s}`) ?? [])])) as Record<Severity | "all", Stat>;
  return { all: row("all"), safety: row("safety"), security: row("security") };
}

function escalationsOf(items: Incident[]) {
  let events = 0;
  let incidents = 0;
  for (const i of items) {
    const n = i.timeline.filter((e) => e.type === "escalated").length;
    events += n;
    if (n) incidents += 1;
  }
  return { events, incidents };
}

/**
 * A breach: acknowledged later than the target, or not acknowledged by the target. A ticket resolved
 * without an explicit acknowledgement was answered when it was resolved; one still waiting is
 * measured at `now`. The target is the one of the ticket's current domain and severity.
 */
function breachesOf(items: Incident[], now: number, target: SummaryOptions["ackTargets"]) {
  const out = { total: 0, late: 0, unacknowledged: 0, byDomain: countBy(DOMAINS, [], domainOf), bySeverity: countBy(SEVERITIES, [], (i) => i.classification.severity) };
  for (const i of items) {
    const deadline = Date.parse(i.createdAt) + target(domainOf(i), i.classification.severity) * 60_000;
    const answered = ms(i.acknowledgedAt) ?? ms(i.resolvedAt);
    const breached = answered === undefined ? now > deadline : answered > deadline;
    if (!breached) continue;
    out.total += 1;
    if (answered === undefined) out.unacknowledged += 1;
    else out.late += 1;
    out.byDomain[domainOf(i)] += 1;
    out.bySeverity[i.classification.severity] += 1;
  }
  return out;
}

function crossDomainOf(items: Incident[]): Summary["crossDomain"] {
  const crossing = items.filter((i) => i.classification.crossDomain.length > 0);
  const byDirection = Object.fromEntries(DIRECTIONS.map((d) => [d, 0])) as Record<CrossDomain, number>;
  for (const i of crossing) for (const d of new Set(i.classification.crossDomain)) byDirection[d] += 1;
  const answer = (i: Incident, q: string) => (typeof i.answers[q] === "string" && i.answers[q] ? (i.answers[q] as string) : undefined);
  return {
    total: crossing.length,
    byDirection,
    topAttackKinds: top(crossing.map((i) => answer(i, "attackKind")), TOP_KINDS),
    topFailureKinds: top(crossing.map((i) => answer(i, "failureKind")), TOP_KINDS),
  };
}

/** Most frequent first; ties in key order, so the result does not depend on input order. */
function top(values: Array<string | undefined>, n: number): Ranked[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, n);
}

function reroutesOf(items: Incident[]): Summary["reroutes"] {
  const byDirection = Object.fromEntries(DIRECTIONS.map((d) => [d, 0])) as Record<CrossDomain, number>;
  const list: RerouteItem[] = [];
  let incidents = 0;
  for (const i of items) {
    const evs = i.timeline.flatMap((e) => (e.type === "rerouted" ? [e] : []));
    if (evs.length) incidents += 1;
    for (const e of evs) {
      byDirection[`${e.from}->${e.to}` as CrossDomain] += 1;
      list.push({ id: i.id, at: e.at, from: e.from, to: e.to, reason: e.reason });
    }
  }
  list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id));
  const rate = items.length ? Math.round((incidents / items.length) * 1000) / 1000 : 0;
  return { incidents, events: list.length, rate, byDirection, items: list.slice(-MAX_LISTED) };
}

function openHighOf(items: Incident[], now: number, domain: Domain | undefined): Summary["openHighSeverity"] {
  const seen = new Set<string>(); // the backlog may list an incident twice (read per status)
  const open = items
    .filter((i) => i.status !== "resolved" && (i.classification.severity === "SEV1" || i.classification.severity === "SEV2"))
    .filter((i) => (!domain || domainOf(i) === domain) && !seen.has(i.id) && seen.add(i.id))
    .sort((a, b) => a.classification.severity.localeCompare(b.classification.severity) || Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
  const listed = open.slice(0, MAX_LISTED).map((i) => ({
    id: i.id,
    title: i.title,
    severity: i.classification.severity,
    domain: domainOf(i),
    status: i.status,
    assignee: i.assignee ?? null,
    createdAt: i.createdAt,
    ageMinutes: Math.max(0, Math.floor((now - Date.parse(i.createdAt)) / 60_000)),
  }));
  return { total: open.length, items: listed };
}

function trend(current: number | null, previous: number | null): Trend {
  const direction: Direction = current === null || previous === null ? "n/a" : current > previous ? "up" : current < previous ? "down" : "same";
  return { current, previous, direction };
}

function topRefsOf(items: Incident[]): Record<Framework, RefCount[]> {
  const counts = new Map<string, RefCount>();
  for (const i of items) {
    for (const r of i.classification.refs) {
      const key = `${r.framework}\u0000${r.id}`;
      const hit = counts.get(key) ?? { framework: r.framework, id: r.id, name: r.name, count: 0 };
      hit.count += 1;
      counts.set(key, hit);
    }
  }
  const all = [...counts.values()].sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  return Object.fromEntries(FRAMEWORKS.map((f) => [f, all.filter((r) => r.framework === f).slice(0, TOP_REFS)])) as Record<Framework, RefCount[]>;
}

/**
 * One bucket per local calendar day the window touches in `timeZone` (the first and last may be
 * partial), by creation time. Days, not 24-hour blocks from the window's start: those put this
 * morning's incidents under yesterday's bar whenever the window started in the afternoon.
 */
function perDayOf(items: Incident[], from: Date, to: Date, timeZone: string): DayBucket[] {
  const first = localDate(from, timeZone);
  const last = to.getTime() > from.getTime() ? localDate(new Date(to.getTime() - 1), timeZone) : first;
  const dates: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) dates.push(d);
  const index = new Map(dates.map((d, k) => [d, k]));
  const buckets = dates.map(() => ({ safety: 0, security: 0, acks: [] as number[] }));
  for (const i of items) {
    const at = new Date(i.createdAt);
    if (at < from || at >= to) continue;
    const b = buckets[index.get(localDate(at, timeZone)) ?? -1];
    if (!b) continue;
    b[domainOf(i)] += 1;
    const a = ackMs(i);
    if (a !== undefined) b.acks.push(a);
  }
  return buckets.map((b, k) => {
    const start = k === 0 ? from : startOfDay(dates[k]!, timeZone);
    return { start: start.toISOString(), date: dates[k]!, safety: b.safety, security: b.security, medianAckMinutes: stat(b.acks).median };
  });
}
