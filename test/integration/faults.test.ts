// Fault tests with real processes: worker processes started like the Procfile's, a redis-server that
// is killed with -9 and restarted on its append-only file. Each asserts that every incident is stored
// once and every ticket delivered once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { spawnWorker, type WorkerProc } from "../support/app-procs.js";
import { fileIncident, redisApp, rosterFrom, webhookRosterDoc, writeRoster } from "../support/durable.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { waitForQueuesIdle } from "../support/queues.js";
import { changeFirst } from "../support/suggestions.js";
import { startWebhook, waitFor, type FakeWebhook } from "../support/webhook.js";

let redis: RedisServer;
let hook: FakeWebhook;
let rosterFile: string;
let workers: WorkerProc[] = [];
let apps: App[] = [];

beforeAll(async () => {
  redis = await startRedis();
  hook = await startWebhook();
  rosterFile = writeRoster(webhookRosterDoc(hook.url));
});
afterAll(async () => {
  await hook.close();
  await redis.stop();
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await Promise.all(apps.map((a) => a.close()));
  workers = [];
  apps = [];
  hook.received.length = 0;
  hook.release();
  hook.hold(0);
});

/** How long a responder's client pauses before it retries a request that failed while Redis was down. */
const RETRY_PAUSE = () => new Promise((r) => setTimeout(r, 100));

function cluster(nWorkers: number) {
  const prefix = uniquePrefix();
  const app = redisApp(redis.url, prefix, rosterFrom(webhookRosterDoc(hook.url)));
  apps.push(app);
  // Many incidents of one kind, each expected as its own ticket: storm grouping (issue 13) is off here.
  const env = { REDIS_URL: redis.url, QUEUE_PREFIX: prefix, ONCALL_CONFIG: rosterFile, STORM_THRESHOLD: "0" };
  for (let i = 0; i < nWorkers; i++) workers.push(spawnWorker(env));
  return { app, env, prefix };
}

/** Every ticket key exactly once on the wire, and one per incident. */
function expectEachTicketOnce(ids: string[]) {
  const keys = hook.received.filter((r) => r.body.kind === "ticket").map((r) => r.key);
  expect(new Set(keys).size).toBe(keys.length);
  expect(new Set(hook.received.filter((r) => r.body.kind === "ticket").map((r) => r.body.incidentId))).toEqual(new Set(ids));
}

async function expectStoredOnce(app: App, n: number) {
  const all = await app.incidents.list({ from: new Date(0), to: new Date(Date.now() + 86_400_000) });
  expect(all).toHaveLength(n);
  expect(new Set(all.map((i) => i.conversationId)).size).toBe(n);
  for (const i of all) expect(i.timeline.filter((e) => e.type === "delivered" && e.to.includes(":ticket:"))).toHaveLength(1);
}

