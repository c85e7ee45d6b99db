// Issue 12, item 7: redis-server killed with -9 for about 1.5 s in the middle of a burst of clicks.
// Every click must either take effect (the walk-through moves on in the DM) or be answered, privately
// and in the same place, that it was not saved; the person then clicks again, as told. Nobody is left
// with a 200 and silence, and every reporter ends up with exactly one incident.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Served } from "../../src/serve.js";
import { FakeSlack } from "../support/fake-slack.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { blockActionsPayload, type User } from "../support/slack-sign.js";
import { SAFETY_ANSWERS, TOKEN, nextClick, serveSlack, slackEnv, slackRosterFile, textOf } from "../support/slack-stack.js";
import { waitFor } from "../support/webhook.js";

const REPORTERS: User[] = Array.from({ length: 8 }, (_, i) => ({ id: `U0OUT${i}`, name: `out${i}` }));
/** How long a click may take to show its outcome, outage included. */
const OUTCOME_MS = 15_000;

let redis: RedisServer;
let fake: FakeSlack;
let served: Served | undefined;
beforeAll(async () => {
  redis = await startRedis();
  // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
});
afterAll(async () => {
  await served?.stop().catch(() => undefined);
  await fake.stop();
  await redis.stop();
});

type Outcome = "moved" | "not-saved" | "stale";

it.skipIf(!!process.env.REDIS_URL)("redis-server down for ~1.5 s mid-burst: every click took effect or was told it was not saved", async () => {
  const stack = await serveSlack(slackEnv(redis.url, uniquePrefix(), fake.apiUrl, slackRosterFile()));
  served = stack.served;
  const req = stack.req(fake);
  // Everyone has started a report: the burst is the clicks that follow.
  for (const u of REPORTERS) {
    expect((await req.command(u, String(SAFETY_ANSWERS.description))).status).toBe(200);
    await waitFor(() => fake.dmOf(u.id).length > 0, `${u.id}'s first question`);
  }
  const outcomes: Outcome[] = [];
  let outage: Promise<void> | undefined;

  const clickUntilFiled = async (u: User) => {
    for (let i = 0; i < 40; i++) {
      const next = nextClick(fake, u);
      if (!next) return;
      const payload = blockActionsPayload(u, next.msg, next.button, next.state, (id) => fake.responseUrl(`click-${id}`));
      const path = new URL(payload.response_url).pathname;
      const before = fake.dmOf(u.id).length;
      expect((await req.interaction(payload)).status).toBe(200);
      // The first clicks of the burst take Redis down with them.
      if (!outage && outcomes.length >= REPORTERS.length) outage = takeRedisDown();
      let outcome: Outcome | undefined;
      await waitFor(() => {
        const said = fake.responses.find((r) => r.path === path);
        if (said) outcome = /not saved/.test(JSON.stringify(said.body)) ? "not-saved" : "stale";
        else if (fake.dmOf(u.id).length > before) outcome = "moved";
        return outcome !== undefined;
      }, `an answer to ${u.id}'s click ${next.button.action_id}`, OUTCOME_MS);
      outcomes.push(outcome!);
      // Told it was already answered (it was saved, its reply lost): /incident shows where it is.
      if (outcome === "stale") {
        const n = fake.dmOf(u.id).length;
        await req.command(u, "");
        await waitFor(() => fake.dmOf(u.id).length > n, "the current step again", OUTCOME_MS);
      }
    }
    throw new Error(`${u.id} never finished`);
  };
  const takeRedisDown = async () => {
    await redis.kill9();
    // The outage lasts 1.5 s while clicks keep coming: a duration of the scenario, not a wait for an event.
    await new Promise((r) => setTimeout(r, 1500));
    await redis.restart();
  };

  await Promise.all(REPORTERS.map((u) => clickUntilFiled(u)));
  await outage;
  expect(outage).toBeDefined();
  // The outage was felt (some clicks were told) and nobody was left in silence (waitFor above).
  expect(outcomes.filter((o) => o === "not-saved").length).toBeGreaterThan(0);
  for (const u of REPORTERS) expect(textOf(fake.dmOf(u.id).at(-1)!)).toMatch(/Filed INC-/);
  const all = await served.app.incidents.list({ from: new Date(0), to: new Date(8e15) });
  expect(all).toHaveLength(REPORTERS.length);
  expect(new Set(all.map((i) => i.reporter.userId)).size).toBe(REPORTERS.length);
}, 120_000);
