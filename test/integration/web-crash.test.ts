// Issue 12, item 6: the web process killed with -9 after the incident is stored and before the
// reporter hears of it. The hook is honest and outside the product: the Slack API the web process
// talks to is a pass-through (test/support/slack-hold.ts) that never answers the edit of the clicked
// DM message, the first Slack call after filing. The test waits until the web process is stuck there
// and the store holds the incident and the filed conversation, kills it, starts a new web process,
// and the reporter clicks the old message again and reruns /incident.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { startWeb, type WebProc } from "../support/app-procs.js";
import { redisApp } from "../support/durable.js";
import { FakeSlack } from "../support/fake-slack.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { testRoster } from "../support/roster.js";
import { startSlackHold, type SlackHold } from "../support/slack-hold.js";
import { SECRET, TOKEN, keyOf, slackEnv, slackRosterFile, textOf, walk } from "../support/slack-stack.js";
import { SlackRequests, type User } from "../support/slack-sign.js";
import { waitFor } from "../support/webhook.js";

const RITA: User = { id: "U0RITA", name: "rita" };

let redis: RedisServer;
let fake: FakeSlack;
let hold: SlackHold;
let store: App;

beforeAll(async () => {
  redis = await startRedis();
  fake = await FakeSlack.start(TOKEN);
  hold = await startSlackHold(fake.url);
});
afterAll(async () => {
  await store?.close();
  await hold.close();
  await fake.stop();
  await redis.stop();
});

/** `triage web` as the Procfile runs it; resolves with a request signer once it listens. */
async function startWebProcess(env: Record<string, string>): Promise<{ proc: WebProc["proc"]; req: SlackRequests }> {
  const web = await startWeb(env);
  return { proc: web.proc, req: new SlackRequests(`${web.url}/slack/events`, SECRET, (id) => fake.responseUrl(id)) };
}

describe("a web process killed between filing and answering", () => {
  it("the reporter gets the incident back by clicking again or rerunning /incident, and nothing is filed twice", async () => {
    const prefix = uniquePrefix();
    const env = slackEnv(redis.url, prefix, hold.apiUrl, slackRosterFile());
    store = redisApp(redis.url, prefix, testRoster());

    const first = await startWebProcess(env);
    const last = (await walk(fake, first.req, RITA, undefined, "scope"))!;
    expect(last).toBeDefined();
    hold.hold("chat.update", `"ts":"${last.msg.ts}"`);
    hold.hold("chat.update", `ts=${last.msg.ts}`);
    expect((await first.req.click(RITA, last.msg, last.button)).status).toBe(200);
    await waitFor(() => hold.held() === 1, "the web process to be stuck on its first Slack call after filing");
    const conv = await store.conversations.get(keyOf(RITA));
    expect(conv?.incidentId).toMatch(/^INC-/);
    const id = conv!.incidentId!;
    await first.proc.kill(); // SIGKILL to its group; resolves once it is gone
    // The reporter never heard of it.
    expect(fake.dmOf(RITA.id).some((m) => textOf(m).includes(id))).toBe(false);

    const second = await startWebProcess(env);
    // Clicking the last question again: the incident, its id and where it stands, in the DM.
    expect((await second.req.click(RITA, last.msg, last.button)).status).toBe(200);
    await waitFor(() => fake.dmOf(RITA.id).some((m) => textOf(m).includes(`Already filed ${id}`)), "the incident shown after the click");
    expect(textOf(fake.dmOf(RITA.id).at(-1)!)).toContain(`${id}: open, with the safety on-call`);
    // Rerunning /incident names it before anything else.
    expect((await second.req.command(RITA, "")).status).toBe(200);
    await waitFor(() => fake.dmOf(RITA.id).some((m) => textOf(m).includes(`Your last report is filed as ${id}`)), "the last report named by /incident");
    expect(await store.incidents.list({ from: new Date(0), to: new Date(8e15) })).toHaveLength(1);
    await second.proc.stop();
  });
});
