// The production backend: conversations and incidents in Redis, shared by every web and worker process.
// Each write that must be all-or-nothing (compare-and-set, create with its indexes) is one Lua script,
// so a crash or a concurrent writer can never leave half a record. All keys of a store start with a
// Redis Cluster hash tag (`{triage}`), so they share one slot and a script may touch several of them.
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { z } from "zod";
import { DUPLICATE_WINDOW_MS } from "../domain/duplicates.js";
import { closest, epochOf, epochsFor, indexEntry, indexTiming } from "../domain/duplicate-index.js";
import { decodeSketch, encodeSketch } from "../domain/trigram-sketch.js";
import { Incident, type IncidentDraft } from "../domain/incident.js";
import type { Answers } from "../domain/vocabulary.js";
import { Conversation, formatIncidentId, type ConversationStore, type IncidentStore, type IncidentWindow } from "./types.js";

export interface RedisStoreOptions {
  /** key prefix holding a hash tag, e.g. `{triage}`; one prefix per deployment (or per test). */
  prefix: string;
  /** conversation lifetime, renewed on every write (conversation store only). */
  ttlSeconds?: number;
  /** the duplicate window the bucket index serves (incident store only; tests shorten it). */
  duplicateWindowMs?: number;
}

/** A stored record that is not valid JSON or does not pass its schema; names the key to inspect. */
export class CorruptRecordError extends Error {
  constructor(readonly key: string, detail: string) {
    super(`corrupt record at Redis key ${key}: ${detail}`);
    this.name = "CorruptRecordError";
  }
}

/** EVALSHA with a fallback to EVAL: the script cache is empty after a restart or a failover. */
export class Script {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }
  async run(redis: Redis, keys: string[], args: Array<string | number | Buffer>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith("NOSCRIPT")) throw e;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

// Reads the rev of a stored JSON record; nil when it is not a JSON object with a numeric rev.
const LUA_REV_OF = `
local function revOf(raw)
  local ok, rec = pcall(cjson.decode, raw)
  if not ok or type(rec) ~= 'table' or type(rec.rev) ~= 'number' then return nil end
  return rec.rev
end
`;

// KEYS[1] conversation; ARGV[1] expected rev ('' = must not exist), ARGV[2] record, ARGV[3] ttl seconds.
const PUT_CONVERSATION = new Script(`${LUA_REV_OF}
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if cur then return 0 end
else
  if not cur then return 0 end
  local rev = revOf(cur)
  if rev == nil then return redis.error_reply('corrupt record at Redis key ' .. KEYS[1]) end
  if rev ~= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`);

// KEYS[1] conversation; ARGV[1] expected rev ('' = any).
const DELETE_CONVERSATION = new Script(`${LUA_REV_OF}
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if ARGV[1] ~= '' then
  local rev = revOf(cur)
  if rev == nil then return redis.error_reply('corrupt record at Redis key ' .. KEYS[1]) end
  if rev ~= tonumber(ARGV[1]) then return 0 end
end
redis.call('DEL', KEYS[1])
return 1`);

// KEYS: conv2inc, seq:<year>, idx:created, idx:domain:<d>, idx:status:<s>, undelivered, then one
// duplicate-bucket hash per band of the incident's epoch (none when it cannot be a duplicate).
// ARGV: incident key prefix, year, createdAt ms, the draft's JSON without its opening brace, index ttl
// ms, sketch key prefix, sketch bytes, then the incident's bucket in each band (the hash fields).
// The id is known only after INCR, so the record is assembled here: '{"id":..,"rev":1,' .. rest.
// The index is written in the same script, so an incident is never stored without it. A bucket field
// holds the ids of its incidents separated by spaces (a hash per band and epoch instead of a key per
// bucket: a key costs Redis some 250 bytes, 169 of them per incident). Each write restarts the hash's
// ttl, so it outlives the last incident added to it by the window.
const CREATE_INCIDENT = new Script(`
local existing = redis.call('GET', KEYS[1])
if existing then
  local raw = redis.call('GET', ARGV[1] .. existing)
  if not raw then return redis.error_reply('incident ' .. existing .. ' named by ' .. KEYS[1] .. ' is missing') end
  return {0, existing, raw}
end
local n = redis.call('INCR', KEYS[2])
local id = string.format('INC-%s-%04d', ARGV[2], n)
local raw = '{"id":' .. cjson.encode(id) .. ',"rev":1,' .. ARGV[4]
redis.call('SET', ARGV[1] .. id, raw)
redis.call('SET', KEYS[1], id)
for i = 3, 6 do redis.call('ZADD', KEYS[i], ARGV[3], id) end
for i = 7, #KEYS do
  local field = ARGV[i + 1]
  local cur = redis.call('HGET', KEYS[i], field)
  redis.call('HSET', KEYS[i], field, cur and (cur .. ' ' .. id) or id)
  redis.call('PEXPIRE', KEYS[i], ARGV[5])
end
if #KEYS > 6 then redis.call('SET', ARGV[6] .. id, ARGV[7], 'PX', ARGV[5]) end
return {1, id, raw}`);

