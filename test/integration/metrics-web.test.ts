// GET /metrics on the real web process (npm start with Redis, inline workers): after one incident is
// filed through the bot with its suggestions kept, delivered, and acknowledged, the counters,
// histograms and scrape-time queue gauges say so, with the types Prometheus needs to read them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Input } from "../../src/bot/conversation.js";
import type { Reply } from "../../src/bot/reply.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { serve, type Served } from "../../src/serve.js";
import { webhookRosterDoc, writeRoster } from "../support/durable.js";
import { parseExposition, scrape } from "../support/prom.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { startWebhook, waitFor, type FakeWebhook } from "../support/webhook.js";

let redis: RedisServer | undefined;
let hook: FakeWebhook | undefined;
let served: Served | undefined;
let base = "";

beforeAll(async () => {
  redis = await startRedis();
  hook = await startWebhook();
  const cfg = loadConfig({ REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix(), PORT: "0", ONCALL_CONFIG: writeRoster(webhookRosterDoc(hook.url)) });
  served = await serve(cfg, silentLogger);
  base = `http://127.0.0.1:${served.web.port}`;
});
afterAll(async () => {
  // Each one closed even when an earlier one failed to start.
  await served?.stop();
  await hook?.close();
  await redis?.stop();
});

const answers: Record<string, unknown> = { asset: "prompts-or-inputs", ciaLost: ["confidentiality"], harm: [], ongoing: "yes", scope: "some-users", attackKind: "prompt-injection", personalData: "no" };
const current = (r: Reply[]) => r.findLast((x) => x.kind === "question" || x.kind === "text-prompt" || x.kind === "confirm-inferred");

/** Walks the bot as a reporter would: the story first, suggestions kept, the rest answered. */
async function fileThroughTheBot(app: Served["app"]): Promise<string> {
  const say = (input: Input) => app.bot.handle({ key: "console:grace", user: { platform: "console", userId: "grace" }, input });
  let r = await say({ kind: "start", text: "An attacker got the support bot to ignore its instructions and reveal the system prompt" });
  for (let i = 0; i < 20; i++) {
    const result = r.find((x) => x.kind === "triage-result");
    if (result?.kind === "triage-result") return result.incident.id;
    const q = current(r);
    if (!q) throw new Error(`the walk-through stopped: ${JSON.stringify(r)}`);
    if (q.kind === "confirm-inferred") r = await say({ kind: "confirm-inferred", decision: "keep-all", rev: q.rev });
    else if (q.kind === "question") r = await say({ kind: "answer", questionId: q.questionId, value: answers[q.questionId], rev: q.rev });
    else throw new Error(`unexpected ${q.kind}`);
  }
  throw new Error("the walk-through did not finish");
}

describe("GET /metrics on the web process", () => {
  it("exposes every metric with its type, and the values move with a filed and acknowledged incident", async () => {
    const before = await scrape(`${base}/metrics`);
    expect(before.value("triage_incidents_filed_total")).toBe(0);

    const id = await fileThroughTheBot(served!.app);
    // Delivered, then the acknowledgement timer is set (an ack before it would leave no timer to see).
    const timerSet = async () => (await scrape(`${base}/metrics`)).value("triage_queue_jobs", { queue: "oncall-security", state: "delayed" }) >= 1;
    await waitFor(timerSet, "the ticket to be delivered and its timer set");
    expect(hook!.received.length).toBeGreaterThan(0);
    const acked = await served!.app.actions.act(id, { kind: "acknowledge" }, { platform: "console", userId: "alan" });
    expect(acked).toMatchObject({ ok: true, changed: true });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const m = await scrape(`${base}/metrics`);
    const types = Object.fromEntries(m.types);
    expect(types).toMatchObject({
      triage_incidents_filed_total: "counter",
      triage_pretriage_proposals_total: "counter",
      triage_time_to_acknowledge_seconds: "histogram",
      triage_time_to_resolve_seconds: "histogram",
      triage_escalations_total: "counter",
      triage_deliveries_failed_total: "counter",
      triage_deliveries_late_total: "counter",
      triage_queue_jobs: "gauge",
      triage_queue_oldest_waiting_seconds: "gauge",
      triage_queue_workers: "gauge",
      triage_workers_running: "gauge",
      triage_http_request_duration_seconds: "histogram",
    });
    expect(m.value("triage_incidents_filed_total", { domain: "security" })).toBe(1);
    expect(m.value("triage_pretriage_proposals_total", { question: "intent", outcome: "accepted" })).toBe(1);
    expect(m.value("triage_time_to_acknowledge_seconds_count", { domain: "security" })).toBe(1);
    // The timer set on delivery stays in BullMQ (it will find the incident acknowledged and do nothing).
    expect(m.value("triage_queue_jobs", { queue: "oncall-security", state: "delayed" })).toBeGreaterThanOrEqual(1);
    expect(m.samples.some((s) => s.name === "triage_queue_oldest_waiting_seconds" && s.labels.queue === "oncall-safety")).toBe(true);
    expect(m.value("triage_queue_workers", { queue: "oncall-security" })).toBeGreaterThanOrEqual(1);
    expect(m.value("triage_workers_running")).toBe(2);
    expect(m.value("triage_http_request_duration_seconds_count", { route: "/healthz", method: "GET", status: "200" })).toBe(1);
    expect(m.value("triage_http_request_duration_seconds_count", { route: "/metrics", method: "GET", status: "200" })).toBeGreaterThanOrEqual(2);
  });

  it("files unknown paths under route=\"other\", never the path itself", async () => {
    expect((await fetch(`${base}/incidents/INC-2026-0001?user=U123`)).status).toBe(404);
    const m = parseExposition(await (await fetch(`${base}/metrics`)).text());
    const routes = new Set(m.samples.filter((s) => s.name.startsWith("triage_http_request_duration_seconds")).map((s) => s.labels.route));
    expect(routes).toContain("other");
    for (const r of routes) expect(["/healthz", "/metrics", "other"]).toContain(r);
  });
});
