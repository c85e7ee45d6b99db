// The digest runner on a real redis-server with two workers: a run missed while both were down is
// posted once at start-up, each later scheduled run once, and a restart never posts a run again.
import { QueueEvents } from "bullmq";
import { describe, expect, it } from "vitest";
import type { RedisClient } from "../../src/redis.js";
import { createRedisApp, type App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import type { Digest } from "../../src/digest/post.js";
import { DIGEST_QUEUE, startDigest, type DigestHandle } from "../../src/digest/runner.js";
import type { Roster } from "../../src/domain/roster.js";
import { silentLogger } from "../../src/log.js";
import { connect } from "../../src/redis.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { fill } from "../fixtures/summary/build.js";
import { defs } from "../support/defs.js";
import { uniquePrefix } from "../support/redis.js";
import { withRedis } from "../support/with-redis.js";
import { testRoster } from "../support/roster.js";
import { waitFor } from "../support/webhook.js";

const roster: Roster = {
  ...testRoster(),
  digest: { schedule: { day: "monday", time: "09:00", timeZone: "Europe/Berlin" }, period: "7d", destinations: { console: { channel: "#managers" } } },
};

const fx = withRedis();

/** A platform call that takes this long widens the window in which two workers could both post. */
const SLOW_PLATFORM_MS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts the digest ticks (BullMQ "check" jobs) completed on this prefix, by either worker. */
async function tickCounter(prefix: string): Promise<{ count(): number; waitForMore(n: number, what: string): Promise<void>; close(): Promise<void> }> {
  const events = new QueueEvents(DIGEST_QUEUE, { connection: { host: "127.0.0.1", port: fx.server.port }, prefix });
  await events.waitUntilReady();
  let ticks = 0;
  events.on("completed", () => void ticks++);
  return {
    count: () => ticks,
    async waitForMore(n, what) {
      const target = ticks + n;
      await waitFor(() => ticks >= target, what);
    },
    close: () => events.close(),
  };
}

describe("digest runner (BullMQ + Redis marks)", () => {
  it("two workers post each scheduled run exactly once", async () => {
    const prefix = uniquePrefix();
    const cfg = { ...loadConfig({ REDIS_URL: fx.server.url, QUEUE_PREFIX: prefix }), REDIS_URL: fx.server.url };
    const clock = new ManualClock(Date.parse("2026-03-30T15:00:00Z"));
    const posts: Array<{ worker: string; digest: Digest }> = [];
    const running: Array<{ app: App; handle: DigestHandle; conn: RedisClient }> = [];
    const start = async (worker: string) => {
      const app = createRedisApp(cfg, { notifier: new NotifierRouter([]), log: silentLogger, clock, defs: { ...defs(), roster } });
      const conn = connect(fx.server.url, silentLogger, "worker");
      const send = async (digest: Digest) => {
        await sleep(SLOW_PLATFORM_MS); // simulates the platform, not a wait for an event
        posts.push({ worker, digest });
      };
      const handle = await startDigest({ connection: conn, prefix, app, send, log: silentLogger, clock, tickMs: 100 });
      running.push({ app, handle, conn });
      return { app, handle };
    };
    const stopAll = async () => {
      for (const r of running.splice(0)) {
        await r.handle.stop();
        await r.app.close();
        await r.conn.quit();
      }
    };

    const ticks = await tickCounter(prefix);
    try {
      // Last week's run went out; both workers were down at 09:00 CEST (07:00Z) this Monday.
      await fx.redis.set(`${prefix}:digest:last`, String(Date.parse("2026-03-23T08:00:00Z")));
      const [a] = await Promise.all([start("a"), start("b")]);
      await fill(a.app.incidents, [{ n: 1, domain: "security", severity: "SEV2", created: "2026-04-02T10:00:00Z", ackAfter: 9 }]);
      expect(posts.map((p) => p.digest.scheduledAt)).toEqual(["2026-03-30T07:00:00.000Z"]);
      expect(await fx.redis.get(`${prefix}:digest:last`)).toBe(String(Date.parse("2026-03-30T07:00:00Z")));

      // Next Monday: the BullMQ ticks (every 100 ms) find the run due; one of the two workers posts it.
      clock.set("2026-04-06T07:00:05Z");
      await waitFor(() => posts.length >= 2, "the next Monday's run to be posted");
      // Ten more ticks found nothing to post: a double post would have had its chance.
      await ticks.waitForMore(10, "ten more digest ticks");
      expect(posts.map((p) => p.digest.scheduledAt)).toEqual(["2026-03-30T07:00:00.000Z", "2026-04-06T07:00:00.000Z"]);
      expect(posts[1]!.digest.summary).toMatchObject({ total: 1, byDomain: { security: 1 } });
      expect(posts[1]!.digest.to).toEqual({ platform: "console", address: "#managers" });

      // Both check by hand at once: nothing is due.
      const outcomes = await Promise.all(running.map((r) => r.handle.check()));
      expect(outcomes.map((o) => o.action)).toEqual(["wait", "wait"]);

      // A restart of both workers later that day posts nothing again.
      await stopAll();
      clock.set("2026-04-06T12:00:00Z");
      await Promise.all([start("c"), start("d")]); // each ran one check on start
      await ticks.waitForMore(5, "five digest ticks after the restart");
      expect(posts).toHaveLength(2);
      const claims = await fx.redis.keys(`${prefix}:digest:claim:*`);
      expect(claims.sort()).toEqual([`${prefix}:digest:claim:${Date.parse("2026-03-30T07:00:00Z")}`, `${prefix}:digest:claim:${Date.parse("2026-04-06T07:00:00Z")}`]);
      expect(await fx.redis.ttl(claims[0]!)).toBeGreaterThan(86_000);
    } finally {
      await stopAll();
      await ticks.close();
    }
  });
});
