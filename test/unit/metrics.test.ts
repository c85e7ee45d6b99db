// The metrics module without a server: label values stay in their bounded sets whatever comes in,
// incident transitions are counted once where they are stored, and the queues count late and failed
// deliveries with the platform that failed.
import { describe, expect, it } from "vitest";
import { EVENTS_PATH } from "../../adapters/slack/ids.js";
import { MESSAGES_PATH } from "../../adapters/teams/http.js";
import { createEmbeddedApp } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { LABELS, allowed, bound, routeLabel, statusLabel } from "../../src/metrics/labels.js";
import { Metrics } from "../../src/metrics/metrics.js";
import { MemoryJobQueue } from "../../src/tickets/memory-queue.js";
import { tagPlatform } from "../../src/tickets/delivery-observer.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { defs } from "../support/defs.js";
import { makeDraft, samplePretriage } from "../support/fixtures.js";
import { parseExposition } from "../support/prom.js";
import { testRoster } from "../support/roster.js";

const scrape = async (m: Metrics) => parseExposition((await m.scrape()).body);

describe("label bounds", () => {
  it("maps values outside a label's set to \"other\"", () => {
    expect(bound("platform", "pagerduty")).toBe("other");
    expect(bound("domain", "security")).toBe("security");
    expect(routeLabel("/slack/events?retry=1")).toBe("/slack/events");
    expect(routeLabel("/incidents/INC-2026-0001")).toBe("other");
    expect(statusLabel(200)).toBe("200");
    expect(statusLabel(1234)).toBe("other");
  });

  it("knows the platforms' real paths", () => {
    expect(LABELS.route).toContain(EVENTS_PATH);
    expect(LABELS.route).toContain(MESSAGES_PATH);
  });

  it("never lets an id, a path or an unknown value into the registry", async () => {
    const m = new Metrics();
    m.httpRequest("/incidents/INC-2026-0042?user=U0SECRET", "PROPFIND", 999, 0.01);
    m.httpRequest("/slack/events", "POST", 200, 0.01);
    m.failed("reindex", "pagerduty");
    m.late("deliver", "slack");
    const incident = makeDraft({ pretriage: { proposals: { ...samplePretriage.proposals, myOwnQuestion: { value: "x", confidence: 1, evidence: [], chosen: "x", accepted: true } } } });
    m.incidentFiled({ ...incident, id: "INC-2026-0042", rev: 1 });
    const text = (await m.scrape()).body;
    expect(text).not.toMatch(/INC-|U0SECRET|PROPFIND|pagerduty|reindex|myOwnQuestion/);
    for (const metric of await m.registry.getMetricsAsJSON()) {
      for (const v of metric.values) {
        for (const [name, value] of Object.entries(v.labels)) {
          if (name === "le") continue; // histogram buckets: the fixed bounds above
          expect(allowed(name, String(value)), `${metric.name}{${name}="${value}"}`).toBe(true);
        }
      }
    }
  });
});

