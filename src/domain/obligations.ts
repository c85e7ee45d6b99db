// Which reporting regimes an incident falls under and by when, from the obligations file. Pure: the
// clock and the facts come in as arguments, so every rule and deadline is tested without a store.
// Decision support for whoever reports, not legal advice: the file's rules are a reading of the law.
import { matches } from "./flow.js";
import type { Facts, FactCondition, Regime, ShorterDeadline, Source, Trigger, Within } from "./obligations-file.js";

const HOUR_MS = 3_600_000;

export interface IncidentLike {
  answers: Record<string, string | string[] | undefined>;
  /** when the incident was reported: the awareness time unless the facts give one. */
  createdAt: string;
  facts?: Facts;
}

export interface ApplicableObligation {
  regimeId: string;
  name: string;
  reportedBy: Regime["reportedBy"];
  reportTo: string;
  /** the rule of `when` that made it reportable. */
  trigger: { id: string; because: string };
  awareAt: string;
  deadline: {
    at: string;
    within: string;
    /** "default" or the id of the shorter-deadline rule that set it. */
    rule: string;
    because: string;
    source: Source;
  };
  /** negative once the deadline has passed. */
  msLeft: number;
  initialReportAllowed: boolean;
  warnings: string[];
  /** the warnings the file marks `onTicket`, with their source. */
  ticketWarnings: string[];
}

export function withinMs(w: Within): number {
  return "hours" in w ? w.hours * HOUR_MS : w.days * 24 * HOUR_MS;
}
export function withinText(w: Within): string {
  return "hours" in w ? `${w.hours} hours` : `${w.days} days`;
}

/** True when every fact named in the condition is known and holds; an unknown fact never matches. */
export function factsMatch(cond: FactCondition, facts: Facts): boolean {
  if (cond.highRisk !== undefined && facts.highRisk !== cond.highRisk) return false;
  if (cond.personalData !== undefined && facts.personalData !== cond.personalData) return false;
  if (cond.widespreadInfringement !== undefined && facts.widespreadInfringement !== cond.widespreadInfringement) return false;
  if (cond.effects && !cond.effects.some((e) => facts.effects?.includes(e))) return false;
  return true;
}

export function ruleMatches(rule: Pick<Trigger, "answers" | "facts">, incident: IncidentLike): boolean {
  return (!rule.answers || matches(rule.answers, incident.answers)) && (!rule.facts || factsMatch(rule.facts, incident.facts ?? {}));
}

/** The deadline that applies: the shortest of the default and every shorter rule that matches. */
export function deadlineFor(regime: Regime, incident: IncidentLike): Omit<ApplicableObligation["deadline"], "at"> & { ms: number } {
  let best = { ms: withinMs(regime.deadline.within), within: regime.deadline.within, rule: "default", because: "the regime's general deadline", source: regime.deadline.source };
  for (const s of regime.shorter as ShorterDeadline[]) {
    if (!ruleMatches(s, incident)) continue;
    const ms = withinMs(s.within);
    if (ms < best.ms) best = { ms, within: s.within, rule: s.id, because: s.because, source: s.source };
  }
  return { ms: best.ms, within: withinText(best.within), rule: best.rule, because: best.because, source: best.source };
}

export function awareAtOf(incident: IncidentLike): string {
  return new Date(incident.facts?.awareAt ?? incident.createdAt).toISOString();
}

/** Every regime the incident falls under, in the file's order, with its deadline and time left at `now`. */
export function applicableObligations(incident: IncidentLike, regimes: Regime[], now: Date): ApplicableObligation[] {
  const awareAt = awareAtOf(incident);
  const out: ApplicableObligation[] = [];
  for (const regime of regimes) {
    // Awareness, not occurrence, starts every clock in these regimes, so it also decides the cut-off.
    if (Date.parse(awareAt) < Date.parse(`${regime.appliesFrom}T00:00:00Z`)) continue;
    const trigger = regime.when.find((t) => ruleMatches(t, incident));
    if (!trigger) continue;
    const d = deadlineFor(regime, incident);
    const at = Date.parse(awareAt) + d.ms;
    out.push({
      regimeId: regime.id,
      name: regime.name,
      reportedBy: regime.reportedBy,
      reportTo: regime.reportTo,
      trigger: { id: trigger.id, because: trigger.because },
      awareAt,
      deadline: { at: new Date(at).toISOString(), within: d.within, rule: d.rule, because: d.because, source: d.source },
      msLeft: at - now.getTime(),
      initialReportAllowed: regime.initialReport?.allowed ?? false,
      warnings: regime.warnings.map((w) => `${w.text} (${w.source.article})`),
      ticketWarnings: regime.warnings.filter((w) => w.onTicket).map((w) => `${w.text} (${w.source.article})`),
    });
  }
  return out;
}
