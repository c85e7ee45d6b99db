// Issue 12, item 6, and issue 13: processes killed with -9 after the incident is stored and before the
// reporter hears of it. Since issue 13 the web process only verifies, acks and enqueues; the step (the
// bot's filing) and the reply run in a worker. The hooks are honest and outside the product:
// - a pass-through in front of the fake Slack (test/support/slack-hold.ts) never answers the edit of
//   the clicked DM message, the first Slack call after filing: the worker is stuck there with the
//   conversation filed, and is killed with the web process;
// - the fake Slack stores the "Filed" DM and holds its answer (holdAfterStore): the worker is killed
//   after Slack showed the reply and before it could record that.
// A new worker takes the step over (stalled-job recovery) and the reporter gets the reply exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { spawnWorker, startWeb, type WebProc, type WorkerProc } from "../support/app-procs.js";
import { redisApp } from "../support/durable.js";
import { FakeSlack } from "../support/fake-slack.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { testRoster } from "../support/roster.js";
import { startSlackHold, type SlackHold } from "../support/slack-hold.js";
import { SECRET, TOKEN, keyOf, slackEnv, slackRosterFile, textOf, walk } from "../support/slack-stack.js";
import { SlackRequests, type User } from "../support/slack-sign.js";
import { waitForAllSteps } from "../support/turns.js";
import { waitFor } from "../support/webhook.js";

const RITA: User = { id: "U0RITA", name: "rita" };
const OTTO: User = { id: "U0OTTO", name: "otto" };

let redis: RedisServer;
let fake: FakeSlack;
let hold: SlackHold;
const rosterFile = slackRosterFile();

beforeAll(async () => {
  redis = await startRedis();
  // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
  hold = await startSlackHold(fake.url);
});
afterAll(async () => {
  await hold?.close();
  await fake?.stop();
  await redis?.stop();
});

/** `triage web` as the Procfile runs it; resolves with a request signer once it listens. */
async function startWebProcess(env: Record<string, string>): Promise<{ proc: WebProc["proc"]; req: SlackRequests }> {
  const web = await startWeb(env);
  return { proc: web.proc, req: new SlackRequests(`${web.url}/slack/events`, SECRET, (id) => fake.responseUrl(id)) };
}

/** Messages in the person's DM that tell them this incident was filed (not "Already filed"). */
const filedIn = (u: User, id: string) => fake.dmOf(u.id).filter((m) => m.text === `Filed ${id}`);

describe("processes killed between filing and answering", () => {
  it("worker and web killed before the reply: the step's successor posts it once; clicking again or /incident shows it; filed once", async () => {
    const prefix = uniquePrefix();
    const env = slackEnv(redis.url, prefix, fake.apiUrl, rosterFile);
    const store: App = redisApp(redis.url, prefix, testRoster());
    const procs: Array<{ stop(): Promise<void> }> = [];
    try {
      const first = await startWebProcess(env);
      const firstWorker: WorkerProc = spawnWorker({ ...env, SLACK_API_URL: hold.apiUrl });
      procs.push(first.proc, firstWorker);
      await firstWorker.ready();
      const last = (await walk(fake, first.req, RITA, undefined, "scope"))!;
      expect(last).toBeDefined();
      hold.hold("chat.update", `"ts":"${last.msg.ts}"`);
      hold.hold("chat.update", `ts=${last.msg.ts}`);
      expect((await first.req.click(RITA, last.msg, last.button)).status).toBe(200);
      await waitFor(() => hold.held() === 1, "the worker to be stuck on its first Slack call after filing");
      const conv = await store.conversations.get(keyOf(RITA));
      expect(conv?.incidentId).toMatch(/^INC-/);
      const id = conv!.incidentId!;
      await firstWorker.kill9();
      await first.proc.kill(); // the web process holds nothing of the step either
      hold.unhold();
      // The reporter never heard of it.
      expect(fake.dmOf(RITA.id).some((m) => textOf(m).includes(id))).toBe(false);

      const second = await startWebProcess(env);
      const secondWorker = spawnWorker(env);
      procs.push(second.proc, secondWorker);
      // The step is taken over once the dead worker's lock lapses: its reply, once, and the clicked
      // question marked answered.
      await waitForAllSteps(redis.url, prefix, keyOf(RITA));
      expect(filedIn(RITA, id)).toHaveLength(1);
      expect(fake.dmOf(RITA.id).find((m) => m.ts === last.msg.ts)?.edits).toBe(1);

      // Clicking the last question again: the incident, its id and where it stands, in the DM.
      expect((await second.req.click(RITA, last.msg, last.button)).status).toBe(200);
      await waitFor(() => fake.dmOf(RITA.id).some((m) => textOf(m).includes(`Already filed ${id}`)), "the incident shown after the click");
      expect(textOf(fake.dmOf(RITA.id).at(-1)!)).toContain(`${id}: open, with the safety on-call`);
      // Rerunning /incident names it before anything else.
      expect((await second.req.command(RITA, "")).status).toBe(200);
      await waitFor(() => fake.dmOf(RITA.id).some((m) => textOf(m).includes(`Your last report is filed as ${id}`)), "the last report named by /incident");
      await waitForAllSteps(redis.url, prefix, keyOf(RITA));
      expect(filedIn(RITA, id)).toHaveLength(1);
      expect(await store.incidents.list({ from: new Date(0), to: new Date(8e15) })).toHaveLength(1);
    } finally {
      for (const p of procs) await p.stop().catch(() => undefined);
      await store.close();
    }
  }, 240_000);

  it("a worker killed after Slack stored the reply and before its answer: the successor finds it and does not post it again", async () => {
    const prefix = uniquePrefix();
    const env = slackEnv(redis.url, prefix, fake.apiUrl, rosterFile);
    const store: App = redisApp(redis.url, prefix, testRoster());
    const procs: Array<{ stop(): Promise<void> }> = [];
    try {
      const web = await startWebProcess(env);
      const firstWorker = spawnWorker(env);
      procs.push(web.proc, firstWorker);
      await firstWorker.ready();
      const last = (await walk(fake, web.req, OTTO, undefined, "scope"))!;
      fake.holdAfterStore("chat.postMessage", 1, (a) => a.channel === `D${OTTO.id}` && String(a.text).startsWith("Filed INC-"));
      expect((await web.req.click(OTTO, last.msg, last.button)).status).toBe(200);
      await waitFor(() => fake.held === 1, "Slack to store the reply and hold its answer");
      const id = (await store.conversations.get(keyOf(OTTO)))!.incidentId!;
      expect(filedIn(OTTO, id)).toHaveLength(1);
      await firstWorker.kill9();
      fake.release();

      procs.push(spawnWorker(env));
      await waitForAllSteps(redis.url, prefix, keyOf(OTTO));
      expect(filedIn(OTTO, id)).toHaveLength(1);
      expect(fake.dmOf(OTTO.id).find((m) => m.ts === last.msg.ts)?.edits).toBe(1);
    } finally {
      for (const p of procs) await p.stop().catch(() => undefined);
      await store.close();
    }
  }, 240_000);
});
