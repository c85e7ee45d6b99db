// The digest runner on a real redis-server with two workers: a run missed while both were down is
// posted once at start-up, each later scheduled run once, and a restart never posts a run again.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisApp, type App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import type { Digest } from "../../src/digest/post.js";
import { startDigest, type DigestHandle } from "../../src/digest/runner.js";
import type { Roster } from "../../src/domain/roster.js";
import { silentLogger } from "../../src/log.js";
import { connect } from "../../src/redis.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { fill } from "../fixtures/summary/build.js";
import { defs } from "../support/defs.js";
import { dropTestKeys, startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { testRoster } from "../support/roster.js";

let server: RedisServer;
let redis: Redis;
const roster: Roster = {
  ...testRoster(),
  digest: { schedule: { day: "monday", time: "09:00", timeZone: "Europe/Berlin" }, period: "7d", destinations: { console: { channel: "#managers" } } },
};

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
}, 20_000);

afterAll(async () => {
  if (redis) await dropTestKeys(redis);
  await redis?.quit();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(25);
}

describe("digest runner (BullMQ + Redis marks)", () => {
  it("two workers post each scheduled run exactly once", async () => {
    const prefix = uniquePrefix();
    const cfg = { ...loadConfig({ REDIS_URL: server.url, QUEUE_PREFIX: prefix }), REDIS_URL: server.url };
    const clock = new ManualClock(Date.parse("2026-03-30T15:00:00Z"));
    const posts: Array<{ worker: string; digest: Digest }> = [];
    const running: Array<{ app: App; handle: DigestHandle; conn: Redis }> = [];
    const start = async (worker: string) => {
      const app = createRedisApp(cfg, { notifier: new NotifierRouter([]), log: silentLogger, clock, defs: { ...defs(), roster } });
      const conn = connect(server.url, silentLogger, "worker");
      const send = async (digest: Digest) => {
        await sleep(50); // a slow platform call widens the window for a double post
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

    try {
      // Last week's run went out; both workers were down at 09:00 CEST (07:00Z) this Monday.
      await redis.set(`${prefix}:digest:last`, String(Date.parse("2026-03-23T08:00:00Z")));
      const [a] = await Promise.all([start("a"), start("b")]);
      await fill(a.app.incidents, [{ n: 1, domain: "security", severity: "SEV2", created: "2026-04-02T10:00:00Z", ackAfter: 9 }]);
      expect(posts.map((p) => p.digest.scheduledAt)).toEqual(["2026-03-30T07:00:00.000Z"]);
      expect(await redis.get(`${prefix}:digest:last`)).toBe(String(Date.parse("2026-03-30T07:00:00Z")));

      // Next Monday: the BullMQ ticks (every 100 ms) find the run due; one of the two workers posts it.
      clock.set("2026-04-06T07:00:05Z");
      await until(() => posts.length >= 2);
      await sleep(1000); // ten more ticks on each worker
      expect(posts.map((p) => p.digest.scheduledAt)).toEqual(["2026-03-30T07:00:00.000Z", "2026-04-06T07:00:00.000Z"]);
      expect(posts[1]!.digest.summary).toMatchObject({ total: 1, byDomain: { security: 1 } });
      expect(posts[1]!.digest.to).toEqual({ platform: "console", address: "#managers" });

      // Both check by hand at once: nothing is due.
      const outcomes = await Promise.all(running.map((r) => r.handle.check()));
      expect(outcomes.map((o) => o.action)).toEqual(["wait", "wait"]);

      // A restart of both workers later that day posts nothing again.
      await stopAll();
      clock.set("2026-04-06T12:00:00Z");
      await Promise.all([start("c"), start("d")]);
      await sleep(500);
      expect(posts).toHaveLength(2);
      const claims = await redis.keys(`${prefix}:digest:claim:*`);
      expect(claims.sort()).toEqual([`${prefix}:digest:claim:${Date.parse("2026-03-30T07:00:00Z")}`, `${prefix}:digest:claim:${Date.parse("2026-04-06T07:00:00Z")}`]);
      expect(await redis.ttl(claims[0]!)).toBeGreaterThan(86_000);
    } finally {
      await stopAll();
    }
  });
});
