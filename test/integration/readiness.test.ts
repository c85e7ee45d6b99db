// Issue 15: liveness is not readiness. With the web process up and no ticket worker, /healthz says
// alive (200), /readyz says not ready (503, naming the worker check and, once a ticket has waited past
// the ceiling, the queue check), and the reporter is told the ticket is queued, not that anyone was
// notified. A worker starting (its heartbeat) makes /readyz 200 and delivers the waiting ticket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReply as slackReply } from "../../adapters/slack/blocks/reply.js";
import { renderReply as teamsReply } from "../../adapters/teams/cards/index.js";
import type { Reply } from "../../src/bot/reply.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { defaultNotifier, startWorker, type WorkerHandle } from "../../src/runtime.js";
import { serve, type Served } from "../../src/serve.js";
import { webhookRosterDoc, writeRoster } from "../support/durable.js";
import { walkThrough } from "../support/guarded.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { SAFETY_ANSWERS } from "../support/slack-stack.js";
import { startWebhook, waitFor, type FakeWebhook } from "../support/webhook.js";

let redis: RedisServer;
let hook: FakeWebhook;
let served: Served | undefined;
let worker: WorkerHandle | undefined;
let base = "";
let env: Record<string, string>;

beforeAll(async () => {
  redis = await startRedis();
  hook = await startWebhook();
  env = { REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix(), PORT: "0", WORKER_MODE: "separate", READY_MAX_QUEUED_MS: "1000", ONCALL_CONFIG: writeRoster(webhookRosterDoc(hook.url)) };
  served = await serve(loadConfig(env, "web"), silentLogger);
  base = `http://127.0.0.1:${served.web.port}`;
});
afterAll(async () => {
  // Each one is stopped even when an earlier one fails to.
  await Promise.allSettled([worker?.stop(), served?.stop()]);
  await Promise.allSettled([hook.close(), redis.stop()]);
});

const ready = async () => {
  const r = await fetch(`${base}/readyz`);
  return { status: r.status, body: (await r.json()) as { ready: boolean; failed: string[]; checks: Record<string, { ok: boolean; detail: string }> } };
};

describe("liveness and readiness with no worker, then one", () => {
  it("alive but not ready: /healthz 200, /readyz 503 naming the missing worker heartbeat", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body.failed).toEqual(["worker"]);
    expect(r.body.checks.redis!.ok).toBe(true);
    expect(r.body.checks.worker!.detail).toContain("no ticket worker heartbeat");
  });

  it("the reporter is told the ticket is queued, and it waits past the ceiling: the queue check fails too", async () => {
    const replies = await walkThrough(served!.app.bot, { platform: "slack", userId: "U0QUEUED", name: "quinn" }, "slack:T1:U0QUEUED", SAFETY_ANSWERS);
    const result = replies.find((r): r is Extract<Reply, { kind: "triage-result" }> => r.kind === "triage-result");
    expect(result?.queued).toBe(true);
    const id = result!.incident.id;
    const told = `Filed ${id}; the on-call will be notified as soon as a ticket worker is running.`;
    expect(JSON.stringify(slackReply(result!))).toContain(told);
    expect(JSON.stringify(teamsReply(result!))).toContain(told);
    expect(JSON.stringify(slackReply(result!))).not.toContain("has been notified");

    await waitFor(async () => (await ready()).body.failed.includes("queue"), "the waiting ticket to pass READY_MAX_QUEUED_MS", 10_000);
    expect((await ready()).body.checks.queue!.detail).toContain("over READY_MAX_QUEUED_MS");
    expect(hook.received).toHaveLength(0);
  });

  it("a worker's heartbeat makes /readyz 200 and the waiting ticket is delivered", async () => {
    worker = await startWorker(loadConfig(env, "worker"), silentLogger, defaultNotifier([], silentLogger));
    await waitFor(() => hook.received.length > 0, "the queued ticket to be delivered");
    await waitFor(async () => (await ready()).status === 200, "/readyz to become ready", 10_000);
    expect((await ready()).body).toMatchObject({ ready: true, failed: [], checks: { worker: { ok: true }, queue: { ok: true } } });
  });

  it("with a worker running, the reporter is told the on-call was notified", async () => {
    const replies = await walkThrough(served!.app.bot, { platform: "slack", userId: "U0NOTIFIED", name: "nia" }, "slack:T1:U0NOTIFIED", { ...SAFETY_ANSWERS, description: "The translation model drops negations in medical leaflets since Tuesday" });
    const result = replies.find((r): r is Extract<Reply, { kind: "triage-result" }> => r.kind === "triage-result");
    expect(result?.queued).toBeUndefined();
    expect(JSON.stringify(slackReply(result!))).toContain("on-call has been notified");
  });
});
