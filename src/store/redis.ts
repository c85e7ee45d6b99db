// The production backend: conversations and incidents in Redis, shared by every web and worker process.
// Each write that must be all-or-nothing (compare-and-set, create with its indexes) is one Lua script,
// so a crash or a concurrent writer can never leave half a record. Keys are spread over the shard tags
// of src/store/keyspace.ts (REDIS_SHARDS, default 1: everything under `{triage}`): a conversation on
// its key's shard, an incident with all its indexes on its conversation's shard, so each script's
// keys share one slot; reads that span incidents (lists, the outbox, the duplicate check) merge the
// shards. The incident sequence is the one global counter.
import { createHash } from "node:crypto";
import type { RedisClient } from "../redis.js";
import { Keyspace } from "./keyspace.js";
import type { z } from "zod";
import { DUPLICATE_WINDOW_MS } from "../domain/duplicates.js";
import { BUCKET_CAP, closest, epochOf, epochsFor, indexEntry, indexTiming, rankByBands } from "../domain/duplicate-index.js";
import { decodeSketch, encodeSketch } from "../domain/trigram-sketch.js";
import { Incident, type IncidentDraft } from "../domain/incident.js";
import type { Answers } from "../domain/vocabulary.js";
import { Conversation, formatIncidentId, type ConversationStore, type IncidentStore, type IncidentWindow, type OutboxEntry, type UpdateOptions } from "./types.js";