describe("incident metrics, counted where incidents are stored", () => {
  function app() {
    const metrics = new Metrics();
    const clock = new ManualClock();
    const a = createEmbeddedApp(loadConfig({}), { notifier: new RecordingNotifier(["console"]), log: silentLogger, clock, defs: { ...defs(), roster: testRoster() }, metrics });
    return { app: a, metrics, clock };
  }

  it("files once, scores the proposals, times the acknowledgement and resolution, and tells timer from manual escalations", async () => {
    const { app: a, metrics, clock } = app();
    try {
      const draft = makeDraft({ createdAt: clock.now(), pretriage: samplePretriage });
      const { incident } = await a.incidents.create(draft);
      await a.incidents.create(draft); // a retried last answer: the same incident, not a second one
      await a.idle();
      // The acknowledgement timer runs out: the processor escalates (as a worker would).
      clock.advance(60 * 60_000);
      await a.processor.run({ name: "escalate", incidentId: incident.id, gen: 0 });
      const alan = { platform: "console" as const, userId: "alan" };
      clock.advance(60_000);
      expect(await a.actions.act(incident.id, { kind: "escalate" }, alan)).toMatchObject({ ok: true, changed: true });
      clock.advance(60_000);
      expect(await a.actions.act(incident.id, { kind: "acknowledge" }, alan)).toMatchObject({ ok: true, changed: true });
      expect(await a.actions.act(incident.id, { kind: "acknowledge" }, alan)).toMatchObject({ ok: true, changed: false });
      clock.advance(60_000);
      expect(await a.actions.act(incident.id, { kind: "resolve", note: "prompt filter deployed" }, alan)).toMatchObject({ ok: true, changed: true });
      await a.idle();

      const m = await scrape(metrics);
      expect(m.value("triage_incidents_filed_total", { domain: "security", severity: "SEV3", cross_domain: "false" })).toBe(1);
      expect(m.value("triage_pretriage_proposals_total", { question: "intent", outcome: "changed" })).toBe(1);
      expect(m.value("triage_pretriage_proposals_total", { question: "asset", outcome: "accepted" })).toBe(1);
      expect(m.value("triage_pretriage_proposals_total", { question: "failureKind", outcome: "changed" })).toBe(1);
      expect(m.value("triage_pretriage_proposals_total", { outcome: "abstained" })).toBe(0);
      expect(m.value("triage_escalations_total", { domain: "security", reason: "timer" })).toBe(1);
      expect(m.value("triage_escalations_total", { domain: "security", reason: "manual" })).toBe(1);
      expect(m.value("triage_time_to_acknowledge_seconds_count", { domain: "security", severity: "SEV3" })).toBe(1);
      expect(m.value("triage_time_to_acknowledge_seconds_sum")).toBe(62 * 60);
      expect(m.value("triage_time_to_resolve_seconds_sum")).toBe(63 * 60);
    } finally {
      await a.close();
    }
  });

  it("counts an intent that was not proposed as an abstention", async () => {
    const { app: a, metrics } = app();
    try {
      await a.incidents.create(makeDraft());
      await a.idle();
      expect((await scrape(metrics)).value("triage_pretriage_proposals_total", { question: "intent", outcome: "abstained" })).toBe(1);
    } finally {
      await a.close();
    }
  });
});

describe("delivery metrics from the queue", () => {
  it("counts late tries and the final failure, with the platform the send failed on", async () => {
    const metrics = new Metrics();
    const queue = new MemoryJobQueue(new ManualClock(), silentLogger, { attempts: 3, baseDelayMs: 10, maxDelayMs: 10, lateAfterMs: 0 }, metrics);
    queue.process(async () => {
      throw tagPlatform(new Error("slack said 500"), "slack");
    });
    try {
      await queue.add("security", { name: "deliver", incidentId: "INC-2026-0001", routeCount: 1 });
      await queue.idle();
      const m = await scrape(metrics);
      expect(m.value("triage_deliveries_failed_total", { kind: "deliver", platform: "slack" })).toBe(1);
      // The retries come at least 10 ms after the job was due, past a lateness of 0.
      expect(m.value("triage_deliveries_late_total", { kind: "deliver", platform: "slack" })).toBeGreaterThanOrEqual(2);
    } finally {
      await queue.close();
    }
  });

  it("says \"none\" for a failure before any platform was called", async () => {
    const metrics = new Metrics();
    const queue = new MemoryJobQueue(new ManualClock(), silentLogger, { attempts: 1, baseDelayMs: 10, maxDelayMs: 10, lateAfterMs: 100_000 }, metrics);
    queue.process(async () => {
      throw new Error("incident store unreachable");
    });
    try {
      await queue.add("safety", { name: "page", incidentId: "INC-2026-0002", gen: 1 });
      await queue.idle();
      expect((await scrape(metrics)).value("triage_deliveries_failed_total", { kind: "page", platform: "none" })).toBe(1);
    } finally {
      await queue.close();
    }
  });
});
