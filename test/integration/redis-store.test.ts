// What only the Redis backend can get wrong: corrupt records, key layout (one hash slot), renewal of
// the conversation TTL, surviving a kill -9, and reading only the asked window of a large history.
import { Redis } from "ioredis";
import { describe, expect, it, vi } from "vitest";
import { RedisConversationStore, RedisIncidentStore } from "../../src/store/redis.js";
import { makeConversation, makeDraft } from "../support/fixtures.js";
import { startRedis, uniquePrefix } from "../support/redis.js";
import { withRedis } from "../support/with-redis.js";


const fx = withRedis();

/** The part of a key Redis Cluster hashes: between the first '{' and the next '}'. */
function hashTag(key: string): string {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

const DAY = 86_400_000;

describe("Redis stores", () => {
  it("refuses a prefix without a hash tag", () => {
    expect(() => new RedisIncidentStore(fx.redis, { prefix: "triage" })).toThrow(/hash tag/);
    expect(() => new RedisIncidentStore(fx.redis, { prefix: "{}" })).toThrow(/hash tag/);
    expect(() => new RedisConversationStore(fx.redis, { prefix: "{triage}" })).toThrow(/ttlSeconds/);
  });

  it("names the key of a corrupt record, on every read path", async () => {
    const prefix = uniquePrefix();
    const incidents = new RedisIncidentStore(fx.redis, { prefix });
    const conversations = new RedisConversationStore(fx.redis, { prefix, ttlSeconds: 60 });
    const { incident } = await incidents.create(makeDraft());
    const key = `${prefix}:inc:${incident.id}`;

    await fx.redis.set(key, "{not json");
    await expect(incidents.get(incident.id)).rejects.toThrow(key);
    await expect(incidents.list({ from: new Date("2026-01-01"), to: new Date("2027-01-01") })).rejects.toThrow(key);
    await expect(incidents.update(incident.id, (i) => i)).rejects.toThrow(key);
    await expect(incidents.create(makeDraft({ conversationId: incident.conversationId }))).rejects.toThrow(key);

    await fx.redis.set(key, JSON.stringify({ ...incident, status: "lost" })); // valid JSON, invalid record
    await expect(incidents.get(incident.id)).rejects.toThrow(new RegExp(`${escape(key)}.*status`));
    await fx.redis.set(key, JSON.stringify({ ...incident, id: "INC-2026-0002" })); // someone else's record
    await expect(incidents.get(incident.id)).rejects.toThrow(key);

    const conv = makeConversation();
    const convKey = `${prefix}:conv:${conv.key}`;
    await fx.redis.set(convKey, "[]");
    await expect(conversations.get(conv.key)).rejects.toThrow(convKey);
    await expect(conversations.put(conv, 0)).rejects.toThrow(convKey); // the CAS script checks too
  });

  it("keeps every key under the store's hash tag", async () => {
    const before = new Set(await fx.redis.keys("*"));
    const prefix = uniquePrefix();
    const incidents = new RedisIncidentStore(fx.redis, { prefix });
    const conversations = new RedisConversationStore(fx.redis, { prefix, ttlSeconds: 60 });
    const { incident } = await incidents.create(makeDraft({ conversationId: "weird {tag} id" }));
    await incidents.create(makeDraft({ domain: "safety", createdAt: new Date("2025-06-01T00:00:00Z") }));
    const indexed = makeDraft({ createdAt: new Date() }); // with a kind: its duplicate buckets are written too
    await incidents.create({ ...indexed, answers: { ...indexed.answers, attackKind: "prompt-injection" } });
    await incidents.update(incident.id, (i) => ({ ...i, status: "acknowledged" }));
    await conversations.put(makeConversation({ key: "teams:{x}:user" }), undefined);

    // Other test files' keys may appear meanwhile on a shared REDIS_URL; a key that escaped our
    // prefix would not look like theirs, so leaving theirs out still catches it.
    const theirs = (k: string) => /^\{t[0-9a-f]{8}\}/.test(k) && !k.startsWith(prefix);
    const written = (await fx.redis.keys("*")).filter((k) => !before.has(k) && !theirs(k)).sort();
    const kinds = written.map((k) => k.slice(prefix.length).split(":")[1]);
    expect(new Set(kinds)).toEqual(new Set(["inc", "conv2inc", "seq", "idx", "undelivered", "conv", "dup", "dupsk"]));
    for (const k of written) {
      expect(k.startsWith(`${prefix}:`)).toBe(true);
      expect(hashTag(k)).toBe(hashTag(prefix)); // one slot: the scripts may touch them together
    }
  });

  it("renews the conversation TTL on every write", async () => {
    const prefix = uniquePrefix();
    const conversations = new RedisConversationStore(fx.redis, { prefix, ttlSeconds: 600 });
    const conv = makeConversation();
    await conversations.put(conv, undefined);
    const key = `${prefix}:conv:${conv.key}`;
    expect(await fx.redis.pttl(key)).toBeGreaterThan(595_000);
    await fx.redis.pexpire(key, 5_000);
    await conversations.put({ ...conv, rev: 1 }, 0);
    expect(await fx.redis.pttl(key)).toBeGreaterThan(595_000);
  });

  it.skipIf(!!process.env.REDIS_URL)("keeps every created incident through a kill -9 and restart (appendfsync always)", async () => {
    const own = await startRedis({ appendfsync: "always" });
    const client = new Redis(own.url, { maxRetriesPerRequest: null });
    client.on("error", () => {}); // expected while the server is down; ioredis reconnects by itself
    try {
      const prefix = uniquePrefix();
      const store = new RedisIncidentStore(client, { prefix });
      const made = await Promise.all(Array.from({ length: 40 }, (_, n) => store.create(makeDraft({ conversationId: `c-${n}` }))));
      await own.kill9(); // right after the replies: no graceful shutdown, no chance to flush later
      await own.restart();

      for (const { incident } of made) expect(await store.get(incident.id)).toEqual(incident);
      const listed = await store.list({ from: new Date("2026-01-01"), to: new Date("2027-01-01") });
      expect(listed.map((i) => i.id)).toEqual(made.map((m) => m.incident.id).sort());
      // the counter and the idempotency keys survived too
      expect(await store.create(makeDraft({ conversationId: "c-7" }))).toMatchObject({ created: false });
      expect((await store.create(makeDraft())).incident.id).toBe("INC-2026-0041");
    } finally {
      await client.quit();
      await own.stop();
    }
  }, 30_000);

  it("lists a 7-day window of a year of 2,000 incidents by reading only that window", async () => {
    const store = new RedisIncidentStore(fx.redis, { prefix: uniquePrefix() });
    const start = Date.parse("2026-01-01T00:00:00Z");
    const step = (365 * DAY) / 2000;
    const all = (
      await Promise.all(
        Array.from({ length: 2000 }, (_, n) =>
          store.create(makeDraft({ createdAt: new Date(start + Math.floor(n * step)), domain: n % 3 ? "security" : "safety" })),
        )
      )
    ).map((r) => r.incident);

    const from = new Date("2026-06-01T00:00:00Z");
    const to = new Date(from.getTime() + 7 * DAY);
    const inWindow = all.filter((i) => Date.parse(i.createdAt) >= from.getTime() && Date.parse(i.createdAt) < to.getTime());
    const mget = vi.spyOn(fx.redis, "mget");
    const fetched = () => mget.mock.calls.map((args) => (args as unknown[]).flat().length);
    try {
      const listed = await store.list({ from, to });
      expect(listed.map((i) => i.id)).toEqual(inWindow.map((i) => i.id)); // created in time order
      expect(listed.length).toBeGreaterThan(30);
      expect(fetched()).toEqual([inWindow.length]);

      mget.mockClear();
      const safety = await store.list({ from, to, domain: "safety" });
      expect(safety).toEqual(inWindow.filter((i) => i.routing.domain === "safety"));
      expect(fetched().reduce((a, b) => a + b, 0)).toBe(safety.length); // read from the domain index

      mget.mockClear();
      expect(await store.list({ from: new Date("2026-01-01"), to: new Date("2027-01-01") })).toHaveLength(2000);
      expect(fetched()).toEqual([500, 500, 500, 500]); // batched
    } finally {
      mget.mockRestore();
    }
  }, 30_000);
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