export interface RedisStoreOptions {
  /** key prefix holding a hash tag, e.g. `{triage}`; one prefix per deployment (or per test). */
  prefix: string;
  /** conversation lifetime, renewed on every write (conversation store only). */
  ttlSeconds?: number;
  /** the duplicate window the bucket index serves (incident store only; tests shorten it). */
  duplicateWindowMs?: number;
  /** how many shard tags keys are spread over (REDIS_SHARDS); 1, the default, is the single-tag layout. */
  shards?: number;
  /**
   * REDIS_WAIT_REPLICAS (incident store only): after each create and update, WAIT until this many
   * replicas have the write (at most `waitTimeoutMs`), so a primary that dies right after answering
   * cannot take an acknowledged incident or delivery record with it. 0, the default: no wait.
   */
  waitReplicas?: number;
  waitTimeoutMs?: number;
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
  async run(redis: RedisClient, keys: string[], args: Array<string | number | Buffer>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      // On a cluster the reply can come wrapped ("Too many Cluster redirections. Last error: NOSCRIPT ...").
      if (!(e instanceof Error) || !e.message.includes("NOSCRIPT")) throw e;
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
// duplicate-bucket hash per band of the incident's epoch (none when it cannot be a duplicate), all on
// the conversation's shard. ARGV: incident key prefix, year, createdAt ms, the draft's JSON without its
// opening brace, index ttl ms, sketch key prefix ('' with no index), sketch bytes, the id ('' = number
// it here with INCR on KEYS[2], the single-shard layout; '?' = only answer an existing incident, else
// {2}; an id = one the global sequence handed out), then the incident's bucket in each band.
// The record is assembled here: '{"id":..,"rev":1,' .. rest.
// The index is written in the same script, so an incident is never stored without it. A bucket field
// holds the ids of its incidents separated by spaces (a hash per band and epoch instead of a key per
// bucket: a key costs Redis some 250 bytes, 169 of them per incident). Each write restarts the hash's
// ttl, so it outlives the last incident added to it by the window. A field keeps its newest
// BUCKET_CAP ids (duplicate-index.ts): a crowded bucket drops its oldest, so a lookup reads a bounded
// amount whatever the window holds.
const CREATE_INCIDENT = new Script(`
local existing = redis.call('GET', KEYS[1])
if existing then
  local raw = redis.call('GET', ARGV[1] .. existing)
  if not raw then return redis.error_reply('incident ' .. existing .. ' named by ' .. KEYS[1] .. ' is missing') end
  return {0, existing, raw}
end
local id = ARGV[8]
if id == '?' then return {2} end
if id == '' then
  local n = redis.call('INCR', KEYS[2])
  id = string.format('INC-%s-%04d', ARGV[2], n)
end
local raw = '{"id":' .. cjson.encode(id) .. ',"rev":1,' .. ARGV[4]
redis.call('SET', ARGV[1] .. id, raw)
redis.call('SET', KEYS[1], id)
for i = 3, 6 do redis.call('ZADD', KEYS[i], ARGV[3], id) end
for i = 7, #KEYS do
  local field = ARGV[i + 2]
  local cur = redis.call('HGET', KEYS[i], field)
  if cur then
    local _, n = string.gsub(cur, ' ', '')
    if n + 1 >= ${BUCKET_CAP} then cur = string.sub(cur, string.find(cur, ' ', 1, true) + 1) end
  end
  redis.call('HSET', KEYS[i], field, cur and (cur .. ' ' .. id) or id)
  redis.call('PEXPIRE', KEYS[i], ARGV[5])
end
if ARGV[6] ~= '' then redis.call('SET', ARGV[6] .. id, ARGV[7], 'PX', ARGV[5]) end
return {1, id, raw}`);

// KEYS[1] the global seq:<year>; ARGV: S, the shard. The next number above the counter that falls on
// the shard (n mod S = shard): numbers stay unique and increasing across shards, with gaps under S.
const NEXT_NUMBER = new Script(`
local S, shard = tonumber(ARGV[1]), tonumber(ARGV[2])
local n = tonumber(redis.call('GET', KEYS[1]) or '0') + 1
n = n + ((shard - n % S) % S)
redis.call('SET', KEYS[1], n)
return n`);

// KEYS: the duplicate-bucket hashes to read; ARGV: the field (bucket) to read in each. Returns the
// ids found, one space-separated string per bucket that has any.
const READ_BUCKETS = new Script(`
local out = {}
for i = 1, #KEYS do
  local v = redis.call('HGET', KEYS[i], ARGV[i])
  if v then out[#out + 1] = v end
end
return out`);

// KEYS: incident, idx:created, old domain idx, new domain idx, old status idx, new status idx, outbox
// hash, outbox index (all on the incident's shard). ARGV: expected rev, new record, id, createdAt ms,
// outbox field `{id}:{rev}` ('' = no entry), its payload, its time ms. Returns 1 written, 0 conflict,
// -1 gone. The outbox entry is written with the record or not at all (src/tickets/follow-ups.ts).
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
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[7], ARGV[5], ARGV[6])
  redis.call('ZADD', KEYS[8], ARGV[7], ARGV[5])
end
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
 * Conversations as JSON strings with a TTL renewed on every write, each on its key's shard. The caller
 * owns the Redis client: this store never connects, quits or disconnects it.
 */
export class RedisConversationStore implements ConversationStore {
  private readonly ks: Keyspace;
  private readonly ttlSeconds: number;

  constructor(private readonly redis: RedisClient, opts: RedisStoreOptions) {
    this.ks = new Keyspace(checkPrefix(opts.prefix), opts.shards);
    if (!opts.ttlSeconds || !Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds < 1) {
      throw new Error(`RedisConversationStore needs ttlSeconds as a whole number of seconds >= 1, got ${opts.ttlSeconds}`);
    }
    this.ttlSeconds = opts.ttlSeconds;
  }

