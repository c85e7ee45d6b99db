// Slack event re-deliveries are worked on once across web processes, with keys under the deployment prefix.
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eventDedupe } from "../../adapters/slack/dedupe.js";
import { RedisSeenSet } from "../../src/store/seen.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";

let server: RedisServer;
let a: Redis;
let b: Redis;
beforeAll(async () => {
  server = await startRedis();
  a = new Redis(server.url);
  b = new Redis(server.url);
});
afterAll(async () => {
  await Promise.all([a.quit(), b.quit()]);
  await server.stop();
});

it("an event id is first once, whichever web process sees it, and its mark lives under the prefix", async () => {
  const prefix = uniquePrefix();
  const [one, two] = [eventDedupe(new RedisSeenSet(a, prefix)), eventDedupe(new RedisSeenSet(b, prefix))];
  const results = await Promise.all([one.first("Ev01"), two.first("Ev01"), one.first("Ev01")]);
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(await two.first("Ev02")).toBe(true);
  const keys = await a.keys(`${prefix}*`);
  expect(keys.sort()).toEqual([`${prefix}:seen:slack:event:Ev01`, `${prefix}:seen:slack:event:Ev02`]);
  expect(await a.ttl(keys[0]!)).toBeGreaterThan(3000);
});
