// A worker process, started as the Procfile starts it, with METRICS_PORT set: its own small server
// answers GET /metrics (and nothing else), with its running workers and BullMQ's view of the queues.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { spawnWorker, type WorkerProc } from "../support/app-procs.js";
import { fileIncident, redisApp, rosterFrom, webhookRosterDoc, writeRoster } from "../support/durable.js";
import { scrape } from "../support/prom.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { startWebhook, waitFor, type FakeWebhook } from "../support/webhook.js";

let redis: RedisServer | undefined;
let hook: FakeWebhook | undefined;
beforeAll(async () => {
  redis = await startRedis();
  hook = await startWebhook();
});
afterAll(async () => {
  await hook?.close();
  await redis?.stop();
});

describe("worker metrics port", () => {
  it("serves /metrics on METRICS_PORT from a real worker process", async () => {
    const prefix = uniquePrefix();
    const doc = webhookRosterDoc(hook!.url);
    let worker: WorkerProc | undefined;
    let app: App | undefined;
    try {
      // Port 0: the worker takes a free one and logs it, so parallel test files never collide.
      worker = spawnWorker({ REDIS_URL: redis!.url, QUEUE_PREFIX: prefix, ONCALL_CONFIG: writeRoster(doc), LOG_LEVEL: "info", METRICS_PORT: "0" });
      await waitFor(() => /"metricsPort":\d+/.test(worker!.output()) && worker!.output().includes("worker started"), "the worker and its metrics port", 20_000);
      const base = `http://127.0.0.1:${/"metricsPort":(\d+)/.exec(worker.output())![1]}`;

      app = redisApp(redis!.url, prefix, rosterFrom(doc));
      await fileIncident(app, "conv-metrics-worker");
      // Delivered, then the acknowledgement timer is set: it waits in BullMQ's delayed set.
      const timerSet = async () => (await scrape(`${base}/metrics`)).value("triage_queue_jobs", { queue: "oncall-security", state: "delayed" }) >= 1;
      await waitFor(timerSet, "the worker to deliver the ticket and set its timer");

      const m = await scrape(`${base}/metrics`);
      expect(m.types.get("triage_workers_running")).toBe("gauge");
      expect(m.types.get("triage_deliveries_failed_total")).toBe("counter");
      expect(m.types.get("triage_escalations_total")).toBe("counter");
      expect(m.value("triage_workers_running")).toBe(2);
      expect(m.value("triage_queue_workers", { queue: "oncall-security" })).toBeGreaterThanOrEqual(1);
      expect(m.value("triage_queue_jobs", { queue: "oncall-security", state: "completed" })).toBeGreaterThanOrEqual(1);
      // Only /metrics: no health or platform routes on this port.
      expect((await fetch(`${base}/healthz`)).status).toBe(404);
      // The metrics server does not keep a stopping worker alive (scrapes leave keep-alive sockets).
      const exit = new Promise<number | null>((r) => worker!.proc.once("exit", (code) => r(code)));
      worker.proc.kill("SIGTERM");
      expect(await exit).toBe(0);
      expect(worker.output()).toContain("worker stopped");
    } finally {
      await app?.close();
      await worker?.stop();
    }
  });
});