describe("faults", () => {
  it("two worker processes on the same queues deliver each ticket once", async () => {
    const { app } = cluster(2);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await fileIncident(app, `two-workers-${i}`, i % 2 ? "safety" : "security")).id);
    await waitFor(() => hook.received.filter((r) => r.body.kind === "ticket").length >= 60, "60 tickets", 90_000);
    await waitForQueuesIdle(app); // a duplicate could only come from a job still queued or running
    expectEachTicketOnce(ids);
    await expectStoredOnce(app, 60);
  });

  it("a worker killed mid-job: the stalled job is taken over by the other worker, delivered once", async () => {
    const { app, env } = cluster(1);
    hook.hold(1);
    const inc = await fileIncident(app, "killed-worker", "security");
    await waitFor(() => hook.held() === 1, "the first worker to be mid-delivery");
    workers[0]!.kill9();
    workers.push(spawnWorker(env));
    await waitFor(() => hook.received.some((r) => r.body.incidentId === inc.id && r.body.kind === "ticket"), "the takeover", 90_000);
    await waitForQueuesIdle(app);
    expectEachTicketOnce([inc.id]);
    await expectStoredOnce(app, 1);
  });

  // Needs a redis-server of its own to kill: skipped when the tests run against a given REDIS_URL.
  it.skipIf(!!process.env.REDIS_URL)("redis-server killed with -9 in the middle of a burst of 200 and restarted: nothing lost, nothing twice", async () => {
    const { app } = cluster(1);
    const ids = new Set<string>();
    let killed = false;
    for (let i = 0; i < 200; i++) {
      if (i === 80) {
        await redis.kill9();
        killed = true;
        setTimeout(() => void redis.restart(), 700); // the outage lasts 0.7 s while filing goes on
      }
      // A responder's client retries until the bot answers; filing is idempotent on the conversation.
      for (;;) {
        try {
          ids.add((await fileIncident(app, `burst-${i}`, i % 3 ? "security" : "safety")).id);
          break;
        } catch {
          await RETRY_PAUSE(); // a client's pause between retries, not a wait for an event
        }
      }
    }
    expect(killed).toBe(true);
    expect(ids.size).toBe(200);
    await waitFor(() => new Set(hook.received.filter((r) => r.body.kind === "ticket").map((r) => r.body.incidentId)).size >= 200, "200 tickets", 90_000);
    await waitForQueuesIdle(app);
    expectEachTicketOnce([...ids]);
    await expectStoredOnce(app, 200);
  });

  it("two web processes answering the same conversation: one answer wins, one incident", async () => {
    const { app, prefix } = cluster(1);
    // A second "web process": its own Redis connections, the same deployment prefix.
    const other = redisApp(redis.url, prefix, app.defs.roster);
    apps.push(other);
    const botB = other.bot;
    const user = { platform: "slack" as const, userId: "U0RACE" };
    const key = "slack:T1:U0RACE";
    const start = await app.bot.handle({ key, user, input: { kind: "start" } });
    const q = start.find((r) => r.kind === "text-prompt");
    if (!q || q.kind !== "text-prompt") throw new Error("expected the description prompt");
    const [a, b] = await Promise.all([
      app.bot.handle({ key, user, input: { kind: "answer", questionId: "description", value: "first", rev: q.rev } }),
      botB.handle({ key, user, input: { kind: "answer", questionId: "description", value: "second", rev: q.rev } }),
    ]);
    const stale = [a, b].filter((r) => r[0]?.kind === "notice" && /already answered/.test((r[0] as { text: string }).text));
    expect(stale).toHaveLength(1);
    const conv = await app.conversations.get(key);
    expect(["first", "second"]).toContain(conv!.state.answers.description);
    expect(conv!.rev).toBe(q.rev + 1);

    // Walk on alternating between the two processes; race the final answer from both.
    const answers: Record<string, unknown> = { intent: "none", failureKind: "bias", asset: "outputs", ciaLost: [], exploitable: "no", harm: ["rights-or-fairness"], ongoing: "no", scope: "some-users", seriousEffects: [] };
    let replies = app.bot.ask(conv!);
    const bots = [app.bot, botB];
    for (let i = 0; ; i++) {
      const step = replies.findLast((r) => r.kind === "question" || r.kind === "confirm-inferred");
      if (!step) break;
      if (step.kind === "confirm-inferred") {
        replies = await bots[i % 2]!.handle({ key, user, input: changeFirst(step) });
        continue;
      }
      const input = { kind: "answer" as const, questionId: step.questionId, value: answers[step.questionId], rev: step.rev };
      if (step.questionId === "scope") {
        const both = await Promise.all(bots.map((bot) => bot.handle({ key, user, input })));
        // One files it; the other, judged after the incident exists, answers with that incident.
        expect(both.flat().filter((r) => r.kind === "triage-result" && !r.duplicate)).toHaveLength(1);
        break;
      }
      replies = await bots[i % 2]!.handle({ key, user, input });
    }
    const filed = await app.incidents.list({ from: new Date(0), to: new Date(Date.now() + 86_400_000) });
    expect(filed).toHaveLength(1);
    expect(filed[0]!.classification.primary).toBe("safety");
  });
});
