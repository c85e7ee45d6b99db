// Issue 15: a worker needs only its own configuration (it starts without SLACK_SIGNING_SECRET, which
// only the web process uses), and while Redis is unreachable it writes JSON lines only, a few per
// state change (error, reconnecting, back), never a raw multi-line stack trace per attempt.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnWorker, type WorkerProc } from "../support/app-procs.js";
import { webhookRosterDoc, writeRoster } from "../support/durable.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { waitFor } from "../support/webhook.js";

let redis: RedisServer;
let worker: WorkerProc | undefined;
let blackhole: Server | undefined;
const sockets = new Set<Socket>();

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await worker?.stop();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (blackhole?.listening ? blackhole.close(() => r()) : r()));
  await redis.stop();
});

/** Stands where Redis was and drops every connection: each reconnect attempt is counted, so the test waits for attempts, not for time. */
async function dropConnections(port: number): Promise<{ attempts: () => number; close: () => Promise<void> }> {
  let attempts = 0;
  const server = createServer((s) => {
    attempts++;
    sockets.add(s);
    s.destroy();
  });
  blackhole = server;
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { attempts: () => attempts, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

describe("the worker process", () => {
  // Kills its redis-server: skipped when the tests run against a given REDIS_URL.
  it.skipIf(!!process.env.REDIS_URL)("starts without SLACK_SIGNING_SECRET and logs a Redis outage as a few JSON lines", async () => {
    worker = spawnWorker({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix(),
      ONCALL_CONFIG: writeRoster(webhookRosterDoc("http://127.0.0.1:9")),
      LOG_LEVEL: "info",
      // Slack configured for posting only: the bot token, no signing secret (empty means unset).
      SLACK_BOT_TOKEN: "xoxb-worker-only",
      SLACK_SIGNING_SECRET: "",
      SLACK_APP_TOKEN: "",
      SLACK_API_URL: "http://127.0.0.1:9/api/",
    });
    await waitFor(() => worker!.output().includes("worker started") || worker!.proc.exitCode !== null, "the worker to start", 20_000);
    expect(worker.proc.exitCode, worker.output()).toBeNull();
    expect(worker.output()).toContain("slack enabled");

    const before = lines(worker.output()).length;
    await redis.kill9();
    // Refused first (nothing listens), then reset by a stand-in, for many reconnect attempts.
    await waitFor(() => worker!.output().includes("redis reconnecting"), "the worker to notice Redis is gone");
    const drop = await dropConnections(redis.port);
    await waitFor(() => drop.attempts() >= 30, "30 reconnect attempts during the outage", 30_000);
    await drop.close();
    await redis.restart();
    await waitFor(() => /"role":"worker".*"msg":"redis connection back"/.test(worker!.output()), "the worker's connection to come back", 20_000);
    await worker.stop();

    const all = lines(worker.output());
    // Every line on stdout and stderr is one JSON object: no raw stack traces anywhere.
    for (const l of all) expect(() => JSON.parse(l), l).not.toThrow();
    const outage = all.slice(before).map((l) => JSON.parse(l) as { msg: string; err?: { stack?: string } });
    const count = (msg: string) => outage.filter((o) => o.msg === msg).length;
    // One line per state change per connection role (store/worker, queue): a handful, not one per attempt.
    expect(count("redis connection error; retrying")).toBeGreaterThanOrEqual(1);
    expect(count("redis connection error; retrying")).toBeLessThanOrEqual(4);
    expect(count("redis reconnecting")).toBeLessThanOrEqual(4);
    expect(count("redis connection back")).toBeLessThanOrEqual(4);
    expect(outage.length, JSON.stringify(outage.map((o) => o.msg))).toBeLessThanOrEqual(20);
    // Errors are objects with their stack in a field.
    expect(outage.find((o) => o.msg === "redis connection error; retrying")?.err?.stack).toMatch(/^Error: /);
  });
});
