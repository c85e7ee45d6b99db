// One contract for both storage backends: whatever the memory store does, the Redis store does too.
// Each test takes a fresh, empty store (a new object in memory, a new key prefix in Redis).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { BUCKET_CAP, MAX_RECORDS, indexTiming } from "../../src/domain/duplicate-index.js";
import { findDuplicate } from "../../src/domain/duplicates.js";
import type { Incident, IncidentDraft } from "../../src/domain/incident.js";
import { LSH_BANDS } from "../../src/domain/minhash.js";
import { MemoryConversationStore, MemoryIncidentStore } from "../../src/store/memory.js";
import { RedisConversationStore, RedisIncidentStore } from "../../src/store/redis.js";
import type { ConversationStore, IncidentStore } from "../../src/store/types.js";
import { makeConversation, makeDraft, samplePretriage } from "../support/fixtures.js";
import { uniquePrefix } from "../support/redis.js";
import { openRedis } from "../support/with-redis.js";
import { clusterSupport, startRedisCluster, startRedisSentinel } from "../support/redis-topologies.js";
import { silentLogger } from "../../src/log.js";
import { connect, type RedisClient } from "../../src/redis.js";
import type { Redis } from "ioredis";

interface Backend {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  incidents(opts?: { duplicateWindowMs?: number }): IncidentStore;
  conversations(ttlSeconds: number): ConversationStore;
  /** duplicate index entries the backend holds for `store`: bucket memberships plus sketches. */
  indexSize(store: IncidentStore): Promise<number>;
  /**
   * Lets the duplicate index of `store` age until `until` and returns once it has expired: the memory
   * store ages on incident time (a lookup at `until`), Redis on its own clock (waits for the keys to go).
   */
  ageIndex(store: IncidentStore, until: Date): Promise<void>;
  /** lets time pass for conversation expiry: a manual clock in memory, real time in Redis. */
  elapse(seconds: number): Promise<void>;
  /**
   * The ids as a single-shard store would have numbered them. One shard numbers 1, 2, 3 ... per year;
   * several shards hand out increasing numbers with gaps (each shard's own residue, keyspace.ts), so
   * an id is mapped to its rank among all the ids `store` handed out that year.
   */
  dense(store: IncidentStore, ids: string[]): string[];
  /** how many ids one duplicate bucket keeps: BUCKET_CAP, per shard on a sharded store. */
  bucketCap: number;
  /** how many shards the store spreads over (each reads up to MAX_RECORDS of its own). */
  shards: number;
}

/** Records every id a store hands out, for Backend.dense. */
const handedOut = new WeakMap<IncidentStore, Set<string>>();
function recordIds<S extends IncidentStore>(store: S): S {
  const ids = new Set<string>();
  handedOut.set(store, ids);
  const create = store.create.bind(store);
  store.create = async (d) => {
    const r = await create(d);
    ids.add(r.incident.id);
    return r;
  };
  return store;
}
const numberOf = (id: string) => Number(id.slice(9));
function rankIds(store: IncidentStore, ids: string[]): string[] {
  const all = [...(handedOut.get(store) ?? [])];
  return ids.map((id) => {
    const year = id.slice(4, 8);
    const rank = all.filter((x) => x.slice(4, 8) === year && numberOf(x) <= numberOf(id)).length;
    return `INC-${year}-${String(rank).padStart(4, "0")}`;
  });
}

function memoryBackend(): Backend {
  const clock = new ManualClock();
  return {
    name: "memory",
    start: async () => {},
    stop: async () => {},
    incidents: (opts) => new MemoryIncidentStore(opts),
    conversations: (ttl) => new MemoryConversationStore(ttl, clock),
    indexSize: async (store) => (store as MemoryIncidentStore).indexEntries(),
    ageIndex: async (store, until) => {
      await store.duplicateCandidates({}, until);
    },
    elapse: async (s) => clock.advance(s * 1000),
    dense: (_s, ids) => ids,
    bucketCap: BUCKET_CAP,
    shards: 1,
  };
}

/** A Redis the backend runs on: one server, a cluster or a sentinel set-up, and how to list its keys. */
interface RedisUnderTest {
  client: RedisClient;
  /** every key matching `pattern`, on every primary. */
  keys(pattern: string): Promise<string[]>;
  close(): Promise<void>;
}

