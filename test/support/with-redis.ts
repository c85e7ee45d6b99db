// The usual start of a test file that talks to Redis: its own redis-server (test/support/redis.ts) and
// a client on it, opened in beforeAll; the keys of every prefix handed out deleted, the client closed
// and the server stopped in afterAll. One copy instead of one per file.
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { dropTestKeys, startRedis, type RedisServer } from "./redis.js";

export interface RedisFixture {
  /** set in beforeAll: read them inside hooks and tests, not at module level. */
  server: RedisServer;
  redis: Redis;
}

/** Opens a server and a client; `close()` undoes both (for suites that manage their own hooks). */
export async function openRedis(): Promise<RedisFixture & { close(): Promise<void> }> {
  const server = await startRedis();
  const redis = new Redis(server.url);
  return {
    server,
    redis,
    async close() {
      await dropTestKeys(redis);
      await redis.quit();
      await server.stop();
    },
  };
}

/** Registers beforeAll/afterAll for the calling file and returns the fixture they fill in. */
export function withRedis(): RedisFixture {
  const fx = {} as RedisFixture & { close?: () => Promise<void> };
  beforeAll(async () => {
    Object.assign(fx, await openRedis());
  });
  afterAll(async () => {
    await fx.close?.();
  });
  return fx;
}
