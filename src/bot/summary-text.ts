// A platform-neutral text rendering of a summary (Markdown-ish: *bold*, bullet lines), used by the
// console, and by Slack and Teams as the fallback text and for parts they do not render natively.
import { DOMAINS, SEVERITIES, type Stat, type StatTable, type Summary, type Trend } from "../domain/summary.js";

const FRAMEWORK_NAMES = { atlas: "MITRE ATLAS", "owasp-llm": "OWASP LLM", "nist-ai-600-1": "NIST AI 600-1" } as const;

/** 95 → "1h35m"; 4.5 → "4.5m"; null → "–". */
export function fmtMinutes(m: number | null): string {
  if (m === null) return "–";
  if (m < 60) return `${Math.round(m * 10) / 10}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(Math.round(m - h * 60)).padStart(2, "0")}m`;
  return `${Math.round(m / 144) / 10}d`;
}

const trendWord = (t: Trend, unit = "") =>
  t.direction === "n/a" ? "no comparison" : t.direction === "same" ? `same as before` : `${t.direction} from ${t.previous}${unit}`;
const statText = (s: Stat) => `${fmtMinutes(s.median)} / ${fmtMinutes(s.p90)} (n=${s.n})`;

function timingLines(label: string, t: StatTable): string[] {
  const cells = DOMAINS.flatMap((d) => SEVERITIES.filter((s) => t[d][s].n > 0).map((s) => `${d} ${s} ${statText(t[d][s])}`));
  return [`• ${label} (median / p90): all ${statText(t.all.all)}${cells.length ? `; ${cells.join("; ")}` : ""}`];
}

/** Reporting obligations not yet marked reported: missed first, then due, soonest first. */
export function obligationSummaryLines(s: Summary): string[] {
  const o = s.obligations;
  if (!o || (!o.due.length && !o.missed.length)) return [];
  const line = (x: NonNullable<Summary["obligations"]>["due"][number]) =>
    `• ${x.id} ${x.regime}: ${x.minutesLeft < 0 ? `missed ${fmtMinutes(-x.minutesLeft)} ago` : `due in ${fmtMinutes(x.minutesLeft)}`} (by ${x.deadlineAt.slice(0, 16).replace("T", " ")} UTC): ${x.title}`;
  return [`*Reporting obligations:* ${o.missed.length} missed, ${o.due.length} due`, ...o.missed.slice(0, 10).map(line), ...o.due.slice(0, 10).map(line)];
}

export function renderSummaryText(s: Summary): string {
  const w = s.window;
  const head = `*AI incidents, last ${w.days} days${w.domain ? ` (${w.domain})` : ""}* (${w.from.slice(0, 16).replace("T", " ")} → ${w.to.slice(0, 16).replace("T", " ")} UTC)`;
  if (s.total === 0 && s.previousTotal === 0 && s.openHighSeverity.total === 0 && !s.obligations?.due.length && !s.obligations?.missed.length) return `${head}\nNo incidents in this window or the one before it.`;
  const r = s.response;
  const b = r.ackBreaches;
  const lines = [
    head,
    `*Total:* ${s.total} (${s.total === s.previousTotal ? "same as" : s.total > s.previousTotal ? "up from" : "down from"} ${s.previousTotal} the ${w.days} days before)`,
    `• by domain: ${DOMAINS.map((d) => `${d} ${s.byDomain[d]} (${trendWord(s.trend.byDomain[d])})`).join(", ")}`,
    `• by severity: ${SEVERITIES.map((k) => `${k} ${s.bySeverity[k]}`).join(", ")}`,
    `• by status: ${Object.entries(s.byStatus).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `• provisional (intent unknown): ${s.provisional.total}, still open ${s.provisional.open}`,
    `*Response* (nearest-rank percentiles)`,
    ...timingLines("time to acknowledge", r.timeToAck),
    ...timingLines("time to resolve", r.timeToResolve),
    `• median time to acknowledge: ${trendWord(s.trend.medianTimeToAck, "m")}`,
    `• escalations: ${r.escalations.events} on ${r.escalations.incidents} incidents; acknowledgement target missed: ${b.total} (${b.late} late, ${b.unacknowledged} still waiting)`,
    `*Cross-domain:* ${s.crossDomain.total} (security->safety ${s.crossDomain.byDirection["security->safety"]}, safety->security ${s.crossDomain.byDirection["safety->security"]})`,
  ];
  const kinds = [...s.crossDomain.topAttackKinds, ...s.crossDomain.topFailureKinds].map((k) => `${k.key} ${k.count}`);
  if (kinds.length) lines.push(`• behind them: ${kinds.join(", ")}`);
  lines.push(`*Rerouted to the other domain:* ${s.reroutes.incidents} (${Math.round(s.reroutes.rate * 1000) / 10}% of incidents)`);
  for (const x of s.reroutes.items.slice(-5)) lines.push(`• ${x.id} ${x.from} → ${x.to}: ${x.reason}`);
  lines.push(`*Open SEV1/SEV2:* ${s.openHighSeverity.total}`);
  for (const o of s.openHighSeverity.items.slice(0, 10)) {
    lines.push(`• ${o.id} ${o.severity} ${o.domain}, ${o.status}, ${o.assignee ?? "unassigned"}, open ${fmtMinutes(o.ageMinutes)}: ${o.title}`);
  }
  lines.push(...obligationSummaryLines(s));
  const refs = Object.entries(s.topRefs).filter(([, v]) => v.length);
  if (refs.length) {
    lines.push("*Top taxonomy refs*");
    for (const [f, v] of refs) lines.push(`• ${FRAMEWORK_NAMES[f as keyof typeof FRAMEWORK_NAMES]}: ${v.slice(0, 3).map((x) => `${x.id === x.name ? x.id : `${x.id} ${x.name}`} (${x.count})`).join(", ")}`);
  }
  return lines.join("\n");
}
