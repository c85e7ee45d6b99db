// Durable routing against a real redis-server: BullMQ workers in this process, a local webhook as
// the destination. Retries, Retry-After, the failed set and replay, escalation timers.
import type { Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { silentLogger } from "../../src/log.js";
import { connect } from "../../src/redis.js";
import { startWorkers } from "../../src/tickets/bullmq-queue.js";
import { WebhookNotifier } from "../../src/tickets/webhook-notifier.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { fileIncident, redisApp, rosterFrom, webhookRosterDoc } from "../support/durable.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { waitForQueuesIdle } from "../support/queues.js";
import { startWebhook, waitFor, type FakeWebhook } from "../support/webhook.js";

let redis: RedisServer;
let hook: FakeWebhook;
let running: Array<{ app: App; workers: Worker[]; close(): Promise<void> }> = [];

beforeAll(async () => {
  redis = await startRedis();
  hook = await startWebhook();
});
afterAll(async () => {
  await hook.close();
  await redis.stop();
});
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
  hook.received.length = 0;
  hook.attempts = 0;
  hook.failNext(0, 500);
});

/** A web-side app and a worker-side app with in-process BullMQ workers, sharing one prefix. */
function setup(escalationMinutes = 60) {
  const prefix = uniquePrefix();
  const roster = rosterFrom(webhookRosterDoc(hook.url, escalationMinutes));
  const web = redisApp(redis.url, prefix, roster);
  const worker = redisApp(redis.url, prefix, roster, new NotifierRouter([new WebhookNotifier()]), "worker");
  const conn = connect(redis.url, silentLogger, "worker");
  const workers = startWorkers(conn, prefix, (job) => worker.processor.run(job), { concurrency: 5, lockMs: 5000 }, silentLogger);
  const handle = {
    app: web,
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await conn.quit();
      await worker.close();
      await web.close();
    },
  };
  running.push(handle);
  return { web, worker, prefix };
}

const tickets = (id: string) => hook.received.filter((r) => r.body.incidentId === id && r.body.kind === "ticket");

describe("durable routing", () => {
  it("delivers a ticket once to the domain channel and the cross-domain note to the other", async () => {
    const { web } = setup();
    const inc = await fileIncident(web, "conv-once");
    await waitFor(() => hook.received.length >= 2, "ticket and cross-domain note");
    await waitForQueuesIdle(web); // a second ticket could only come from a job still queued or running
    expect(tickets(inc.id)).toHaveLength(1);
    expect(tickets(inc.id)[0]!.path).toBe("/security");
    expect(hook.received.filter((r) => r.body.kind === "cross-domain").map((r) => r.path)).toEqual(["/safety"]);
    // A retried final answer dispatches again: the job id makes it a no-op.
    await fileIncident(web, "conv-once");
    await waitForQueuesIdle(web);
    expect(tickets(inc.id)).toHaveLength(1);
    const stored = await web.incidents.get(inc.id);
    expect(stored!.timeline.filter((e) => e.type === "delivered")).toHaveLength(1);
    expect(await web.incidents.undelivered(new Date(Date.now() + 60_000))).toEqual([]);
  });

  it("a notifier that fails twice then succeeds delivers exactly once", async () => {
    const { web } = setup();
    hook.failNext(2, 503);
    const started = Date.now();
    const inc = await fileIncident(web, "conv-flaky", "safety");
    await waitFor(() => tickets(inc.id).length === 1, "the ticket after two failures");
    expect(hook.attempts).toBeGreaterThanOrEqual(3);
    // Exponential backoff: 1 s, then 2 s.
    expect(tickets(inc.id)[0]!.at - started).toBeGreaterThanOrEqual(2900);
    await waitForQueuesIdle(web);
    expect(tickets(inc.id)).toHaveLength(1);
  });

  it("a 429 with Retry-After is retried no sooner than asked", async () => {
    const { web } = setup();
    hook.failNext(1, 429, 2);
    const started = Date.now();
    const inc = await fileIncident(web, "conv-429", "safety");
    await waitFor(() => tickets(inc.id).length === 1, "the ticket after a 429");
    expect(tickets(inc.id)[0]!.at - started).toBeGreaterThanOrEqual(1900);
    expect(tickets(inc.id)).toHaveLength(1);
  });

  it("a permanent failure lands in the failed set; replay delivers it", async () => {
    const { web } = setup();
    hook.failNext(1, 404);
    const inc = await fileIncident(web, "conv-404", "safety");
    await waitFor(async () => (await web.queue.failed()).length === 1, "the failed job");
    const [failed] = await web.queue.failed();
    expect(failed).toMatchObject({ id: `${inc.id}.r1`, queue: "oncall-safety", error: expect.stringContaining("404") });
    expect(tickets(inc.id)).toHaveLength(0);
    expect(await web.queue.replay("INC-2026-9999.r1")).toBe(false);
    expect(await web.queue.replay(failed!.id)).toBe(true);
    await waitFor(() => tickets(inc.id).length === 1, "the replayed ticket");
    expect(await web.queue.failed()).toEqual([]);
  });

  it("no acknowledgement in time escalates to level 2; an acknowledgement in time does not", async () => {
    const { web } = setup(0.03); // 1.8 s to acknowledge
    const late = await fileIncident(web, "conv-late", "safety");
    const acked = await fileIncident(web, "conv-acked", "security");
    await waitFor(() => tickets(acked.id).length === 1, "the second ticket");
    const r = await web.actions.act(acked.id, { kind: "acknowledge" }, { platform: "console", userId: "alan" });
    expect(r).toMatchObject({ ok: true, changed: true });
    await waitFor(async () => (await web.incidents.get(late.id))!.status === "escalated", "the escalation");
    const escalated = await web.incidents.get(late.id);
    expect(escalated).toMatchObject({ level: 1 });
    await waitFor(() => hook.received.some((x) => x.body.incidentId === late.id && x.body.kind === "update"), "the escalation notice");
    // The acknowledged one's timer (due 1.8 s after filing) has run or been cancelled once no job due
    // by then is left: only then does "it did not escalate" mean anything.
    await waitForQueuesIdle(web, { dueBefore: new Date(Date.parse(acked.createdAt) + 0.03 * 60_000 + 1000) });
    expect((await web.incidents.get(acked.id))!.status).toBe("acknowledged");
    expect((await web.incidents.get(acked.id))!.timeline.some((e) => e.type === "escalated")).toBe(false);
    // Level 2 is the last: no further escalation of the late one.
    expect((await web.incidents.get(late.id))!.timeline.filter((e) => e.type === "escalated")).toHaveLength(1);
  });
});
