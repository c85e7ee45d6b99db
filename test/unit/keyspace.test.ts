// The shard tags keys and queues are spread over (src/store/keyspace.ts): one shard is exactly the
// single-tag layout of before (existing deployments read their data unchanged), shard i > 0 gets its
// own tag, and the shard of a key or an incident never depends on anything but the key and S.
import { describe, expect, it } from "vitest";
import { Keyspace } from "../../src/store/keyspace.js";

describe("Keyspace", () => {
  it("with one shard, every tag is the prefix itself: the key names of before", () => {
    const ks = new Keyspace("{triage}");
    expect(ks.all()).toEqual(["{triage}"]);
    expect(ks.global).toBe("{triage}");
    expect(ks.forKey("slack:T1:C1:U1")).toBe("{triage}");
    expect(ks.forIncident("INC-2026-0042")).toBe("{triage}");
  });

  it("with S shards: shard 0 keeps the prefix (data of before stays readable), the others get their own tag", () => {
    const ks = new Keyspace("{triage}", 4);
    expect(ks.all()).toEqual(["{triage}", "{triage:1}", "{triage:2}", "{triage:3}"]);
    expect(new Keyspace("app:{t1}:x", 2).shard(1)).toBe("app:{t1:1}:x");
    // An incident's shard is its number mod S: read from the id, no look-up.
    expect(ks.forIncident("INC-2026-0042")).toBe("{triage:2}");
    expect(ks.forIncident("INC-2026-0044")).toBe("{triage}");
  });

  it("spreads keys over every shard, and puts a key on the same shard every time", () => {
    const ks = new Keyspace("{triage}", 3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[ks.shardOfKey(`slack:T0:C0:U${i}`)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(new Keyspace("{triage}", 3).shardOfKey("slack:T0:C0:U7")).toBe(ks.shardOfKey("slack:T0:C0:U7"));
  });

  it("refuses a prefix without a hash tag and a shard count below 1", () => {
    expect(() => new Keyspace("triage")).toThrow(/hash tag/);
    expect(() => new Keyspace("{}")).toThrow(/hash tag/);
    expect(() => new Keyspace("{triage}", 0)).toThrow(/shards/);
  });
});
