// Manager summaries: a pure function over the incidents of a window (and the window before it).
import type { Incident } from "./incident.js";
import type { Domain, Severity } from "./vocabulary.js";

export interface SummaryWindow {
  from: Date;
  to: Date;
  domain?: Domain;
}

export interface Summary {
  window: { from: string; to: string; days: number; domain?: Domain };
  total: number;
  previousTotal: number;
  byDomain: Record<Domain, number>;
  bySeverity: Record<Severity, number>;
  byStatus: Record<Incident["status"], number>;
}

export function summarize(current: Incident[], previous: Incident[], w: SummaryWindow): Summary {
  const count = <K extends string>(keys: readonly K[], pick: (i: Incident) => K) =>
    Object.fromEntries(keys.map((k) => [k, current.filter((i) => pick(i) === k).length])) as Record<K, number>;
  return {
    window: { from: w.from.toISOString(), to: w.to.toISOString(), days: Math.round((w.to.getTime() - w.from.getTime()) / 86_400_000), ...(w.domain ? { domain: w.domain } : {}) },
    total: current.length,
    previousTotal: previous.length,
    byDomain: count(["safety", "security"] as const, (i) => i.routing.domain),
    bySeverity: count(["SEV1", "SEV2", "SEV3", "SEV4"] as const, (i) => i.classification.severity),
    byStatus: count(["open", "acknowledged", "escalated", "resolved"] as const, (i) => i.status),
  };
}