  private keyOf(key: string) {
    return `${this.ks.forKey(key)}:conv:${key}`;
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
/** The most outbox entries one sweep reads per shard. */
const OUTBOX_BATCH = 500;
/** `<band>.<bucket>` (minhash.ts) into the hash's band and the field. */
const splitBucket = (b: string): [string, string] => {
  const dot = b.indexOf(".");
  return [b.slice(0, dot), b.slice(dot + 1)];
};
const byCreation = (a: Incident, b: Incident) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id);
const MAX_UPDATE_ATTEMPTS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The keys of one shard `p` (a prefix from the keyspace). */
const keysOf = (p: string) => ({
  incidentPrefix: `${p}:inc:`,
  incident: (id: string) => `${p}:inc:${id}`,
  conv2inc: (conversationId: string) => `${p}:conv2inc:${conversationId}`,
  seq: (year: number) => `${p}:seq:${year}`,
  created: () => `${p}:idx:created`,
  domain: (d: string) => `${p}:idx:domain:${d}`,
  status: (s: string) => `${p}:idx:status:${s}`,
  undelivered: () => `${p}:undelivered`,
  /** `{id}:{rev}` -> follow-up payload, and the same fields scored by when they were written. */
  outbox: () => `${p}:outbox`,
  outboxIndex: () => `${p}:idx:outbox`,
  bucketHash: (epoch: number, band: string) => `${p}:dup:${epoch}:${band}`,
  sketch: (id: string) => `${p}:dupsk:${id}`,
});

/**
 * Incidents as JSON strings under `{p}:inc:<id>`, with ZSET indexes scored by createdAt (ms):
 * `{p}:idx:created`, `{p}:idx:domain:<domain>`, `{p}:idx:status:<status>` and the outbox `{p}:undelivered`;
 * the follow-up outbox of updates, `{p}:outbox` (field `<id>:<rev>` -> payload) with `{p}:idx:outbox`
 * (the same fields scored by when they were written);
 * `{p}:conv2inc:<conversationId>` makes create idempotent and `{p}:seq:<year>` numbers the ids.
 * `{p}:dup:<epoch>:<band>` hashes map an LSH bucket of the description to the ids in it, and
 * `{p}:dupsk:<id>` holds an incident's trigram sketch; both expire a little after the duplicate window
 * (src/domain/duplicate-index.ts).
 * With S shards `{p}` is the shard of the incident's conversation (all of the above but the sequence,
 * which is global); an incident's number mod S names that shard, so a read by id goes straight there.
 * The caller owns the Redis client: close() leaves it connected.
 */
export class RedisIncidentStore implements IncidentStore {
  private readonly ks: Keyspace;
  private readonly windowMs: number;
  private readonly waitReplicas: number;
  private readonly waitTimeoutMs: number;

  constructor(private readonly redis: RedisClient, opts: RedisStoreOptions) {
    this.ks = new Keyspace(checkPrefix(opts.prefix), opts.shards);
    this.windowMs = opts.duplicateWindowMs ?? DUPLICATE_WINDOW_MS;
    this.waitReplicas = opts.waitReplicas ?? 0;
    this.waitTimeoutMs = opts.waitTimeoutMs ?? 500;
  }

  /**
   * Waits for the replicas of the primary holding `key` (replication is asynchronous: a failover can
   * otherwise lose the last writes a primary acknowledged). WAIT has no key, so on a cluster it rides
   * in a pipeline behind a read of `key`, which sends both to that key's primary. Fewer replicas than
   * asked within the timeout (one is down) is not an error: the write stands, as on a single server.
   */
  private async replicated(key: string): Promise<void> {
    if (this.waitReplicas < 1) return;
    await this.redis.pipeline().exists(key).call("WAIT", this.waitReplicas, this.waitTimeoutMs).exec();
  }

