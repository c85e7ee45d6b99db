// Issue 13: a conversation's steps stay in order across several workers. Nine typed messages of one
// walk-through reach the web process (as `web` runs from the Procfile: it only verifies, acks and
// enqueues) before any worker runs; then two worker processes start at once and take the steps
// concurrently. What the reporter sees in their DM must be exactly what the same messages give when
// each is answered before the next is sent (the embedded, in-process stack is the oracle), and the
// incident must carry the answers in the order they were typed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackAdapter, createSlackNotifier } from "../../adapters/slack/index.js";
import { createEmbeddedApp } from "../../src/app.js";
import { adapterPort } from "../../src/port.js";
import { loadConfig } from "../../src/config.js";
import { startWeb as startInProcessWeb } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { spawnWorker, startWeb, type WorkerProc } from "../support/app-procs.js";
import { redisApp } from "../support/durable.js";
import { FakeSlack, type FakeMessage } from "../support/fake-slack.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { SECRET, TOKEN, keyOf, slackEnv, slackRosterFile } from "../support/slack-stack.js";
import { SlackRequests, type User } from "../support/slack-sign.js";
import { scrape } from "../support/prom.js";
import { waitForSteps } from "../support/turns.js";
import { waitFor } from "../support/webhook.js";
import { testRoster } from "../support/roster.js";

const ORACLE: User = { id: "U0ORACLE", name: "oracle" };
const RITA: User = { id: "U0RITA", name: "rita" };
/** One walk-through typed in the DM: the description, keep the suggestions, then each question. */
const TYPED = ["The support chatbot told a customer to double their medication dose", "y", "none", "harmful-output", "none", "no", "none", "no", "one-user"];

let redis: RedisServer;
let fake: FakeSlack;
const rosterFile = slackRosterFile();

beforeAll(async () => {
  redis = await startRedis();
  // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
});
afterAll(async () => {
  await fake?.stop();
  await redis?.stop();
});

/** What the person read, in order; incident ids and timestamps differ between runs and are masked. */
const seen = (msgs: FakeMessage[]) => msgs.map((m) => `${m.text ?? ""} (${m.edits} edits)`.replace(/INC-\d{4}-\d+/g, "INC-…"));

/** The oracle: the same messages through the in-process stack, each answered before the next. */
async function sequentially(): Promise<string[]> {
  const notifier = createSlackNotifier({ botToken: TOKEN, apiUrl: fake.apiUrl });
  const app = createEmbeddedApp(loadConfig({ ONCALL_CONFIG: rosterFile }), { notifier, log: silentLogger });
  const slack = createSlackAdapter(adapterPort(app), { signingSecret: SECRET, botToken: TOKEN, apiUrl: fake.apiUrl, botUserId: "U0BOT", botId: "B0BOT" });
  const web = await startInProcessWeb(app, 0, silentLogger, [slack.route]);
  try {
    const req = new SlackRequests(`http://127.0.0.1:${web.port}/slack/events`, SECRET, (id) => fake.responseUrl(id));
    for (const [i, text] of TYPED.entries()) {
      expect((await req.directMessage(ORACLE, text, `Ev-oracle-${i}`)).status).toBe(200);
      await slack.idle();
    }
    return seen(fake.dmOf(ORACLE.id));
  } finally {
    await web.stop();
    await app.close();
  }
}

describe("a conversation's steps across two workers", () => {
  it("nine quick messages are answered in the order they were sent, as if one at a time", async () => {
    const expected = await sequentially();
    expect(expected.some((t) => t.includes("Filed INC-"))).toBe(true);

    const prefix = uniquePrefix();
    const env = slackEnv(redis.url, prefix, fake.apiUrl, rosterFile);
    const web = await startWeb({ ...env, READY_MAX_QUEUED_MS: "1000" });
    const workers: WorkerProc[] = [];
    try {
      const req = new SlackRequests(`${web.url}/slack/events`, SECRET, (id) => fake.responseUrl(id));
      // All nine are acknowledged and queued before any worker runs.
      for (const [i, text] of TYPED.entries()) expect((await req.directMessage(RITA, text, `Ev-rita-${i}`)).status).toBe(200);
      expect(fake.dmOf(RITA.id)).toHaveLength(0);
      // Waiting steps count like waiting tickets: in the queue gauges and, past the ceiling, in /readyz.
      // (The ack goes out before the enqueue: wait for the last one to land.)
      const waiting = async () => (await scrape(`${web.url}/metrics`)).value("triage_queue_jobs", { queue: "turns", state: "waiting" });
      await waitFor(async () => (await waiting()) >= TYPED.length, "the nine steps to be queued");
      expect(await waiting()).toBe(TYPED.length);
      await waitFor(async () => {
        const r = (await (await fetch(`${web.url}/readyz`)).json()) as { checks: { queue: { ok: boolean; detail: string } } };
        return !r.checks.queue.ok && /oldest waiting/.test(r.checks.queue.detail);
      }, "/readyz to fail its queue check while the steps wait for a worker");

      // Two workers take the queued steps at once (one step each at a time, so they must interleave).
      workers.push(spawnWorker({ ...env, WORKER_CONCURRENCY: "1" }), spawnWorker({ ...env, WORKER_CONCURRENCY: "1" }));
      await Promise.all(workers.map((w) => w.ready()));
      await waitForSteps(redis.url, prefix, keyOf(RITA), TYPED.length);

      expect(seen(fake.dmOf(RITA.id))).toEqual(expected);
      const store = redisApp(redis.url, prefix, testRoster());
      try {
        const [incident] = await store.incidents.list({ from: new Date(0), to: new Date(8e15) });
        expect(incident?.answers).toMatchObject({ intent: "none", failureKind: "harmful-output", ciaLost: [], exploitable: "no", ongoing: "no", scope: "one-user" });
      } finally {
        await store.close();
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await web.proc.stop();
    }
  }, 180_000);
});
