// A platform-neutral text rendering of a summary (Markdown-ish: *bold*, bullet lines), used by the
// console, and by Slack and Teams as the fallback text and for parts they do not render natively.
import type { Summary } from "../domain/summary.js";

export function renderSummaryText(s: Summary): string {
  const trend = s.total === s.previousTotal ? "same as" : s.total > s.previousTotal ? "up from" : "down from";
  return [
    `*Incidents, last ${s.window.days} days${s.window.domain ? ` (${s.window.domain})` : ""}:* ${s.total} (${trend} ${s.previousTotal} the ${s.window.days} days before)`,
    `• by domain: safety ${s.byDomain.safety}, security ${s.byDomain.security}`,
    `• by severity: ${Object.entries(s.bySeverity).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `• by status: ${Object.entries(s.byStatus).map(([k, v]) => `${k} ${v}`).join(", ")}`,
  ].join("\n");
}