  async create(draft: IncidentDraft) {
    // The script adds only id and rev, so a draft that passes here is stored as a valid record.
    const { id: _id, rev: _rev, ...rest } = draft as IncidentDraft & { id?: unknown; rev?: unknown };
    const year = new Date(draft.createdAt).getUTCFullYear();
    Incident.parse({ ...rest, id: formatIncidentId(year, 1), rev: 1 });
    const shard = this.ks.shardOfKey(draft.conversationId);
    const k = keysOf(this.ks.shard(shard));
    const keys = [k.conv2inc(draft.conversationId), k.seq(year), k.created(), k.domain(draft.routing.domain), k.status(draft.status), k.undelivered()];
    const args: Array<string | number | Buffer> = [k.incidentPrefix, year, Date.parse(draft.createdAt), JSON.stringify(rest).slice(1), indexTiming(this.windowMs).ttlMs, "", "", ""];
    const entry = indexEntry(draft.answers);
    if (entry) {
      const epoch = epochOf(Date.parse(draft.createdAt), this.windowMs);
      args[5] = k.sketch("");
      args[6] = Buffer.from(encodeSketch(entry.sketch));
      for (const b of entry.buckets) {
        const [band, bucket] = splitBucket(b);
        keys.push(k.bucketHash(epoch, band));
        args.push(bucket);
      }
    }
    let reply: unknown[];
    if (this.ks.shards === 1) {
      // One shard: numbered, stored and indexed in one script, as ever.
      reply = (await CREATE_INCIDENT.run(this.redis, keys, args)) as unknown[];
    } else {
      // Several shards: the sequence is global, the incident lives on its conversation's shard, and no
      // script may span both. Ask first whether the conversation filed already (a retried answer must
      // not use up a number), then take a number of this shard and store with it. A filing racing
      // another of the same conversation, or a process dying in between, leaves a gap in the numbers,
      // never a second incident: the conversation's mark and the record are still written together.
      args[7] = "?";
      reply = (await CREATE_INCIDENT.run(this.redis, keys, args)) as unknown[];
      if (reply[0] === 2) {
        const n = Number(await NEXT_NUMBER.run(this.redis, [keysOf(this.ks.global).seq(year)], [this.ks.shards, shard]));
        args[7] = formatIncidentId(year, n);
        reply = (await CREATE_INCIDENT.run(this.redis, keys, args)) as unknown[];
      }
    }
    const [created, id, raw] = reply as [number, string, string];
    await this.replicated(k.incident(id));
    return { incident: this.parseIncident(k.incident(id), id, raw), created: created === 1 };
  }

  /** The incident's record and the shard prefix it lives on. */
  private async locate(id: string): Promise<{ p: string; incident: Incident } | undefined> {
    const home = this.ks.forIncident(id);
    const found = await this.readOne(home, id);
    if (found || this.ks.shards === 1) return found;
    // Filed under another number of shards (REDIS_SHARDS was raised since): look in the others.
    const rest = await Promise.all(this.ks.all().filter((p) => p !== home).map((p) => this.readOne(p, id)));
    return rest.find((r) => r !== undefined);
  }

  private async readOne(p: string, id: string) {
    const key = keysOf(p).incident(id);
    const raw = await this.redis.get(key);
    return raw === null ? undefined : { p, incident: this.parseIncident(key, id, raw) };
  }

  async get(id: string) {
    return (await this.locate(id))?.incident;
  }

  async byConversation(conversationId: string) {
    const home = this.ks.forKey(conversationId);
    let id = await this.redis.get(keysOf(home).conv2inc(conversationId));
    if (id === null && this.ks.shards > 1) {
      // Filed under another number of shards (REDIS_SHARDS was raised since): look in the others. Only
      // stale clicks and lost replies ask this, never the filing path.
      const rest = await Promise.all(this.ks.all().filter((p) => p !== home).map((p) => this.redis.get(keysOf(p).conv2inc(conversationId))));
      id = rest.find((x) => x !== null) ?? null;
    }
    return id === null ? undefined : this.get(id);
  }

