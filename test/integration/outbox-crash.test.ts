// Nothing lost between storing a ticket change and queuing its follow-up jobs (src/tickets/follow-ups.ts):
// `triage web` processes killed -9 at the worst moment, after the change and its outbox entry are
// stored and before any job is queued. The hook is narrow and test-only: TEST_CRASH_AFTER_ACTION_STORE=1
// with NODE_ENV=test (src/tickets/crash-hook.ts), given only to the web process that is to die. No
// worker runs while it dies, so what the dead process left (the entry, and no job) is read back as it
// is; then a worker starts and its outbox sweep queues the follow-ups, which reach Slack exactly once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { decodeFollowUps } from "../../src/tickets/follow-ups.js";
import { spawnWorker, startWeb, type WebProc, type WorkerProc } from "../support/app-procs.js";
import { redisApp } from "../support/durable.js";
import { FakeSlack } from "../support/fake-slack.js";
import { waitForQueuesIdle } from "../support/queues.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { testRoster } from "../support/roster.js";
import { jobState } from "../support/slack-cluster.js";
import { SECRET, TOKEN, button, buttonsOf, slackEnv, slackRosterFile, textOf, walk } from "../support/slack-stack.js";
import { SlackRequests, type User } from "../support/slack-sign.js";
import { waitFor } from "../support/webhook.js";

const RITA: User = { id: "U0RITA", name: "rita" };
const ADA: User = { id: "U0ADA", name: "ada" }; // safety level 1
const MAYA: User = { id: "U0MAYA", name: "maya" }; // manager: may subscribe
const CRASH = { NODE_ENV: "test", TEST_CRASH_AFTER_ACTION_STORE: "1" };
// The successor's sweep: every 200 ms, anything older than 100 ms (the dead process is long gone).
const SWEEP = { SWEEP_EVERY_MS: "200", SWEEP_GRACE_MS: "100" };

let redis: RedisServer;
let fake: FakeSlack;
const rosterFile = slackRosterFile();

beforeAll(async () => {
  redis = await startRedis();
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
});
// Each test files INC-2026-0001 under its own prefix: the fake Slack starts empty for each.
afterEach(() => fake.reset());
afterAll(async () => {
  await fake?.stop();
  await redis?.stop();
});

interface Stack {
  env: Record<string, string>;
  store: App;
  procs: Array<{ stop(): Promise<void> }>;
  /** a web process that stays up, and its request signer. */
  req: SlackRequests;
  /** the ticket card of a report Rita filed, and its id. */
  id: string;
  card: { channel: string; ts: string };
}

const signer = (web: WebProc) => new SlackRequests(`${web.url}/slack/events`, SECRET, (id) => fake.responseUrl(id));

/** A filed, delivered incident; the worker that did it is stopped (gracefully) before returning. */
async function filedTicket(procs: Stack["procs"]): Promise<Stack> {
  const prefix = uniquePrefix();
  const env = slackEnv(redis.url, prefix, fake.apiUrl, rosterFile);
  const store = redisApp(redis.url, prefix, testRoster());
  const web = await startWeb(env);
  procs.push(web.proc);
  const worker = spawnWorker(env);
  procs.push(worker);
  await worker.ready();
  const req = signer(web);
  const seen = new Set((await store.incidents.list({ from: new Date(0), to: new Date(8e15) })).map((i) => i.id));
  await walk(fake, req, RITA);
  const fresh = async () => (await store.incidents.list({ from: new Date(0), to: new Date(8e15) })).find((i) => !seen.has(i.id))?.id;
  await waitFor(async () => (await fresh()) !== undefined, "the incident filed");
  const id = (await fresh())!;
  const cardOf = () => fake.channel("C0SAFETY").find((m) => textOf(m).includes(id) && buttonsOf(m).length > 0);
  await waitFor(() => cardOf() !== undefined, "the ticket card");
  const card = cardOf()!;
  await waitForQueuesIdle(store, { what: "the delivery to finish" });
  await worker.stop();
  return { env, store, procs, req, id, card: { channel: card.channel, ts: card.ts } };
}

/** A web process that dies right after its next ticket action is stored; its signer, and its end. */
async function doomedWeb(s: Stack): Promise<{ req: SlackRequests; exited: Promise<void> }> {
  const web = await startWeb({ ...s.env, ...CRASH });
  s.procs.push(web.proc);
  return { req: signer(web), exited: web.proc.exited };
}

/** The successor: a worker whose sweep replays at once. */
function successor(s: Stack): WorkerProc {
  const w = spawnWorker({ ...s.env, ...SWEEP });
  s.procs.push(w);
  return w;
}

const cardNow = (s: Stack) => fake.messages.get(`${s.card.channel}/${s.card.ts}`)!;