// KEYS: the duplicate-bucket hashes to read; ARGV: the field (bucket) to read in each. Returns the
// ids found, one space-separated string per bucket that has any.
const READ_BUCKETS = new Script(`
local out = {}
for i = 1, #KEYS do
  local v = redis.call('HGET', KEYS[i], ARGV[i])
  if v then out[#out + 1] = v end
end
return out`);

// KEYS: incident, idx:created, old domain idx, new domain idx, old status idx, new status idx.
// ARGV: expected rev, new record, id, createdAt ms. Returns 1 written, 0 conflict, -1 gone.
const UPDATE_INCIDENT = new Script(`${LUA_REV_OF}
local cur = redis.call('GET', KEYS[1])
if not cur then return -1 end
local rev = revOf(cur)
if rev == nil then return redis.error_reply('corrupt record at Redis key ' .. KEYS[1]) end
if rev ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[3])
redis.call('ZREM', KEYS[5], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[3])
redis.call('ZADD', KEYS[6], ARGV[4], ARGV[3])
return 1`);

export function checkPrefix(prefix: string): string {
  // Redis hashes only the part between the first '{' and the next '}', when it is not empty.
  const open = prefix.indexOf("{");
  const close = open < 0 ? -1 : prefix.indexOf("}", open + 1);
  if (close <= open + 1) throw new Error(`Redis key prefix '${prefix}' must contain a hash tag such as {triage}`);
  return prefix;
}