async function scanOne(r: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    out.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return out;
}

async function singleServer(): Promise<RedisUnderTest> {
  const fx = await openRedis();
  return { client: fx.redis, keys: (p) => scanOne(fx.redis, p), close: () => fx.close() };
}

async function localCluster(): Promise<RedisUnderTest> {
  const cluster = await startRedisCluster();
  const client = cluster.client();
  return {
    client,
    keys: async (p) => (await Promise.all(client.nodes("master").map((n) => scanOne(n, p)))).flat(),
    close: () => cluster.stop(),
  };
}

async function localSentinel(): Promise<RedisUnderTest> {
  const sentinel = await startRedisSentinel();
  const client = connect(sentinel.url, silentLogger, "store") as Redis;
  return {
    client,
    keys: (p) => scanOne(client, p),
    async close() {
      await client.quit().catch(() => client.disconnect());
      await sentinel.stop();
    },
  };
}

/** Every shard's keys of `prefix` (`{t1234}` and `{t1234:1}` ...) matching `rest`. */
const shardPattern = (prefix: string, rest: string) => `${prefix.slice(0, -1)}*}${rest}`;

function redisBackend(name: string, open: () => Promise<RedisUnderTest>, shards = 1): Backend {
  let fx: RedisUnderTest | undefined;
  const prefixes = new WeakMap<IncidentStore, string>();
  const indexSize = async (store: IncidentStore) => {
    // All at once: the index of a short test window expires within half a second.
    const keys = await fx!.keys(shardPattern(prefixes.get(store)!, ":dup*"));
    const sizes = await Promise.all(
      keys.map(async (k) => (k.includes(":dupsk:") ? 1 : Object.values(await fx!.client.hgetall(k)).reduce((n, ids) => n + ids.split(" ").length, 0))),
    );
    return sizes.reduce((a, b) => a + b, 0);
  };
  return {
    name,
    async start() {
      fx = await open();
    },
    async stop() {
      await fx?.close();
    },
    incidents: (opts) => {
      const prefix = uniquePrefix();
      const store = recordIds(new RedisIncidentStore(fx!.client, { prefix, shards, ...opts }));
      prefixes.set(store, prefix);
      return store;
    },
    conversations: (ttlSeconds) => new RedisConversationStore(fx!.client, { prefix: uniquePrefix(), ttlSeconds, shards }),
    indexSize,
    // Redis expires keys on its own clock: wait for the event (the keys gone), not a fixed time.
    async ageIndex(store, until) {
      const deadline = Math.max(until.getTime(), Date.now()) + 10_000;
      while ((await indexSize(store)) > 0) {
        if (Date.now() > deadline) throw new Error(`duplicate buckets still there 10 s after ${until.toISOString()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    // Real seconds: Redis expires keys on its own clock, so a TTL test must let that time pass.
    elapse: (s) => new Promise((r) => setTimeout(r, s * 1000)),
    dense: (store, ids) => (shards === 1 ? ids : rankIds(store, ids)),
    bucketCap: BUCKET_CAP * shards,
    shards,
  };
}

// The cluster (6 redis-servers) and sentinel (5) set-ups start one after the other (each file-level
// describe stops its own before the next starts); on a machine without cluster support they are skipped.
const noCluster = clusterSupport();
const backends = [
  memoryBackend(),
  redisBackend("redis", singleServer),
  ...(noCluster ? [] : [redisBackend("redis cluster (3 primaries + replicas, 3 shards)", localCluster, 3), redisBackend("redis sentinel", localSentinel)]),
];
if (noCluster) describe.skip(`redis cluster and sentinel stores: ${noCluster}`, () => it("skipped", () => {}));

const at = (iso: string) => new Date(iso);

/** A report the duplicate check indexes: description, asset (prompts-or-inputs) and an attack kind. */
const DUP_TEXT = "Prompt injection in an uploaded PDF made the assistant leak its system prompt to the user";
const report = (description = DUP_TEXT) => ({ description, asset: "prompts-or-inputs", intent: "deliberate", attackKind: "prompt-injection" });
function dupDraft(createdAt: Date, description = DUP_TEXT): IncidentDraft {
  const d = makeDraft({ createdAt });
  return { ...d, answers: { ...d.answers, ...report(description) } };
}
const delivered = (i: Incident, to: string): Incident => ({
  ...i,
  timeline: [...i.timeline, { type: "delivered", at: i.createdAt, to, level: 0 }],
});

describe.each(backends)("$name stores", (backend) => {
  beforeAll(() => backend.start()); // hookTimeout: a slow start on a busy machine is not a failure
  afterAll(() => backend.stop());

  describe("IncidentStore", () => {
    it("assigns INC-YYYY-NNNN ids in sequence, one sequence per year of creation", async () => {
      const s = backend.incidents();
      const ids: string[] = [];
      for (const iso of ["2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z", "2025-12-31T23:59:59Z", "2026-12-31T23:59:59Z"]) {
        const { incident, created } = await s.create(makeDraft({ createdAt: at(iso) }));
        expect(created).toBe(true);
        expect(incident.rev).toBe(1);
        ids.push(incident.id);
      }
      expect(backend.dense(s, ids)).toEqual(["INC-2026-0001", "INC-2026-0002", "INC-2025-0001", "INC-2026-0003"]);
    });

    it("stores the draft as given, with id and rev added", async () => {
      const s = backend.incidents();
      const draft = makeDraft({ domain: "safety" });
      const { incident } = await s.create(draft);
      expect(incident).toEqual({ ...draft, id: incident.id, rev: 1 });
      expect(backend.dense(s, [incident.id])).toEqual(["INC-2026-0001"]);
      expect(await s.get(incident.id)).toEqual(incident);
    });

    it("keeps what pre-triage proposed and what was chosen through create and update; older records have none", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(makeDraft({ pretriage: samplePretriage }));
      expect((await s.get(incident.id))?.pretriage).toEqual(samplePretriage);
      const updated = await s.update(incident.id, (i) => ({ ...i, status: "acknowledged" }));
      expect(updated?.pretriage).toEqual(samplePretriage);
      expect((await s.get(incident.id))?.pretriage).toEqual(samplePretriage);
      const { incident: plain } = await s.create(makeDraft());
      expect(await s.get(plain.id)).not.toHaveProperty("pretriage");
    });

    it("is idempotent on the conversation id, without using up a number", async () => {
      const s = backend.incidents();
      const first = await s.create(makeDraft({ conversationId: "c-1" }));
      const again = await s.create(makeDraft({ conversationId: "c-1", domain: "safety" }));
      expect(again).toEqual({ incident: first.incident, created: false });
      expect(backend.dense(s, [(await s.create(makeDraft())).incident.id])).toEqual(["INC-2026-0002"]);
    });

    it("finds the incident a conversation filed, and nothing for a conversation that filed none", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(makeDraft({ conversationId: "c-found" }));
      await s.create(makeDraft({ conversationId: "c-other" }));
      expect(await s.byConversation("c-found")).toEqual(incident);
      expect(await s.byConversation("c-never")).toBeUndefined();
      const updated = await s.update(incident.id, (cur) => ({ ...cur, status: "acknowledged" as const }));
      expect((await s.byConversation("c-found"))?.rev).toBe(updated!.rev);
    });

    it("creates one incident for 20 concurrent creates of the same conversation", async () => {
      const s = backend.incidents();
      const results = await Promise.all(Array.from({ length: 20 }, () => s.create(makeDraft({ conversationId: "c-same" }))));
      expect(new Set(backend.dense(s, results.map((r) => r.incident.id)))).toEqual(new Set(["INC-2026-0001"]));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await s.list({ from: at("2026-01-01"), to: at("2027-01-01") })).toHaveLength(1);
    });

    it("gives 50 concurrent creates of different conversations 50 distinct ids", async () => {
      const s = backend.incidents();
      const results = await Promise.all(Array.from({ length: 50 }, (_, n) => s.create(makeDraft({ conversationId: `c-${n}` }))));
      const ids = new Set(backend.dense(s, results.map((r) => r.incident.id)));
      expect(ids.size).toBe(50);
      expect(ids).toEqual(new Set(Array.from({ length: 50 }, (_, n) => `INC-2026-${String(n + 1).padStart(4, "0")}`)));
    });

    it("answers undefined for an unknown id, on get and on update", async () => {
      const s = backend.incidents();
      expect(await s.get("INC-2026-9999")).toBeUndefined();
      expect(await s.update("INC-2026-9999", (i) => i)).toBeUndefined();
    });

    it("update bumps rev and persists; records are copies", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(makeDraft());
      const updated = await s.update(incident.id, (i) => ({ ...i, status: "acknowledged", assignee: "alan" }));
      expect(updated).toMatchObject({ id: incident.id, rev: 2, status: "acknowledged", assignee: "alan" });
      const read = await s.get(incident.id);
      expect(read).toEqual(updated);
      read!.title = "changed by the caller";
      expect((await s.get(incident.id))!.title).toBe(incident.title);
    });

    it("loses none of 20 concurrent updates", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(makeDraft());
      await Promise.all(Array.from({ length: 20 }, (_, n) => s.update(incident.id, (i) => delivered(i, `q${n}`))));
      const final = (await s.get(incident.id))!;
      expect(final.rev).toBe(21);
      const targets = final.timeline.flatMap((e) => (e.type === "delivered" ? [e.to] : []));
      expect(targets.sort()).toEqual(Array.from({ length: 20 }, (_, n) => `q${n}`).sort());
    });

    it("an update given a stale basis applies the change to the stored record, not to the basis", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(makeDraft());
      const fresh = await s.update(incident.id, (i) => delivered(i, "first"), { basis: incident });
      expect(fresh).toMatchObject({ rev: 2 });
      // `incident` is rev 1 now: the change must see "first" delivered, and its own "nothing to do" stands only of the stored record.
      const seen: string[][] = [];
      const second = await s.update(incident.id, (i) => (seen.push(i.timeline.map((e) => ("to" in e ? e.to : e.type))), i.timeline.some((e) => "to" in e && e.to === "first") ? delivered(i, "second") : undefined), { basis: incident });
      expect(second).toMatchObject({ rev: 3 });
      expect(second!.timeline.filter((e) => e.type === "delivered").map((e) => (e as { to: string }).to)).toEqual(["first", "second"]);
      expect(await s.update(incident.id, () => undefined, { basis: incident })).toEqual(second);
      expect(await s.get(incident.id)).toEqual(second);
      expect(seen.at(-1)).toContain("first");
    });

    it("writes nothing when the change returns undefined", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(makeDraft());
      expect(await s.update(incident.id, () => undefined)).toEqual(incident);
      expect(await s.get(incident.id)).toEqual(incident);
    });

    it("keeps the status and domain filters in step with updates", async () => {
      const s = backend.incidents();
      const w = { from: at("2026-01-01"), to: at("2027-01-01") };
      const a = await s.create(makeDraft());
      const b = await s.create(makeDraft());
      await s.create(makeDraft({ domain: "safety" }));
      await s.update(a.incident.id, (i) => ({ ...i, status: "acknowledged" }));
      const ids = async (f: Partial<Parameters<IncidentStore["list"]>[0]>) => backend.dense(s, (await s.list({ ...w, ...f })).map((i) => i.id));
      expect(await ids({ status: "open" })).toEqual(["INC-2026-0002", "INC-2026-0003"]);
      expect(await ids({ status: "acknowledged" })).toEqual(["INC-2026-0001"]);
      await s.update(a.incident.id, (i) => ({ ...i, status: "resolved" }));
      expect(await ids({ status: "acknowledged" })).toEqual([]);
      expect(await ids({ status: "resolved" })).toEqual(["INC-2026-0001"]);
      // a reroute moves the incident to the other domain's list
      await s.update(b.incident.id, (i) => ({ ...i, routing: { ...i.routing, domain: "safety", queue: "oncall-safety" } }));
      expect(await ids({ domain: "safety" })).toEqual(["INC-2026-0002", "INC-2026-0003"]);
      expect(await ids({ domain: "security", status: "resolved" })).toEqual(["INC-2026-0001"]);
      expect(await ids({ domain: "security", status: "open" })).toEqual([]);
    });

    it("lists [from, to) windows sorted by creation time then id, filtered by domain and status", async () => {
      const s = backend.incidents();
      // created out of order, so the sort (not insertion order) must put them right
      const made = [
        ["2026-05-01T12:00:00Z", "security"],
        ["2026-05-01T10:00:00Z", "safety"],
        ["2026-05-02T00:00:00Z", "security"], // exactly `to`: excluded
        ["2026-05-01T00:00:00Z", "security"], // exactly `from`: included
        ["2026-04-30T23:59:59.999Z", "safety"],
        ["2026-05-01T10:00:00Z", "security"], // same time as the safety one: ordered by id
      ] as const;
      const ids: string[] = [];
      for (const [iso, domain] of made) ids.push((await s.create(makeDraft({ createdAt: at(iso), domain }))).incident.id);
      const w = { from: at("2026-05-01T00:00:00Z"), to: at("2026-05-02T00:00:00Z") };
      const list = async (f = {}) => (await s.list({ ...w, ...f })).map((i) => i.id);
      expect(await list()).toEqual([ids[3], ids[1], ids[5], ids[0]]);
      expect(await list({ domain: "safety" })).toEqual([ids[1]]);
      expect(await list({ domain: "security", status: "open" })).toEqual([ids[3], ids[5], ids[0]]);
      expect(await list({ status: "resolved" })).toEqual([]);
      expect(await s.list({ from: at("2026-06-01"), to: at("2026-07-01") })).toEqual([]);
      // `newest` reads only the newest N created in the window, then filters: a bounded read.
      expect(await list({ newest: 2 })).toEqual([ids[5], ids[0]]);
      expect(await list({ newest: 2, domain: "safety" })).toEqual([]);
      expect(await list({ newest: 10 })).toEqual([ids[3], ids[1], ids[5], ids[0]]);
    });

    it("reports undelivered ids older than a time until they are marked delivered", async () => {
      const s = backend.incidents();
      const a = (await s.create(makeDraft({ createdAt: at("2026-05-01T10:00:00Z") }))).incident.id;
      const b = (await s.create(makeDraft({ createdAt: at("2026-05-01T10:05:00Z") }))).incident.id;
      const c = (await s.create(makeDraft({ createdAt: at("2026-05-01T10:10:00Z") }))).incident.id;
      expect((await s.undelivered(at("2026-05-01T10:10:00Z"))).sort()).toEqual([a, b]);
      await s.markDelivered(a);
      await s.markDelivered("INC-2026-9999"); // unknown: no error
      expect(await s.undelivered(at("2026-05-01T10:10:00Z"))).toEqual([b]);
      expect((await s.undelivered(at("2026-05-02T00:00:00Z"))).sort()).toEqual([b, c]);
      // an update does not bring a delivered incident back into the outbox
      await s.update(a, (i) => delivered(i, "q"));
      expect((await s.undelivered(at("2026-05-02T00:00:00Z"))).sort()).toEqual([b, c]);
    });
  });

  describe("IncidentStore outbox", () => {
    const T = at("2026-05-01T10:00:00Z");
    const later = (ms: number) => new Date(T.getTime() + ms);
    const ack = (i: Incident): Incident => ({ ...i, status: "acknowledged" });

    it("writes the entry with the record, keyed by the stored rev, and hands the stored record to the callback", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(makeDraft());
      let seen: Incident | undefined;
      const stored = await s.update(incident.id, ack, { outbox: (r) => ((seen = r), `follow ${r.rev} ${r.status}`), at: T });
      expect(seen).toEqual(stored);
      expect(await s.outboxDue(later(1))).toEqual([{ id: incident.id, rev: 2, payload: "follow 2 acknowledged" }]);
    });

    it("writes no entry when the change returns undefined, the callback returns undefined, or the incident is unknown", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(makeDraft());
      let asked = 0;
      expect(await s.update(incident.id, () => undefined, { outbox: () => (asked++, "never"), at: T })).toEqual(incident);
      expect(asked).toBe(0);
      await s.update(incident.id, ack, { outbox: () => undefined, at: T });
      expect(await s.update("INC-2026-9999", ack, { outbox: () => "never", at: T })).toBeUndefined();
      expect(await s.outboxDue(later(60_000))).toEqual([]);
      expect((await s.get(incident.id))!.rev).toBe(2);
    });

    it("keeps the entry of the attempt it stored when a concurrent writer forces a retry, never one of a lost attempt", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(makeDraft());
      // 10 writers from the same rev: each conflict is retried, each stored version has its own entry.
      await Promise.all(Array.from({ length: 10 }, (_, n) => s.update(incident.id, (i) => delivered(i, `q${n}`), { outbox: (r) => `${r.rev}:${r.timeline.length}`, at: T })));
      const due = await s.outboxDue(later(1));
      expect(due.map((e) => e.rev).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, n) => n + 2));
      // A payload computed for an attempt that lost its compare-and-set would name a record never stored.
      const base = incident.timeline.length;
      for (const e of due) expect(e.payload).toBe(`${e.rev}:${base + e.rev - 1}`);
    });

    it("outboxDone removes one entry; unknown entries are no error", async () => {
      const s = backend.incidents();
      const a = (await s.create(makeDraft())).incident;
      const b = (await s.create(makeDraft())).incident;
      await s.update(a.id, ack, { outbox: () => "a2", at: T });
      await s.update(a.id, (i) => ({ ...i, status: "resolved" }), { outbox: () => "a3", at: T });
      await s.update(b.id, ack, { outbox: () => "b2", at: T });
      await s.outboxDone(a.id, 2);
      await s.outboxDone(a.id, 99);
      await s.outboxDone("INC-2026-9999", 2);
      expect(new Set((await s.outboxDue(later(1))).map((e) => e.payload))).toEqual(new Set(["a3", "b2"]));
      await s.outboxDone(a.id, 3);
      await s.outboxDone(b.id, 2);
      expect(await s.outboxDue(later(1))).toEqual([]);
    });

    it("outboxDue lists only entries written before the time, oldest first, across shards", async () => {
      const s = backend.incidents();
      const ids: string[] = [];
      for (let n = 0; n < 6; n++) ids.push((await s.create(makeDraft())).incident.id);
      // Written out of order in time, over incidents spread over the shards.
      const times = [30, 10, 50, 20, 40, 60].map((sec) => later(sec * 1000));
      for (let n = 0; n < 6; n++) await s.update(ids[n]!, ack, { outbox: () => `p${n}`, at: times[n]! });
      expect((await s.outboxDue(later(10_000))).map((e) => e.payload)).toEqual([]);
      expect((await s.outboxDue(later(40_000))).map((e) => e.payload)).toEqual(["p1", "p3", "p0"]);
      expect((await s.outboxDue(later(61_000))).map((e) => e.payload)).toEqual(["p1", "p3", "p0", "p4", "p2", "p5"]);
      expect((await s.outboxDue(later(61_000)))[0]).toEqual({ id: ids[1], rev: 2, payload: "p1" });
    });
  });

  describe("IncidentStore duplicate index", () => {
    const T = at("2026-11-24T09:00:00Z");
    const later = (ms: number) => new Date(T.getTime() + ms);
    const ids = (xs: Incident[]) => xs.map((i) => i.id);

    it("indexes an incident on create: a similar report finds it, one with no trigram in common or another kind does not", async () => {
      const s = backend.incidents();
      const { incident } = await s.create(dupDraft(T));
      await s.create(dupDraft(T)); // a second create of another conversation: both found
      const similar = report("prompt injection in an uploaded pdf made the assistant leak the system prompt");
      // An unrelated report of the same asset and kind may share a bucket; its sketch keeps it out.
      expect(await s.duplicateCandidates(report("The agent kept retrying the payment tool after a timeout and charged twice"), later(60_000))).toEqual([]);
      expect(backend.dense(s, ids(await s.duplicateCandidates(similar, later(60_000))))).toEqual([...backend.dense(s, [incident.id]), "INC-2026-0002"]);
      expect(await s.duplicateCandidates(report("zzyzx qwv 12345"), later(60_000))).toEqual([]);
      expect(await s.duplicateCandidates({ ...similar, attackKind: "jailbreak" }, later(60_000))).toEqual([]);
      expect(await s.duplicateCandidates({ ...similar, asset: "model" }, later(60_000))).toEqual([]);
      expect(await s.duplicateCandidates({ description: similar.description }, later(60_000))).toEqual([]);
    });

    it("indexes once per conversation, and not at all what cannot be a duplicate (no kind)", async () => {
      const s = backend.incidents();
      const draft = dupDraft(T);
      await s.create(draft);
      await s.create(draft);
      expect(await s.duplicateCandidates(report(), later(1000))).toHaveLength(1);
      expect(await backend.indexSize(s)).toBe(LSH_BANDS + 1);
      const bare = backend.incidents();
      await bare.create(makeDraft({ createdAt: T }));
      expect(await backend.indexSize(bare)).toBe(0);
    });

    it("finds a match anywhere in the window, not only among the newest", async () => {
      const s = backend.incidents();
      const old = (await s.create(dupDraft(later(-110 * 60_000)))).incident;
      for (let i = 0; i < 120; i++) {
        await s.create(dupDraft(later(-100 * 60_000 + i * 1000), `Unrelated report number ${i}: the ${i % 7} dashboards time out for tenant ${i * 7919}`));
      }
      const found = await s.duplicateCandidates(report(), T);
      expect(ids(found)).toContain(old.id);
      expect(found.length).toBeLessThan(121);
    });

    it("keeps a crowded bucket to its newest ids, and still finds a close rewording of the oldest", async () => {
      const s = backend.incidents();
      const old = (await s.create(dupDraft(later(-110 * 60_000)))).incident;
      // Identical reports share every bucket: each bucket overflows its cap, the oldest's included.
      for (let i = 0; i < BUCKET_CAP + 8; i++) await s.create(dupDraft(later(-100 * 60_000 + i * 1000), "the same words again and again in every report of the storm"));
      const crowded = await s.duplicateCandidates(report("the same words again and again in every report of the storm"), T);
      expect(crowded.length).toBeLessThanOrEqual(backend.bucketCap);
      expect(backend.dense(s, ids(crowded))).toContain(`INC-2026-${String(BUCKET_CAP + 9).padStart(4, "0")}`);
      expect(ids(await s.duplicateCandidates(report(), T))).toContain(old.id);
    });

    it("in an incident storm reads only the most similar candidates, the best match among them", async () => {
      const s = backend.incidents();
      // Many reports of one outage in slightly different words, then one in the report's very words.
      for (let i = 0; i < MAX_RECORDS + 20; i++) await s.create(dupDraft(later(i * 1000), `${DUP_TEXT} (seen by team ${i}, queue ${i * 7})`));
      const exact = (await s.create(dupDraft(later(70_000)))).incident;
      const found = await s.duplicateCandidates(report(), later(80_000));
      expect(found.length).toBeGreaterThanOrEqual(MAX_RECORDS);
      expect(found.length).toBeLessThanOrEqual(MAX_RECORDS * backend.shards);
      expect(findDuplicate(report(), found, later(80_000))?.incident.id).toBe(exact.id);
    });

    it("offers nothing created after `now` or before the window", async () => {
      const s = backend.incidents();
      await s.create(dupDraft(T));
      expect(await s.duplicateCandidates(report(), later(-1))).toEqual([]);
      expect(await s.duplicateCandidates(report(), later(2 * 3_600_000))).toHaveLength(1);
      expect(await s.duplicateCandidates(report(), later(2 * 3_600_000 + 1))).toEqual([]);
    });

    it("forgets the buckets a little after the window", async () => {
      // Long enough that a loaded machine still counts the index before Redis expires it.
      const windowMs = 2000;
      const s = backend.incidents({ duplicateWindowMs: windowMs });
      const t0 = new Date();
      await s.create(dupDraft(t0));
      expect(await backend.indexSize(s)).toBe(LSH_BANDS + 1);
      const { epochMs, ttlMs } = indexTiming(windowMs);
      await backend.ageIndex(s, new Date(t0.getTime() + epochMs + ttlMs));
      expect(await backend.indexSize(s)).toBe(0);
    });

    it("leaves the rules to the caller as before: resolved is no duplicate, rerouted still is", async () => {
      const s = backend.incidents();
      const a = (await s.create(dupDraft(T))).incident;
      const b = (await s.create(dupDraft(later(1000), `${DUP_TEXT} again`))).incident;
      const now = later(60_000);
      const check = async () => findDuplicate(report(), await s.duplicateCandidates(report(), now), now)?.incident.id;
      expect(await check()).toBe(a.id);
      await s.update(a.id, (i) => ({ ...i, status: "resolved", resolvedAt: now.toISOString() }));
      expect(await check()).toBe(b.id);
      await s.update(b.id, (i) => ({
        ...i,
        classification: { ...i.classification, primary: "safety" },
        routing: { ...i.routing, domain: "safety", queue: "oncall-safety" },
        routeCount: 2,
      }));
      const rerouted = await check();
      expect(rerouted).toBe(b.id);
      expect((await s.get(b.id))!.routing.domain).toBe("safety");
    });
  });

  describe("ConversationStore", () => {
    it("puts only when the stored rev is the expected one", async () => {
      const s = backend.conversations(3600);
      const conv = makeConversation();
      expect(await s.get(conv.key)).toBeUndefined();
      expect(await s.put(conv, undefined)).toBe(true);
      expect(await s.get(conv.key)).toEqual(conv);
      // undefined means "nothing stored yet": refused now that something is
      expect(await s.put({ ...conv, rev: 1, updatedAt: "2026-11-24T09:01:00.000Z" }, undefined)).toBe(false);
      expect(await s.put({ ...conv, rev: 1 }, 5)).toBe(false);
      expect(await s.get(conv.key)).toEqual(conv);
      const next = { ...conv, rev: 1, incidentId: "INC-2026-0001" };
      expect(await s.put(next, 0)).toBe(true);
      expect(await s.get(conv.key)).toEqual(next);
      expect(await s.put({ ...conv, rev: 2 }, 0)).toBe(false); // a second writer from rev 0 loses
    });

    it("keeps a walk-through in the middle of its suggestions: what was kept and the one being changed", async () => {
      const s = backend.conversations(3600);
      const base = makeConversation();
      const suggestions = { intent: { value: "deliberate", confidence: 0.9, evidence: ["attacker"] }, harm: { value: ["financial"], confidence: 0.7, evidence: ["refund"] } };
      const conv = { ...base, state: { ...base.state, suggestions, kept: ["harm"], changing: "intent", answers: { ...base.state.answers, harm: ["financial"] }, trail: ["description", "@keep:harm", "@change:intent"] } };
      expect(await s.put(conv, undefined)).toBe(true);
      expect(await s.get(conv.key)).toEqual(conv);
    });

    it("refuses a put with an expected rev when nothing is stored", async () => {
      const s = backend.conversations(3600);
      const conv = makeConversation({ rev: 1 });
      expect(await s.put(conv, 0)).toBe(false);
      expect(await s.get(conv.key)).toBeUndefined();
    });

    it("deletes only at the expected rev, or unconditionally without one", async () => {
      const s = backend.conversations(3600);
      const a = makeConversation({ key: "slack:T1:A", rev: 3 });
      const b = makeConversation({ key: "slack:T1:B" });
      await s.put(a, undefined);
      await s.put(b, undefined);
      expect(await s.delete(a.key, 2)).toBe(false);
      expect(await s.get(a.key)).toEqual(a);
      expect(await s.delete(a.key, 3)).toBe(true);
      expect(await s.get(a.key)).toBeUndefined();
      expect(await s.delete(a.key)).toBe(false);
      expect(await s.delete(b.key)).toBe(true);
      expect(await s.get(b.key)).toBeUndefined();
    });

    it("forgets a conversation after its ttl", async () => {
      const s = backend.conversations(1);
      const conv = makeConversation();
      await s.put(conv, undefined);
      expect(await s.get(conv.key)).toEqual(conv);
      await backend.elapse(1.2);
      expect(await s.get(conv.key)).toBeUndefined();
      expect(await s.put({ ...conv, rev: 1 }, 0)).toBe(false); // gone means gone for CAS too
      expect(await s.put(conv, undefined)).toBe(true);
    });
  });
});