  async update(id: string, change: (current: Incident) => Incident | undefined, opts: UpdateOptions = {}) {
    const basis = opts.basis;
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
      // The first try may take the caller's copy for the current record: the script's rev check makes
      // a stale one a conflict like any other, and the next try reads. Only on the incident's home
      // shard: one filed under another number of shards is found by reading.
      const found = attempt === 1 && basis?.id === id ? { p: this.ks.forIncident(id), incident: basis } : await this.locate(id);
      if (!found) return undefined;
      const { p, incident: current } = found;
      const fromBasis = current === basis;
      const next = change(current);
      // "Nothing to change" is only believed of the stored record: the next try reads it.
      if (!next && fromBasis) continue;
      if (!next) return current;
      const stored = Incident.parse({ ...next, id, rev: current.rev + 1 });
      const k = keysOf(p);
      const keys = [k.incident(id), k.created(), k.domain(current.routing.domain), k.domain(stored.routing.domain), k.status(current.status), k.status(stored.status), k.outbox(), k.outboxIndex()];
      // Asked on every attempt: the payload written is the one of the record written.
      const payload = opts.outbox?.(structuredClone(stored));
      const field = payload === undefined ? "" : `${id}:${stored.rev}`;
      const args = [current.rev, JSON.stringify(stored), id, Date.parse(stored.createdAt), field, payload ?? "", (opts.at ?? new Date()).getTime()];
      const result = await UPDATE_INCIDENT.run(this.redis, keys, args);
      if (result === 1) {
        await this.replicated(k.incident(id));
        return stored;
      }
      // Gone, unless the basis pointed at the wrong shard: then the next try reads where it is.
      if (result === -1 && !fromBasis) return undefined;
      if (result === -1 || fromBasis) continue;
      // Someone wrote in between: back off a random, growing while so contenders spread out.
      await sleep(Math.random() * Math.min(100, 2 ** attempt));
    }
    throw new Error(`update of ${id} conflicted with other writers ${MAX_UPDATE_ATTEMPTS} times in a row; try again`);
  }

