// Where a key lives on a Redis Cluster. Every key starts with a hash tag, and a cluster places a key by
// its tag alone, so the tags decide how the load spreads: one tag puts the whole deployment on one
// shard. The keyspace has S shard tags (REDIS_SHARDS) and every caller asks it for the tag of what
// it stores, instead of writing `${prefix}:...` itself:
//   shard 0: the prefix itself, `{triage}` (so S = 1 is exactly the single-tag layout of before, and
//            data written before sharding stays where shard 0 reads it); shard i > 0: `{triage:i}`.
//   global:  `{triage}` too: the few keys that must be one atomic unit across the deployment (the
//            incident sequence, rate-limit counters, the worker heartbeat, digest marks).
// A conversation or any other keyed thing goes to hash(key) mod S; an incident to its number mod S
// (the sequence hands out numbers of the conversation's shard, src/store/redis.ts), so its shard is
// read from its id without a look-up. A Lua script may only touch keys of one tag: keep each
// script's keys under one `shard(i)`, or under `global`.
export class Keyspace {
  readonly shards: number;

  constructor(readonly prefix: string, shards = 1) {
    if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a whole number >= 1, got ${shards}`);
    const open = prefix.indexOf("{");
    const close = open < 0 ? -1 : prefix.indexOf("}", open + 1);
    if (close <= open + 1) throw new Error(`Redis key prefix '${prefix}' must contain a hash tag such as {triage}`);
    this.shards = shards;
    this.close = close;
  }
  private readonly close: number;

  /** The tag for keys that must stay together across the whole deployment. */
  get global(): string {
    return this.prefix;
  }

  /** The prefix of shard `i`: `{triage}` for 0, `{triage:i}` after. */
  shard(i: number): string {
    if (i === 0) return this.prefix;
    return `${this.prefix.slice(0, this.close)}:${i}${this.prefix.slice(this.close)}`;
  }

  /** Every shard's prefix, 0 first: what a reader merges and a worker consumes. */
  all(): string[] {
    return Array.from({ length: this.shards }, (_, i) => this.shard(i));
  }

  /** The shard of any keyed thing (a conversation key, a request id). */
  shardOfKey(key: string): number {
    return this.shards === 1 ? 0 : fnv1a(key) % this.shards;
  }

  /** The shard an incident was filed on under this layout: its number mod S (0 for an id of another form). */
  shardOfIncident(id: string): number {
    const m = /-(\d+)$/.exec(id);
    return this.shards === 1 || !m ? 0 : Number(m[1]) % this.shards;
  }

  forKey(key: string): string {
    return this.shard(this.shardOfKey(key));
  }

  forIncident(id: string): string {
    return this.shard(this.shardOfIncident(id));
  }
}

/** 32-bit FNV-1a: stable across processes and versions (the shard of a key must never change). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