describe("a web process killed between storing a change and queuing its follow-ups", () => {
  it("acknowledge: the record and its outbox entry are stored, no job queued; the successor's sweep updates the card once", async () => {
    const procs: Stack["procs"] = [];
    let store: App | undefined;
    try {
      const s = await filedTicket(procs);
      store = s.store;
      const doomed = await doomedWeb(s);
      const card = cardNow(s);
      // The process dies while Slack waits for its answer: the request errors or answers before dying.
      await doomed.req.click(ADA, card, button(card, "ticket_acknowledge")).catch(() => undefined);
      await doomed.exited;

      const stored = (await s.store.incidents.get(s.id))!;
      expect(stored).toMatchObject({ status: "acknowledged", assignee: "ada" });
      const entries = await s.store.incidents.outboxDue(new Date(8e15));
      expect(entries.map((e) => ({ id: e.id, rev: e.rev }))).toEqual([{ id: s.id, rev: stored.rev }]);
      const followUps = decodeFollowUps(entries[0]!.payload).filter((f) => f.job.name !== "outside");
      expect(followUps).toEqual([{ domain: "safety", job: expect.objectContaining({ name: "update", incidentId: s.id, rev: stored.rev }) }]);
      // Lost, but for the outbox: no job was queued, and the card still offers Acknowledge.
      expect(await jobState(s.store, `${s.id}.u${stored.rev}`)).toBeUndefined();
      expect(buttonsOf(cardNow(s)).map((b: any) => b.action_id)).toContain("ticket_acknowledge");
      const edits = cardNow(s).edits;

      const worker = successor(s);
      await waitFor(() => !buttonsOf(cardNow(s)).some((b: any) => b.action_id === "ticket_acknowledge"), "the card to show the acknowledgement");
      await waitFor(async () => (await s.store.incidents.outboxDue(new Date(8e15))).length === 0, "the outbox entry to be cleared");
      await waitForQueuesIdle(s.store, { what: "the replayed update to finish" });
      expect(cardNow(s).edits).toBe(edits + 1);
      expect(fake.thread(s.card.channel, s.card.ts).filter((m) => (m.text ?? "").includes("acknowledged"))).toHaveLength(1);
      const told = (await s.store.incidents.get(s.id))!.timeline.filter((e) => e.type === "delivered" && e.to.startsWith(`u${stored.rev}:`));
      expect(told.length).toBeGreaterThan(0);
      expect(new Set(told.map((e) => e.type === "delivered" && e.to)).size).toBe(told.length);
      expect(worker.output()).toContain("outbox sweep: queued the follow-ups of stored changes again");
    } finally {
      for (const p of procs) await p.stop().catch(() => undefined);
      await store?.close();
    }
  }, 240_000);

  it("status update: stored with its entry, no job; the successor's sweep tells the subscriber once and the thread once", async () => {
    const procs: Stack["procs"] = [];
    let store: App | undefined;
    try {
      const s = await filedTicket(procs);
      store = s.store;
      // Subscribing queues nothing, so it goes through the web process that stays up.
      expect((await s.req.command(MAYA, `subscribe ${s.id}`)).status).toBe(200);
      await waitFor(async () => ((await s.store.incidents.get(s.id))!.subscribers ?? []).length === 1, "Maya subscribed");
      const doomed = await doomedWeb(s);
      await doomed.req.command(ADA, `update ${s.id} Rolled back the prompt template`).catch(() => undefined);
      await doomed.exited;

      const stored = (await s.store.incidents.get(s.id))!;
      expect(stored.latestStatus?.text).toBe("Rolled back the prompt template");
      const entries = await s.store.incidents.outboxDue(new Date(8e15));
      expect(entries.map((e) => ({ id: e.id, rev: e.rev }))).toEqual([{ id: s.id, rev: stored.rev }]);
      expect(decodeFollowUps(entries[0]!.payload).map((f) => f.job.name)).toEqual(["status"]);
      expect(await jobState(s.store, `${s.id}.st${stored.rev}`)).toBeUndefined();
      const dms = () => fake.dmOf(MAYA.id).filter((m) => (m.text ?? "").includes("Rolled back the prompt template"));
      expect(dms()).toHaveLength(0);

      successor(s);
      await waitFor(() => dms().length === 1, "the subscriber's DM");
      await waitFor(async () => (await s.store.incidents.outboxDue(new Date(8e15))).length === 0, "the outbox entry to be cleared");
      await waitForQueuesIdle(s.store, { what: "the replayed status job to finish" });
      expect(dms()).toHaveLength(1);
      expect(fake.thread(s.card.channel, s.card.ts).filter((m) => (m.text ?? "").includes("Status update by"))).toHaveLength(1);
      expect(textOf(cardNow(s))).toContain("Rolled back the prompt template");
    } finally {
      for (const p of procs) await p.stop().catch(() => undefined);
      await store?.close();
    }
  }, 240_000);
});
