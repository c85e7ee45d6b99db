// REDIS_SHARDS on a real redis-server: 1 (the default) writes exactly the key names of the single-tag
// layout, so a deployment upgraded to this version reads its data as before; raising it later leaves
// that data where it is and a store with more shards still finds, lists and delivers it, while new
// incidents go to every shard.
import { describe, expect, it } from "vitest";
import { RedisIncidentStore } from "../../src/store/redis.js";
import { makeDraft } from "../support/fixtures.js";
import { uniquePrefix } from "../support/redis.js";
import { withRedis } from "../support/with-redis.js";

const fx = withRedis();
const at = (iso: string) => new Date(iso);

describe("REDIS_SHARDS", () => {
  it("1 shard writes the key names of the single-tag layout, nothing else", async () => {
    const p = uniquePrefix();
    const store = new RedisIncidentStore(fx.redis, { prefix: p });
    const { incident } = await store.create(makeDraft({ conversationId: "conv-1", createdAt: at("2026-05-01T10:00:00Z"), domain: "security" }));
    expect(incident.id).toBe("INC-2026-0001");
    const keys = (await fx.redis.keys(`*${p.slice(1, -1)}*`)).sort();
    expect(keys).toEqual(
      [`${p}:conv2inc:conv-1`, `${p}:idx:created`, `${p}:idx:domain:security`, `${p}:idx:status:open`, `${p}:inc:INC-2026-0001`, `${p}:seq:2026`, `${p}:undelivered`].sort(),
    );
  });

  it("raised from 1 to 4: what was filed before is still found, listed and delivered; new incidents spread and number on", async () => {
    const p = uniquePrefix();
    const before = new RedisIncidentStore(fx.redis, { prefix: p });
    const old = [];
    for (let i = 0; i < 5; i++) old.push((await before.create(makeDraft({ conversationId: `old-${i}`, createdAt: at(`2026-05-01T10:0${i}:00Z`) }))).incident);

    const after = new RedisIncidentStore(fx.redis, { prefix: p, shards: 4 });
    // By id (INC-2026-0003 would be shard 3 under the new layout: the look-up falls back to the others).
    for (const inc of old) expect(await after.get(inc.id)).toEqual(inc);
    expect(await after.byConversation("old-0")).toEqual(old[0]);
    const updated = await after.update(old[2]!.id, (i) => ({ ...i, status: "acknowledged" }));
    expect(updated?.rev).toBe(2);
    expect((await before.get(old[2]!.id))?.status).toBe("acknowledged");

    const fresh = [];
    for (let i = 0; i < 40; i++) fresh.push((await after.create(makeDraft({ conversationId: `new-${i}`, createdAt: at("2026-05-02T10:00:00Z") }))).incident);
    const numbers = fresh.map((i) => Number(i.id.slice(9)));
    // Numbered on from the old sequence, increasing, never reused.
    expect(Math.min(...numbers)).toBeGreaterThan(5);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(40);
    // On every shard: each of the four tags holds incident records.
    for (const tag of [p, ...[1, 2, 3].map((i) => `${p.slice(0, -1)}:${i}}`)]) expect((await fx.redis.keys(`${tag}:inc:*`)).length, tag).toBeGreaterThan(0);

    // Lists and the outbox merge old and new.
    const all = await after.list({ from: at("2026-01-01"), to: at("2027-01-01") });
    expect(all.map((i) => i.id).sort()).toEqual([...old, ...fresh].map((i) => i.id).sort());
    expect((await after.undelivered(at("2027-01-01"))).length).toBe(45);
    await after.markDelivered(old[1]!.id);
    await after.markDelivered(fresh[7]!.id);
    expect((await after.undelivered(at("2027-01-01"))).sort()).not.toContain(old[1]!.id);
    expect((await after.undelivered(at("2027-01-01"))).length).toBe(43);
  });
});
