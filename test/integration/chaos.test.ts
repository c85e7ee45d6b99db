// Issue 12's target, all faults at once over 200 reports: redis-server killed with -9 mid-burst and
// restarted on its append-only file, a worker killed after Slack stored a ticket but before the answer
// came back and its successor killed the same way, the other worker killed at a moment of the test's
// choosing, and a Slack outage of 500s and 429s. Every report stored once, every ticket and page
// posted once, nothing left half-sent. (The web process's own crash is test/integration/web-crash.)
import { afterAll, describe, expect, it } from "vitest";
import { fileIncident } from "../support/durable.js";
import { FakeSlack, type FakeMessage } from "../support/fake-slack.js";
import { startRedis, type RedisServer } from "../support/redis.js";
import { CHANNEL, SLACK_TOKEN, slackCluster, type SlackCluster } from "../support/slack-cluster.js";
import { waitFor } from "../support/webhook.js";

let redis: RedisServer | undefined;
let slack: FakeSlack | undefined;
let cluster: SlackCluster | undefined;
afterAll(async () => {
  slack?.release();
  await cluster?.stop();
  await slack?.stop();
  await redis?.stop();
});

const REPORTS = 200;
const keyOf = (m: FakeMessage) => String(m.metadata?.event_payload?.key ?? "");

// Needs a redis-server of its own to kill: skipped when the tests run against a given REDIS_URL.
describe.skipIf(!!process.env.REDIS_URL)("chaos: every fault at once", () => {
  it("200 reports through kill -9 of Redis, of a worker mid-post and its successor, of another worker, and a Slack outage: 0 lost, 0 twice", async () => {
    // appendfsync always: with everysec a crash of the whole machine may lose the last second (README).
    redis = await startRedis({ appendfsync: "always" });
    // Faults, not Slack's posting limit: 200 tickets and pages at Slack's one a second per channel would
    // take minutes. The limit, the pacing and storm grouping (each incident here wants its own ticket
    // and page) have their own test, test/integration/storm.test.ts.
    slack = await FakeSlack.start(SLACK_TOKEN, { postLimit: false });
    const s = slack;
    // Paging limits off: 200 reports in a minute would otherwise (rightly) skip most pages.
    cluster = slackCluster(redis.url, s, 2, {
      STORM_THRESHOLD: "0",
      CHANNEL_POST_INTERVAL_MS: "0",
      DELIVERY_RETRY_BASE_MS: "200",
      DELIVERY_RETRY_MAX_MS: "1500",
      SWEEP_EVERY_MS: "1000",
      SWEEP_GRACE_MS: "3000",
      LIMIT_PAGES_PER_DOMAIN_PER_HOUR: "0",
    });
    const c = cluster;
    const toSecurityChannel = (a: Record<string, any>) => a.channel === CHANNEL.security && !a.thread_ts;
    s.holdAfterStore("chat.postMessage", 1, toSecurityChannel);

    // The worker holding the stored-but-unanswered ticket dies; so does the one that takes it over.
    let midPostKills = 0;
    const killWhoeverHolds = async () => {
      for (let k = 0; k < 2; k++) {
        await waitFor(() => s.held === 1, `Slack to hold ticket answer ${k + 1}`, 60_000); // release() empties it
        const holder = c.workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
        // Both live workers may be the holder: kill every live one, start one fresh each time.
        for (const w of holder) w.kill9();
        midPostKills++;
        if (k === 0) s.holdAfterStore("chat.postMessage", 1, toSecurityChannel);
        s.release();
        c.spawn();
      }
    };
    const killer = killWhoeverHolds();

    const ids = new Set<string>();
    let redisKilled = false;
    for (let i = 0; i < REPORTS; i++) {
      if (i === 60) {
        await redis.kill9();
        redisKilled = true;
        setTimeout(() => void redis!.restart(), 700); // the outage lasts 0.7 s while filing goes on
      }
      if (i === 110) s.outage(3_000, ["chat.postMessage", "chat.update"], [{ status: 500 }, { status: 429, retryAfter: 1 }]);
      if (i === 150) {
        c.workers.find((w) => w.proc.exitCode === null && w.proc.signalCode === null)?.kill9();
        c.spawn();
      }
      // A responder's client retries until the bot answers; filing is idempotent on the conversation.
      for (;;) {
        try {
          ids.add((await fileIncident(c.app, `chaos-${i}`, i % 3 ? "security" : "safety")).id);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100)); // a client's pause between retries, not a wait for an event
        }
      }
    }
    await killer;
    expect(redisKilled).toBe(true);
    expect(midPostKills).toBe(2);
    expect(ids.size).toBe(REPORTS);
    // The faults really happened while work was in flight.
    await waitFor(() => s.refused.some((r) => r.method === "chat.postMessage"), "the outage to refuse a post", 60_000);

    const undelivered = async () => {
      try {
        return (await c.app.incidents.undelivered(new Date(Date.now() + 60_000))).length;
      } catch {
        return REPORTS;
      }
    };
    await waitFor(async () => (await undelivered()) === 0, "every incident delivered", 240_000);

    expect(s.refused.length).toBeGreaterThan(2);
    // Stored once: one incident per conversation.
    const all = await c.app.incidents.list({ from: new Date(0), to: new Date(Date.now() + 60_000) });
    expect(all).toHaveLength(REPORTS);
    expect(new Set(all.map((i) => i.conversationId)).size).toBe(REPORTS);
    // Posted once: no delivery key twice in Slack, and each incident has one ticket card and one page.
    const keys = [...s.messages.values()].map(keyOf).filter(Boolean);
    const twice = keys.filter((k, n) => keys.indexOf(k) !== n);
    expect(twice).toEqual([]);
    for (const i of all) {
      const mine = keys.filter((k) => k.startsWith(`${i.id}.`));
      expect(mine.filter((k) => k.includes(":ticket:")), `${i.id} tickets`).toHaveLength(1);
      expect(mine.filter((k) => k.includes(":page:")), `${i.id} pages`).toHaveLength(1);
      expect(i.timeline.filter((e) => e.type === "delivered" && e.to.includes(":ticket:")), `${i.id} recorded`).toHaveLength(1);
      expect(i.timeline.some((e) => e.type === "sending"), `${i.id} half-sent`).toBe(false);
    }
  }, 420_000);
});
