// Summaries on request: who may ask (managers in the roster), which window, and the store reads.
import type { Clock } from "../clock.js";
import { addDays, localDate, startOfDay } from "../domain/calendar.js";
import { ackMinutes, summaryTimeZone, type Roster } from "../domain/roster.js";
import { authorize } from "../domain/authz.js";
import { summarize, type Summary } from "../domain/summary.js";
import type { Actor } from "../domain/incident.js";
import type { Domain } from "../domain/vocabulary.js";
import type { IncidentStore } from "../store/types.js";
import type { Obligations } from "../domain/obligations-file.js";

export const SUMMARY_PERIODS = { "7d": 7, "30d": 30, "90d": 90 } as const;
export type SummaryPeriod = keyof typeof SUMMARY_PERIODS;

export type SummaryOutcome = { ok: true; summary: Summary } | { ok: false; message: string };

/** Parses "[7d|30d|90d] [safety|security]" in any order; undefined on anything else. */
export function parseSummaryArgs(text: string): { period: SummaryPeriod; domain?: Domain } | undefined {
  let period: SummaryPeriod = "7d";
  let domain: Domain | undefined;
  for (const word of text.trim().toLowerCase().split(/\s+/).filter(Boolean)) {
    if (word in SUMMARY_PERIODS) period = word as SummaryPeriod;
    else if (word === "safety" || word === "security") domain = word;
    else return undefined;
  }
  return domain ? { period, domain } : { period };
}

export class Summaries {
  constructor(private readonly d: { incidents: IncidentStore; roster: Roster; clock: Clock; obligations?: Obligations }) {}

  isManager(actor: Actor): boolean {
    return authorize(this.d.roster, actor, "view-summary").ok;
  }

  async forManager(actor: Actor, period: SummaryPeriod, domain?: Domain): Promise<SummaryOutcome> {
    if (!this.isManager(actor)) {
      return { ok: false, message: "Summaries are for the managers listed in the on-call roster. Ask an incident manager if you need one." };
    }
    return { ok: true, summary: await this.build(this.d.clock.now(), SUMMARY_PERIODS[period], domain) };
  }

  /**
   * The last `days` calendar days in the summary's time zone, today (up to `to`) included: the chart
   * then has one bar per day and its last bar is today. A `to` at midnight sharp ends the day before
   * (the day that starts then has no time in the window yet).
   */
  async build(to: Date, days: number, domain?: Domain): Promise<Summary> {
    const tz = summaryTimeZone(this.d.roster);
    const lastDay = localDate(new Date(to.getTime() - 1), tz);
    const from = startOfDay(addDays(lastDay, 1 - days), tz);
    return this.buildWindow(from, to, domain, days);
  }

  /**
   * Reads the window, the one of the same length before it (for the trend), and the unresolved
   * incidents of any age through the status indexes (an open SEV1 from last month still matters):
   * the cost follows the window and the open backlog, never the whole history.
   */
  async buildWindow(from: Date, to: Date, domain?: Domain, days?: number): Promise<Summary> {
    const prevFrom = new Date(2 * from.getTime() - to.getTime());
    const scope = domain ? { domain } : {};
    const unresolved = (["open", "acknowledged", "escalated"] as const).map((status) => this.d.incidents.list({ from: new Date(0), to, status, ...scope }));
    const [current, previous, ...backlog] = await Promise.all([
      this.d.incidents.list({ from, to, ...scope }),
      this.d.incidents.list({ from: prevFrom, to: from, ...scope }),
      ...unresolved,
    ]);
    const roster = this.d.roster;
    const timeZone = summaryTimeZone(roster);
    return summarize(current, previous, { from, to, timeZone, ...(days ? { days } : {}), ...scope }, {
      now: this.d.clock.now(),
      ackTargets: (d, s) => ackMinutes(roster, d, s),
      backlog: backlog.flat(),
      ...(this.d.obligations ? { regimes: this.d.obligations.regimes } : {}),
    });
  }
}
