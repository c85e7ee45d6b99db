// A manager's summary: totals with the trend against the window before, then breakdowns.
import type { Summary } from "../../../src/domain/summary.js";
import { card, facts, heading, subtle, text, type AdaptiveCard } from "./card.js";

const join = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ${v}`).join(", ");

export function summaryCard(s: Summary): AdaptiveCard {
  const trend = s.total === s.previousTotal ? "same as" : s.total > s.previousTotal ? "up from" : "down from";
  return card([
    heading(`Incidents, last ${s.window.days} days${s.window.domain ? ` (${s.window.domain})` : ""}`),
    subtle(`${s.window.from.slice(0, 10)} to ${s.window.to.slice(0, 10)}`),
    text(`**${s.total}** incidents (${trend} ${s.previousTotal} the ${s.window.days} days before)`),
    facts([
      ["By domain", `safety ${s.byDomain.safety}, security ${s.byDomain.security}`],
      ["By severity", join(s.bySeverity)],
      ["By status", join(s.byStatus)],
    ]),
  ]);
}
