// The Procfile's processes: the web process answers /healthz (alive, even while Redis is away) and
// /readyz (which says Redis is away), and a worker stops gracefully on SIGTERM.
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
  it.skipIf(!!process.env.REDIS_URL)("web serves /healthz 200 with or without Redis, and /readyz names Redis while it is down", async () => {
    const web = await startWeb({ REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix(), ALLOW_NO_PLATFORM: "true", ONCALL_CONFIG: writeRoster(webhookRosterDoc("http://127.0.0.1:9")) });
    const ok = await fetch(`${web.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, checks: { mode: "redis" } });
    expect((await fetch(`${web.url}/nope`)).status).toBe(404);
    const readyz = async () => (await (await fetch(`${web.url}/readyz`)).json()) as { failed: string[] };
    await redis.kill9();
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
    const down = await fetch(`${web.url}/readyz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { failed: string[] }).failed).toContain("redis");
    await redis.restart();
    // No worker runs in this test: readiness stays 503, but no longer for Redis.
    await waitFor(async () => !(await readyz()).failed.includes("redis"), "Redis to be reachable again");
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
