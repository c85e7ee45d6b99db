// The shipped Prometheus rules and Grafana dashboard (ops/) stay loadable and only name metrics the
// app exposes: a renamed metric would otherwise leave an alert silently watching nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/config.js";
import { Metrics } from "../../src/metrics/metrics.js";

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

const exposed = async () => {
  const m = new Metrics();
  const names = new Set<string>();
  for (const metric of await m.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    // A histogram is queried through its series.
    if (String(metric.type) === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(metric.name + s);
  }
  return names;
};
const metricNames = (expr: string) => [...expr.matchAll(/\btriage_[a-z0-9_]+/g)].map((x) => x[0]);

const rules = (): Rule[] => (parse(readFileSync(join(ROOT, "ops/alerts.yml"), "utf8")) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const dashboardExprs = (): string[] => {
  const d = JSON.parse(readFileSync(join(ROOT, "ops/grafana-dashboard.json"), "utf8")) as { panels: Array<{ targets: Array<{ expr: string }> }> };
  return d.panels.flatMap((p) => p.targets.map((t) => t.expr));
};

describe("ops/alerts.yml", () => {
  it("has the alerts the runbook relies on, each with a severity, a summary and a description", () => {
    const all = rules();
    expect(all.map((r) => r.alert)).toEqual(expect.arrayContaining(["TriageWorkerDown", "TriageNoQueueWorker", "TriageQueueStuck", "TriageBacklogOld", "TriageDeliveriesLate", "TriageTicketsFailed"]));
    for (const r of all) {
      expect(r.expr, r.alert).toMatch(/\S/);
      expect(["page", "ticket"], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary && r.annotations.description, r.alert).toBeTruthy();
      if (r.for !== undefined) expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
    }
  });

  it("names only metrics the registry exposes", async () => {
    const names = await exposed();
    for (const r of rules()) for (const n of metricNames(r.expr)) expect(names.has(n), `${r.alert}: ${n}`).toBe(true);
  });
});

describe("ops/grafana-dashboard.json", () => {
  it("is JSON whose panels all query metrics the registry exposes", async () => {
    const names = await exposed();
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThan(5);
    for (const e of exprs) {
      expect(metricNames(e).length, e).toBeGreaterThan(0);
      for (const n of metricNames(e)) expect(names.has(n), `${n} in ${e}`).toBe(true);
    }
  });

  it("shows every metric the registry exposes somewhere", async () => {
    const used = new Set(dashboardExprs().flatMap(metricNames).map((n) => n.replace(/_(bucket|sum|count)$/, "")));
    for (const metric of await new Metrics().registry.getMetricsAsJSON()) expect(used.has(metric.name), metric.name).toBe(true);
  });
});