function parseRecord<T>(schema: z.ZodType<T>, key: string, raw: string): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new CorruptRecordError(key, `not JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new CorruptRecordError(key, issues.join("; "));
  }
  return r.data;
}

/**
 * Conversations as JSON strings with a TTL renewed on every write. The caller owns the Redis client:
 * this store never connects, quits or disconnects it.
 */
export class RedisConversationStore implements ConversationStore {
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(private readonly redis: Redis, opts: RedisStoreOptions) {
    this.prefix = checkPrefix(opts.prefix);
    if (!opts.ttlSeconds || !Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds < 1) {
      throw new Error(`RedisConversationStore needs ttlSeconds as a whole number of seconds >= 1, got ${opts.ttlSeconds}`);
    }
    this.ttlSeconds = opts.ttlSeconds;
  }

  private keyOf(key: string) {
    return `${this.prefix}:conv:${key}`;
  }

  async get(key: string): Promise<Conversation | undefined> {
    const k = this.keyOf(key);
    const raw = await this.redis.get(k);
    return raw === null ? undefined : parseRecord(Conversation, k, raw);
  }

  async put(conv: Conversation, expectedRev: number | undefined): Promise<boolean> {
    const record = JSON.stringify(Conversation.parse(conv));
    const ok = await PUT_CONVERSATION.run(this.redis, [this.keyOf(conv.key)], [expectedRev ?? "", record, this.ttlSeconds]);
    return ok === 1;
  }

  async delete(key: string, expectedRev?: number): Promise<boolean> {
    return (await DELETE_CONVERSATION.run(this.redis, [this.keyOf(key)], [expectedRev ?? ""])) === 1;
  }
}

const MGET_BATCH = 500;
/** `<band>.<bucket>` (minhash.ts) into the hash's band and the field. */
const splitBucket = (b: string): [string, string] => {
  const dot = b.indexOf(".");
  return [b.slice(0, dot), b.slice(dot + 1)];
};
const byCreation = (a: Incident, b: Incident) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id);
const MAX_UPDATE_ATTEMPTS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Incidents as JSON strings under `{p}:inc:<id>`, with ZSET indexes scored by createdAt (ms):
 * `{p}:idx:created`, `{p}:idx:domain:<domain>`, `{p}:idx:status:<status>` and the outbox `{p}:undelivered`;
 * `{p}:conv2inc:<conversationId>` makes create idempotent and `{p}:seq:<year>` numbers the ids.
 * `{p}:dup:<epoch>:<band>` hashes map an LSH bucket of the description to the ids in it, and
 * `{p}:dupsk:<id>` holds an incident's trigram sketch; both expire a little after the duplicate window
 * (src/domain/duplicate-index.ts).
 * The caller owns the Redis client: close() leaves it connected.
 */
export class RedisIncidentStore implements IncidentStore {
  private readonly prefix: string;
  private readonly windowMs: number;

  constructor(private readonly redis: Redis, opts: RedisStoreOptions) {
    this.prefix = checkPrefix(opts.prefix);
    this.windowMs = opts.duplicateWindowMs ?? DUPLICATE_WINDOW_MS;
  }

  private readonly k = {
    incident: (id: string) => `${this.prefix}:inc:${id}`,
    conv2inc: (conversationId: string) => `${this.prefix}:conv2inc:${conversationId}`,
    seq: (year: number) => `${this.prefix}:seq:${year}`,
    created: () => `${this.prefix}:idx:created`,
    domain: (d: string) => `${this.prefix}:idx:domain:${d}`,
    status: (s: string) => `${this.prefix}:idx:status:${s}`,
    undelivered: () => `${this.prefix}:undelivered`,
    bucketHash: (epoch: number, band: string) => `${this.prefix}:dup:${epoch}:${band}`,
    sketch: (id: string) => `${this.prefix}:dupsk:${id}`,
  };

  async create(draft: IncidentDraft) {
    // The script adds only id and rev, so a draft that passes here is stored as a valid record.
    const { id: _id, rev: _rev, ...rest } = draft as IncidentDraft & { id?: unknown; rev?: unknown };
    const year = new Date(draft.createdAt).getUTCFullYear();
    Incident.parse({ ...rest, id: formatIncidentId(year, 1), rev: 1 });
    const keys = [
      this.k.conv2inc(draft.conversationId),
      this.k.seq(year),
      this.k.created(),
      this.k.domain(draft.routing.domain),
      this.k.status(draft.status),
      this.k.undelivered(),
    ];
    const args: Array<string | number | Buffer> = [`${this.prefix}:inc:`, year, Date.parse(draft.createdAt), JSON.stringify(rest).slice(1), indexTiming(this.windowMs).ttlMs];
    const entry = indexEntry(draft.answers);
    if (entry) {
      const epoch = epochOf(Date.parse(draft.createdAt), this.windowMs);
      args.push(this.k.sketch(""), Buffer.from(encodeSketch(entry.sketch)));
      for (const b of entry.buckets) {
        const [band, bucket] = splitBucket(b);
        keys.push(this.k.bucketHash(epoch, band));
        args.push(bucket);
      }
    }
    const [created, id, raw] = (await CREATE_INCIDENT.run(this.redis, keys, args)) as [number, string, string];
    return { incident: this.parseIncident(this.k.incident(id), id, raw), created: created === 1 };
  }

  async get(id: string) {
    const key = this.k.incident(id);
    const raw = await this.redis.get(key);
    return raw === null ? undefined : this.parseIncident(key, id, raw);
  }

  async byConversation(conversationId: string) {
    const id = await this.redis.get(this.k.conv2inc(conversationId));
    return id === null ? undefined : this.get(id);
  }

  async update(id: string, change: (current: Incident) => Incident | undefined) {
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
      const current = await this.get(id);
      if (!current) return undefined;
      const next = change(current);
      if (!next) return current;
      const stored = Incident.parse({ ...next, id, rev: current.rev + 1 });
      const keys = [
        this.k.incident(id),
        this.k.created(),
        this.k.domain(current.routing.domain),
        this.k.domain(stored.routing.domain),
        this.k.status(current.status),
        this.k.status(stored.status),
      ];
      const args = [current.rev, JSON.stringify(stored), id, Date.parse(stored.createdAt)];
      const result = await UPDATE_INCIDENT.run(this.redis, keys, args);
      if (result === 1) return stored;
      if (result === -1) return undefined;
      // Someone wrote in between: back off a random, growing while so contenders spread out.
      await sleep(Math.random() * Math.min(100, 2 ** attempt));
    }
    throw new Error(`update of ${id} conflicted with other writers ${MAX_UPDATE_ATTEMPTS} times in a row; try again`);
  }

  async list(w: IncidentWindow) {
    const from = w.from.getTime();
    const to = w.to.getTime();
    const max = `(${to}`; // exclusive upper bound
    let ids: string[];
    if (w.newest !== undefined) {
      ids = await this.redis.zrevrangebyscore(this.k.created(), max, from, "LIMIT", 0, w.newest);
    } else {
      const candidates = [this.k.created()];
      if (w.domain) candidates.push(this.k.domain(w.domain));
      if (w.status) candidates.push(this.k.status(w.status));
      // ZCOUNT is O(log n): read from the index with the fewest members in the window.
      const counts = await Promise.all(candidates.map((key) => this.redis.zcount(key, from, max)));
      const best = candidates[counts.indexOf(Math.min(...counts))]!;
      ids = await this.redis.zrangebyscore(best, from, max);
    }
    const out = (await this.read(ids)).filter((inc) => {
      const t = Date.parse(inc.createdAt);
      if (t < from || t >= to) return false;
      if (w.domain && inc.routing.domain !== w.domain) return false;
      return !w.status || inc.status === w.status;
    });
    return out.sort(byCreation);
  }

  async duplicateCandidates(answers: Answers, now: Date) {
    const entry = indexEntry(answers);
    if (!entry) return [];
    const keys: string[] = [];
    const fields: string[] = [];
    for (const e of epochsFor(now, this.windowMs)) {
      for (const b of entry.buckets) {
        const [band, bucket] = splitBucket(b);
        keys.push(this.k.bucketHash(e, band));
        fields.push(bucket);
      }
    }
    // One script for all the buckets: every key holds the hash tag, so one slot even on a cluster.
    const found = (await READ_BUCKETS.run(this.redis, keys, fields)) as string[];
    const inBuckets = [...new Set(found.flatMap((v) => v.split(" ")))];
    // Sketches first (4 bytes a trigram): only the records of those similar enough are read and parsed.
    const sketches: Array<{ id: string; sketch: Uint32Array }> = [];
    for (let i = 0; i < inBuckets.length; i += MGET_BATCH) {
      const batch = inBuckets.slice(i, i + MGET_BATCH);
      const raws = await this.redis.mgetBuffer(batch.map((id) => this.k.sketch(id)));
      raws.forEach((raw, j) => {
        if (raw) sketches.push({ id: batch[j]!, sketch: decodeSketch(raw) });
      });
    }
    // In a storm hundreds are close enough: only the most similar are read (MAX_CANDIDATES).
    const ids = closest(entry.sketch, sketches);
    const from = now.getTime() - this.windowMs;
    const out = (await this.read(ids)).filter((inc) => {
      const t = Date.parse(inc.createdAt);
      return t >= from && t <= now.getTime();
    });
    return out.sort(byCreation);
  }

  /** The stored incidents of `ids`, in batches; ids whose record is gone are skipped. */
  private async read(ids: string[]): Promise<Incident[]> {
    const out: Incident[] = [];
    for (let i = 0; i < ids.length; i += MGET_BATCH) {
      const batch = ids.slice(i, i + MGET_BATCH);
      const keys = batch.map((id) => this.k.incident(id));
      const raws = await this.redis.mget(keys);
      raws.forEach((raw, j) => {
        if (raw !== null) out.push(this.parseIncident(keys[j]!, batch[j]!, raw));
      });
    }
    return out;
  }

  async undelivered(before: Date) {
    return this.redis.zrangebyscore(this.k.undelivered(), "-inf", `(${before.getTime()}`);
  }

  async markDelivered(id: string) {
    await this.redis.zrem(this.k.undelivered(), id);
  }

  /** Does nothing: the Redis client belongs to the caller, who may share it with other stores. */
  async close() {}

  private parseIncident(key: string, id: string, raw: string): Incident {
    const inc = parseRecord(Incident, key, raw);
    if (inc.id !== id) throw new CorruptRecordError(key, `holds ${inc.id}, not ${id}`);
    return inc;
  }
}