  async list(w: IncidentWindow) {
    const from = w.from.getTime();
    const to = w.to.getTime();
    const max = `(${to}`; // exclusive upper bound
    // Each shard indexes its own incidents: read each, merge (the newest N of all are among each shard's newest N).
    const perShard = await Promise.all(
      this.ks.all().map(async (p) => {
        const k = keysOf(p);
        let ids: string[];
        if (w.newest !== undefined) {
          ids = await this.redis.zrevrangebyscore(k.created(), max, from, "LIMIT", 0, w.newest);
        } else {
          const candidates = [k.created()];
          if (w.domain) candidates.push(k.domain(w.domain));
          if (w.status) candidates.push(k.status(w.status));
          // ZCOUNT is O(log n): read from the index with the fewest members in the window.
          const counts = await Promise.all(candidates.map((key) => this.redis.zcount(key, from, max)));
          const best = candidates[counts.indexOf(Math.min(...counts))]!;
          ids = await this.redis.zrangebyscore(best, from, max);
        }
        return this.read(p, ids);
      }),
    );
    let all = perShard.flat();
    // The newest N of the deployment, then the filters, as on one shard.
    if (w.newest !== undefined && this.ks.shards > 1) all = all.sort(byCreation).slice(-w.newest);
    const out = all.filter((inc) => {
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
    const from = now.getTime() - this.windowMs;
    const perShard = await Promise.all(
      this.ks.all().map(async (p) => {
        const k = keysOf(p);
        const keys: string[] = [];
        const fields: string[] = [];
        for (const e of epochsFor(now, this.windowMs)) {
          for (const b of entry.buckets) {
            const [band, bucket] = splitBucket(b);
            keys.push(k.bucketHash(e, band));
            fields.push(bucket);
          }
        }
        // One script per shard: its bucket keys hold the shard's tag, so one slot even on a cluster.
        const found = (await READ_BUCKETS.run(this.redis, keys, fields)) as string[];
        // Ranked by shared bands, at most a bounded number per shard (duplicate-index.ts).
        const inBuckets = rankByBands(found);
        // Sketches first (4 bytes a trigram): only the records of the most similar are read and parsed
        // (in a storm hundreds are close enough: MAX_RECORDS).
        const sketches: Array<{ id: string; sketch: Uint32Array }> = [];
        for (let i = 0; i < inBuckets.length; i += MGET_BATCH) {
          const batch = inBuckets.slice(i, i + MGET_BATCH);
          const raws = await this.redis.mgetBuffer(batch.map((id) => k.sketch(id)));
          raws.forEach((raw, j) => {
            if (raw) sketches.push({ id: batch[j]!, sketch: decodeSketch(raw) });
          });
        }
        return this.read(p, closest(entry.sketch, sketches));
      }),
    );
    const out = perShard.flat().filter((inc) => {
      const t = Date.parse(inc.createdAt);
      return t >= from && t <= now.getTime();
    });
    return out.sort(byCreation);
  }

  /** The stored incidents of `ids` on shard `p` (where its indexes named them), in batches; ids whose record is gone are skipped. */
  private async read(p: string, ids: string[]): Promise<Incident[]> {
    const k = keysOf(p);
    const out: Incident[] = [];
    for (let i = 0; i < ids.length; i += MGET_BATCH) {
      const batch = ids.slice(i, i + MGET_BATCH);
      const keys = batch.map((id) => k.incident(id));
      const raws = await this.redis.mget(keys);
      raws.forEach((raw, j) => {
        if (raw !== null) out.push(this.parseIncident(keys[j]!, batch[j]!, raw));
      });
    }
    return out;
  }

  async undelivered(before: Date) {
    const perShard = await Promise.all(this.ks.all().map((p) => this.redis.zrangebyscore(keysOf(p).undelivered(), "-inf", `(${before.getTime()}`)));
    return perShard.flat();
  }

  async markDelivered(id: string) {
    // Its own shard's outbox; with several shards every outbox, as it may predate a change of REDIS_SHARDS.
    const shards = this.ks.shards === 1 ? [this.ks.global] : this.ks.all();
    await Promise.all(shards.map((p) => this.redis.zrem(keysOf(p).undelivered(), id)));
  }

  async outboxDone(id: string, rev: number) {
    // Its shard's outbox; with several shards every one, as the incident may predate a change of REDIS_SHARDS.
    const field = `${id}:${rev}`;
    await Promise.all(
      this.ks.all().map(async (p) => {
        const k = keysOf(p);
        // One tag per pipeline, so a cluster sends it to one node.
        await this.redis.pipeline().hdel(k.outbox(), field).zrem(k.outboxIndex(), field).exec();
      }),
    );
  }

  async outboxDue(before: Date): Promise<OutboxEntry[]> {
    const perShard = await Promise.all(
      this.ks.all().map(async (p) => {
        const k = keysOf(p);
        // Bounded per sweep: a backlog is worked off over the next sweeps, oldest first.
        const scored = await this.redis.zrangebyscore(k.outboxIndex(), "-inf", `(${before.getTime()}`, "WITHSCORES", "LIMIT", 0, OUTBOX_BATCH);
        const fields: string[] = [];
        const at: number[] = [];
        for (let i = 0; i < scored.length; i += 2) {
          fields.push(scored[i]!);
          at.push(Number(scored[i + 1]));
        }
        if (!fields.length) return [];
        const payloads = await this.redis.hmget(k.outbox(), ...fields);
        return fields.flatMap((field, i) => {
          const payload = payloads[i];
          const cut = field.lastIndexOf(":");
          // Done between the two reads: nothing left to replay.
          return payload == null ? [] : [{ id: field.slice(0, cut), rev: Number(field.slice(cut + 1)), payload, at: at[i]! }];
        });
      }),
    );
    return perShard
      .flat()
      .sort((a, b) => a.at - b.at)
      .map(({ id, rev, payload }) => ({ id, rev, payload }));
  }

  /** Does nothing: the Redis client belongs to the caller, who may share it with other stores. */
  async close() {}

  private parseIncident(key: string, id: string, raw: string): Incident {
    const inc = parseRecord(Incident, key, raw);
    if (inc.id !== id) throw new CorruptRecordError(key, `holds ${inc.id}, not ${id}`);
    return inc;
  }
}
