// Issue 13 for Teams: the web process (as the Procfile runs it) authenticates, deduplicates and enqueues
// a personal-chat step and answers 200 at once; workers run the step and answer through the connector,
// proactively, in order per conversation. The fake connector is strict here: it takes posts and edits
// only in conversations the bot is part of (the domain channels, the reporter's personal chat, chats it
// opened). The embedded in-process stack, each message answered before the next, is the oracle.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsAdapter, createTeamsNotifier } from "../../adapters/teams/index.js";
import { createEmbeddedApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { startWeb as startInProcessWeb } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { adapterPort } from "../../src/port.js";
import { TurnOrder } from "../../src/turns/order.js";
import { spawnWorker, startWeb, type WorkerProc } from "../support/app-procs.js";
import { redisApp, rosterFrom, writeRoster } from "../support/durable.js";
import { channelOf, startFakeConnector, type ConnectorCall, type FakeConnector } from "../support/fake-connector.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { TENANT_ID, message, personalChat, submit, user, type TeamsUser, type Where } from "../support/teams-activity.js";
import { ANSWERS, cardOf, submits, textOf, updatesOf } from "../support/teams-env.js";
import { waitForAllSteps, waitForSteps } from "../support/turns.js";
import { waitFor } from "../support/webhook.js";

const SAFETY = "19:safety@thread.tacv2";
const SECURITY = "19:security@thread.tacv2";
const ORACLE = user("oracle", "Oracle");
const RITA = user("rita", "Rita");
const OTTO = user("otto", "Otto");
const keyOf = (u: TeamsUser) => `teams:${TENANT_ID}:${u.aadObjectId}`;
/** One walk-through typed in the personal chat: the description, keep the suggestions, then each question. */
const TYPED = ["incident The support chatbot told a customer to double their medication dose", "y", "none", "harmful-output", "none", "no", "none", "no", "one-user"];

let redis: RedisServer;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

function rosterDoc(serviceUrl: string) {
  const rotation = (every: string, timeZone: string) => ({ every, startDate: "2026-01-05", handoff: "09:00", timeZone });
  const minutes = { SEV1: 5, SEV2: 15, SEV3: 60, SEV4: 240 };
  const teams = (conversationId: string) => ({ teams: { conversationId, serviceUrl, tenantId: TENANT_ID } });
  return {
    people: ["ada", "grace", "alan", "hedy", "radia", "maya"].map((id) => ({ id, name: id[0]!.toUpperCase() + id.slice(1), teams: `aad-${id}` })),
    managers: ["maya"],
    incidentManagers: ["radia"],
    domains: {
      safety: { destinations: teams(SAFETY), rotation: rotation("weekly", "UTC"), levels: [["ada", "grace"], ["radia"]], escalationMinutes: minutes },
      security: { destinations: teams(SECURITY), rotation: rotation("daily", "UTC"), levels: [["alan", "hedy"], ["radia"]], escalationMinutes: minutes },
    },
  };
}

/** A strict connector that knows the channels and these people's personal chats. */
async function connector(...people: TeamsUser[]): Promise<FakeConnector> {
  const fake = await startFakeConnector({ conversations: [SAFETY, SECURITY, ...people.map((u) => personalChat("", u).conversationId)] });
  return fake;
}

/** What the person read in their chat, in order: each message and each edit; incident and walk-through ids masked. */
function seen(fake: FakeConnector, where: Where): string[] {
  return fake.calls
    .filter((c) => c.kind !== "create" && channelOf(c.conversationId) === where.conversationId)
    .map((c) => `${c.kind === "update" ? "edit: " : ""}${textOf(cardOf(c)) || c.body.text}`.replace(/INC-\d{4}-\d+/g, "INC-…").replace(/"conversationId":"[^"]+"/g, '"conversationId":"…"'));
}

const postTo = (url: string) => async (activity: object) => {
  const r = await fetch(`${url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
  await r.arrayBuffer();
  return r.status;
};

/** The oracle: the same messages through the embedded stack, each answered (in the turn) before the next. */
async function sequentially(): Promise<string[]> {
  const fake = await connector(ORACLE);
  const rosterFile = writeRoster(rosterDoc(fake.url));
  const app = createEmbeddedApp(loadConfig({ ONCALL_CONFIG: rosterFile }), { notifier: createTeamsNotifier({ roster: rosterFrom(rosterDoc(fake.url)) }), log: silentLogger });
  const web = await startInProcessWeb(app, 0, silentLogger, [createTeamsAdapter(adapterPort(app), {}).route]);
  try {
    const where = personalChat(fake.url, ORACLE);
    for (const text of TYPED) expect(await postTo(`http://127.0.0.1:${web.port}`)(message(where, ORACLE, text))).toBe(200);
    expect(fake.denied).toEqual([]);
    return seen(fake, where);
  } finally {
    await web.stop();
    await app.close();
    await fake.close();
  }
}

/** Deployment environment for web and worker processes: Redis, the roster, Teams without an app id. */
const teamsEnv = (prefix: string, rosterFile: string) => ({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix, ONCALL_CONFIG: rosterFile, TEAMS_ALLOW_UNAUTHENTICATED: "true", PORT: "0" });

/**
 * Presses the walk-through's cards in `where` the way Teams sends an Action.Submit, waiting after each
 * press until the queued step is done; stops once filed, or when `stop()` says so (a held call).
 */
async function walkQueued(fake: FakeConnector, post: (a: object) => Promise<number>, where: Where, who: TeamsUser, answers: Record<string, string | string[]>, prefix: string, stop = () => false): Promise<void> {
  const last = () => fake.calls.filter((c) => (c.kind === "send" || c.kind === "reply") && channelOf(c.conversationId) === where.conversationId && cardOf(c)).at(-1)!;
  const press = async (posted: ConnectorCall, pick: (b: { data: Record<string, unknown> }) => boolean, inputs: Record<string, string> = {}) => {
    const button = submits(cardOf(posted)!).find(pick);
    if (!button) throw new Error(`no such button on ${textOf(cardOf(posted)).slice(0, 300)}`);
    expect(await post(submit(where, who, { ...button.data, ...inputs }, posted.id))).toBe(200);
    await waitFor(async () => stop() || (await allDone(prefix, who)), "the step to be answered");
  };
  for (let step = 0; step < 20; step++) {
    if (stop()) return;
    const posted = last();
    const card = cardOf(posted)!;
    if (/Filed INC-/.test(textOf(card))) return;
    const buttons = submits(card);
    const change = buttons.find((b) => b.data.action === "suggestion" && b.data.decision === "change");
    const answer = buttons.find((b) => b.data.action === "answer");
    if (change) await press(posted, (b) => b.data.action === "suggestion" && b.data.questionId === change.data.questionId && b.data.decision === "change");
    else if (buttons.some((b) => b.data.action === "confirm")) await press(posted, (b) => b.data.action === "confirm");
    else if (!answer) throw new Error(`unexpected card ${textOf(card).slice(0, 300)}`);
    else {
      const value = answers[answer.data.questionId as string];
      if (value === undefined) throw new Error(`no answer for ${String(answer.data.questionId)}`);
      if (typeof value === "string" && answer.data.value !== undefined) await press(posted, (b) => b.data.value === value);
      else if (Array.isArray(value)) await press(posted, (b) => b.data.action === "answer", { choices: value.length ? value.join(",") : "@none" });
      else await press(posted, (b) => b.data.action === "answer", { text: value });
    }
    if (stop()) return;
    // The card just answered shows the answer and has no buttons left.
    const edited = updatesOf(fake, posted.id).at(-1);
    expect(edited && submits(cardOf(edited)!)).toEqual([]);
  }
  throw new Error("the walk-through did not finish");
}

/** Every step enqueued for this person is done (answered, or failed and told). */
async function allDone(prefix: string, who: TeamsUser): Promise<boolean> {
  const order = new TurnOrder(client, prefix);
  const [n, done] = await Promise.all([order.enqueued(keyOf(who)), order.done(keyOf(who))]);
  return n > 0 && done >= n;
}

/** The person's walk-through as stored (to show that a refused press changed nothing). */
async function redisConversation(prefix: string, who: TeamsUser) {
  const store = redisApp(redis.url, prefix, rosterFrom(rosterDoc("http://127.0.0.1:1")));
  try {
    return await store.conversations.get(keyOf(who));
  } finally {
    await store.close();
  }
}

const filedIn = (fake: FakeConnector, where: Where, id: string) => fake.calls.filter((c) => c.kind === "send" && channelOf(c.conversationId) === where.conversationId && textOf(cardOf(c)).includes(`Filed ${id}`));

describe("Teams conversation steps run by workers", () => {
  it("nine quick typed messages across two workers are answered in the order sent, as if one at a time", async () => {
    const fake = await connector(RITA);
    const prefix = uniquePrefix();
    const env = teamsEnv(prefix, writeRoster(rosterDoc(fake.url)));
    // The oracle runs in this process while the web process starts: neither touches the other's state.
    const [expected, web] = await Promise.all([sequentially(), startWeb(env)]);
    expect(expected.some((t) => t.includes("Filed INC-"))).toBe(true);
    const workers: WorkerProc[] = [];
    try {
      const where = personalChat(fake.url, RITA);
      const post = postTo(web.url);
      // All nine are answered 200 and queued before any worker runs: nothing was said in the turn.
      for (const text of TYPED) expect(await post(message(where, RITA, text))).toBe(200);
      expect(fake.calls).toEqual([]);

      workers.push(spawnWorker({ ...env, WORKER_CONCURRENCY: "1" }), spawnWorker({ ...env, WORKER_CONCURRENCY: "1" }));
      await Promise.all(workers.map((w) => w.ready()));
      await waitForSteps(redis.url, prefix, keyOf(RITA), TYPED.length);

      expect(seen(fake, where)).toEqual(expected);
      // Sent proactively (the worker has no turn to reply in), only where the bot is a member.
      expect(fake.calls.filter((c) => channelOf(c.conversationId) === where.conversationId).every((c) => c.kind === "send")).toBe(true);
      const store = redisApp(redis.url, prefix, rosterFrom(rosterDoc(fake.url)));
      try {
        const [incident] = await store.incidents.list({ from: new Date(0), to: new Date(8e15) });
        expect(incident?.answers).toMatchObject({ intent: "none", failureKind: "harmful-output", ciaLost: [], exploitable: "no", ongoing: "no", scope: "one-user" });
        // The ticket went out too, to the channel the roster names (the worker's notifier).
        await waitFor(() => fake.calls.some((c) => c.kind === "send" && c.conversationId === SAFETY && textOf(cardOf(c)).includes(incident!.id)), "the ticket in the safety channel");
      } finally {
        await store.close();
      }
      expect(fake.denied).toEqual([]);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await web.proc.stop();
      await fake.close();
    }
  }, 180_000);

  it("a walk-through of card presses ends in a filed incident; a repeated press and a stale card change nothing", async () => {
    const fake = await connector(OTTO);
    const prefix = uniquePrefix();
    const env = teamsEnv(prefix, writeRoster(rosterDoc(fake.url)));
    // Started side by side: the worker waits on the queue, not on the web process.
    const worker = spawnWorker(env);
    const web = await startWeb(env);
    try {
      await worker.ready();
      const where = personalChat(fake.url, OTTO);
      const post = postTo(web.url);
      expect(await post(message(where, OTTO, "incident the assistant keeps inventing refund rules for customers"))).toBe(200);
      await waitForAllSteps(redis.url, prefix, keyOf(OTTO));
      const isStep = (b: { data: Record<string, unknown> }) => ["suggestion", "confirm", "answer"].includes(String(b.data.action));
      const first = fake.calls.find((c) => c.kind === "send" && channelOf(c.conversationId) === where.conversationId && cardOf(c) && submits(cardOf(c)!).some(isStep))!;
      await walkQueued(fake, post, where, OTTO, ANSWERS.safety, prefix);
      const filed = fake.calls.filter((c) => c.kind === "send" && channelOf(c.conversationId) === where.conversationId).map((c) => /Filed (INC-\d{4}-\d+)/.exec(textOf(cardOf(c)))?.[1]).find(Boolean);
      expect(filed).toBeDefined();
      const store = redisApp(redis.url, prefix, rosterFrom(rosterDoc(fake.url)));
      try {
        expect((await store.incidents.get(filed!))?.routing.domain).toBe("safety");
      } finally {
        await store.close();
      }
      // The first card pressed again (same button, a new activity): the worker judges it after the
      // filing and answers with the incident; nothing is filed twice and the card is not edited again.
      const edits = updatesOf(fake, first.id).length;
      const again = submits(cardOf(first)!).find(isStep)!;
      expect(await post(submit(where, OTTO, again.data, first.id))).toBe(200);
      await waitForAllSteps(redis.url, prefix, keyOf(OTTO));
      expect(updatesOf(fake, first.id)).toHaveLength(edits);
      expect(filedIn(fake, where, filed!)).toHaveLength(1);
      const lastSaid = () => textOf(cardOf(fake.calls.filter((c) => c.kind === "send" && channelOf(c.conversationId) === where.conversationId).at(-1)!));
      expect(lastSaid()).toContain(`Already filed ${filed}`);
      // Once a new report is under way, the old card belongs to an ended triage: a note, nothing else.
      expect(await post(message(where, OTTO, "incident the translation model swapped two patients' names"))).toBe(200);
      await waitForAllSteps(redis.url, prefix, keyOf(OTTO));
      const conv = (await redisConversation(prefix, OTTO))!;
      expect(await post(submit(where, OTTO, again.data, first.id))).toBe(200);
      await waitForAllSteps(redis.url, prefix, keyOf(OTTO));
      expect(lastSaid()).toContain("That card belongs to a triage that has ended or been replaced");
      expect(await redisConversation(prefix, OTTO)).toEqual(conv);
      expect(updatesOf(fake, first.id)).toHaveLength(edits);
      expect(fake.denied).toEqual([]);
    } finally {
      await worker.stop();
      await web.proc.stop();
      await fake.close();
    }
  }, 180_000);

  it("a worker killed after the filing and before the reply: its successor answers exactly once", async () => {
    const fake = await connector(RITA);
    const prefix = uniquePrefix();
    const env = teamsEnv(prefix, writeRoster(rosterDoc(fake.url)));
    // Started side by side: the worker waits on the queue, not on the web process.
    const procs: WorkerProc[] = [spawnWorker(env)];
    const web = await startWeb(env);
    try {
      await procs[0]!.ready();
      const where = personalChat(fake.url, RITA);
      const post = postTo(web.url);
      // The "Filed" message is never answered: the worker is stuck after the bot filed and the pressed
      // card was edited, before the reporter heard of it.
      fake.hold((c) => c.kind === "send" && JSON.stringify(c.body).includes("Filed INC-"));
      expect(await post(message(where, RITA, "incident the assistant keeps inventing refund rules for customers"))).toBe(200);
      await waitForAllSteps(redis.url, prefix, keyOf(RITA));
      await walkQueued(fake, post, where, RITA, ANSWERS.safety, prefix, () => fake.held() === 1);
      await waitFor(() => fake.held() === 1, "the worker to be stuck on the reply after filing");
      const store = redisApp(redis.url, prefix, rosterFrom(rosterDoc(fake.url)));
      try {
        const id = (await store.conversations.get(keyOf(RITA)))?.incidentId;
        expect(id).toMatch(/^INC-/);
        await procs[0]!.kill9();
        expect(filedIn(fake, where, id!)).toHaveLength(0);

        procs.push(spawnWorker(env));
        await waitForAllSteps(redis.url, prefix, keyOf(RITA));
        expect(filedIn(fake, where, id!)).toHaveLength(1);
        // The pressed card was edited once, by the first worker; the successor sent only what was left.
        const pressed = fake.calls.filter((c) => c.kind === "update");
        expect(new Set(pressed.map((c) => c.activityId)).size).toBe(pressed.length);
        expect(await store.incidents.list({ from: new Date(0), to: new Date(8e15) })).toHaveLength(1);
      } finally {
        await store.close();
      }
      expect(fake.denied).toEqual([]);
    } finally {
      for (const w of procs) await w.stop();
      await web.proc.stop();
      await fake.close();
    }
  }, 240_000);

  it("the one window left: Teams stored the reply and the worker died before recording it; the successor sends it once more, never more", async () => {
    const fake = await connector(OTTO);
    const prefix = uniquePrefix();
    const env = teamsEnv(prefix, writeRoster(rosterDoc(fake.url)));
    // Started side by side: the worker waits on the queue, not on the web process.
    const procs: WorkerProc[] = [spawnWorker(env)];
    const web = await startWeb(env);
    try {
      await procs[0]!.ready();
      const where = personalChat(fake.url, OTTO);
      const post = postTo(web.url);
      fake.hold((c) => c.kind === "send" && JSON.stringify(c.body).includes("Filed INC-"), true);
      expect(await post(message(where, OTTO, "incident the assistant keeps inventing refund rules for customers"))).toBe(200);
      await waitForAllSteps(redis.url, prefix, keyOf(OTTO));
      await walkQueued(fake, post, where, OTTO, ANSWERS.safety, prefix, () => fake.held() === 1);
      await waitFor(() => fake.held() === 1, "Teams to store the reply and lose its answer");
      const reply = fake.calls.find((c) => c.kind === "send" && channelOf(c.conversationId) === where.conversationId && /Filed INC-/.test(textOf(cardOf(c))))!;
      const id = /Filed (INC-\d{4}-\d+)/.exec(textOf(cardOf(reply)))![1]!;
      expect(filedIn(fake, where, id)).toHaveLength(1);
      await procs[0]!.kill9();

      const successor = spawnWorker(env);
      procs.push(successor);
      await waitForAllSteps(redis.url, prefix, keyOf(OTTO));
      // Teams cannot be asked whether a message was stored: at least once, and at most one repeat.
      expect(filedIn(fake, where, id)).toHaveLength(2);
      expect(successor.output()).toMatch(/may have sent is sent again/);
      expect(fake.denied).toEqual([]);
    } finally {
      for (const w of procs) await w.stop();
      await web.proc.stop();
      await fake.close();
    }
  }, 240_000);
});
