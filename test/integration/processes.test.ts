// The Procfile's processes: the web process answers /healthz (and says when Redis is away), and a
// worker stops gracefully on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnWorker, startWeb } from "../support/app-procs.js";
import { webhookRosterDoc, writeRoster } from "../support/durable.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { waitFor } from "../support/webhook.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe("processes", () => {
  // Kills its redis-server: skipped when the tests run against a given REDIS_URL.
  it.skipIf(!!process.env.REDIS_URL)("web serves /healthz: 200 with Redis, 503 while Redis is down", async () => {
    const web = await startWeb({ REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix(), ONCALL_CONFIG: writeRoster(webhookRosterDoc("http://127.0.0.1:9")) });
    const ok = await fetch(`${web.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, checks: { mode: "redis", redis: "ok", queues: "ok" } });
    expect((await fetch(`${web.url}/nope`)).status).toBe(404);
    await redis.kill9();
    const down = await fetch(`${web.url}/healthz`);
    expect(down.status).toBe(503);
    await redis.restart();
    await waitFor(async () => (await fetch(`${web.url}/healthz`)).status === 200, "health to come back");
    // Logs are JSON lines.
    for (const line of web.proc.output().trim().split("\n").filter((l) => l.startsWith("{"))) expect(() => JSON.parse(line)).not.toThrow();
    // The process group goes when the test ends (test/support/procs.ts), pass or fail.
  });

  it("a worker shuts down gracefully on SIGTERM", async () => {
    const w = spawnWorker({ REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix(), ONCALL_CONFIG: writeRoster(webhookRosterDoc("http://127.0.0.1:9")) });
    await w.ready();
    const exit = new Promise<number | null>((r) => w.proc.once("exit", (code) => r(code)));
    w.proc.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(w.output()).toContain("worker stopped");
  });
});
