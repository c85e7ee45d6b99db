// One contract for both RateLimiter backends: sliding-window counting, all-or-nothing over several
// buckets, and (Redis) no overshoot when many processes take at once.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bucket } from "../../src/domain/limits.js";
import { MemoryRateLimiter, RedisRateLimiter } from "../../src/store/rate-limiter.js";
import type { RateLimiter } from "../../src/store/types.js";
import { dropTestKeys, startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";

interface Backend {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  limiter(): RateLimiter;
  /** another process's limiter on the same store (memory: the same object). */
  twin(of: RateLimiter): RateLimiter;
}

const memory: Backend = { name: "memory", start: async () => {}, stop: async () => {}, limiter: () => new MemoryRateLimiter(), twin: (l) => l };

function redisBackend(): Backend {
  let server: RedisServer;
  let redis: Redis;
  let other: Redis;
  const prefixes = new Map<RateLimiter, string>();
  return {
    name: "redis",
    async start() {
      server = await startRedis();
      redis = new Redis(server.url);
      other = new Redis(server.url);
    },
    async stop() {
      if (redis) await dropTestKeys(redis);
      await Promise.all([redis?.quit(), other?.quit()]);
      await server?.stop();
    },
    limiter() {
      const prefix = uniquePrefix();
      const l = new RedisRateLimiter(redis, prefix);
      prefixes.set(l, prefix);
      return l;
    },
    twin: (l) => new RedisRateLimiter(other, prefixes.get(l)!),
  };
}

const HOUR = 3_600_000;
const bucket = (key: string, max: number): Bucket => ({ name: "incidents-per-reporter", key, max, windowMs: HOUR });
const at = (iso: string) => new Date(iso);

describe.each([memory, redisBackend()])("$name rate limiter", (backend) => {
  beforeAll(() => backend.start()); // hookTimeout: a slow start on a busy machine is not a failure
  afterAll(() => backend.stop());

  it("allows max events per window, then refuses with the bucket and when to come back", async () => {
    const l = backend.limiter();
    const now = at("2026-11-24T10:00:00Z");
    for (let i = 0; i < 3; i++) expect(await l.take([bucket("r", 3)], now)).toEqual({ ok: true });
    const refused = await l.take([bucket("r", 3)], now);
    expect(refused).toEqual({ ok: false, bucket: bucket("r", 3), retryAfterMs: HOUR });
    expect(await l.take([bucket("other", 3)], now)).toEqual({ ok: true });
  });

  it("slides: the previous window counts by how much of it is still within the last hour", async () => {
    const l = backend.limiter();
    for (let i = 0; i < 4; i++) await l.take([bucket("r", 4)], at("2026-11-24T10:59:00Z"));
    // At 11:30 half of the 10:00 window is within the hour: 4 * 0.5 = 2 of 4 used.
    expect(await l.take([bucket("r", 4)], at("2026-11-24T11:30:00Z"))).toEqual({ ok: true });
    expect(await l.take([bucket("r", 4)], at("2026-11-24T11:30:00Z"))).toEqual({ ok: true });
    expect(await l.take([bucket("r", 4)], at("2026-11-24T11:30:00Z"))).toMatchObject({ ok: false });
    // Two windows later the old counts are gone.
    expect(await l.take([bucket("r", 4)], at("2026-11-24T13:00:00Z"))).toEqual({ ok: true });
  });

  it("counts all buckets or none: a full one leaves the others untouched", async () => {
    const l = backend.limiter();
    const now = at("2026-11-24T10:00:00Z");
    expect(await l.take([bucket("full", 1)], now)).toEqual({ ok: true });
    for (let i = 0; i < 3; i++) expect(await l.take([bucket("free", 2), bucket("full", 1)], now)).toMatchObject({ ok: false, bucket: { key: "full" } });
    expect(await l.take([bucket("free", 2)], now)).toEqual({ ok: true });
    expect(await l.take([bucket("free", 2)], now)).toEqual({ ok: true });
    expect(await l.take([bucket("free", 2)], now)).toMatchObject({ ok: false });
  });

  it("never lets more through than the limit when processes take concurrently", async () => {
    const a = backend.limiter();
    const b = backend.twin(a);
    const now = at("2026-11-24T10:00:00Z");
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take([bucket("race", 10)], now)));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
  });
});
