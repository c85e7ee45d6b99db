// A short-lived "seen" set: the first delivery of a request id wins, every later one within the TTL
// is a replay. Chat platforms sign requests but do not remember them (a Slack signature stays valid
// for 5 minutes), so the bot must. With Redis the set is shared by every web process (SET NX EX under
// the deployment prefix); the embedded mode keeps it in this process.
import type { RedisClient } from "../redis.js";
import { Keyspace } from "./keyspace.js";

export interface SeenSet {
  /** true the first time `id` is offered within `ttlSeconds`; false for every repeat. */
  first(id: string, ttlSeconds: number): Promise<boolean>;
}

/** One key per request id, on the id's shard (REDIS_SHARDS): every request writes one, so they spread. */
export class RedisSeenSet implements SeenSet {
  private readonly ks: Keyspace;
  constructor(private readonly redis: RedisClient, prefix: string, shards = 1) {
    this.ks = new Keyspace(prefix, shards);
  }
  async first(id: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(`${this.ks.forKey(id)}:seen:${id}`, "1", "EX", ttlSeconds, "NX")) === "OK";
  }
}

export class MemorySeenSet implements SeenSet {
  private readonly seen = new Map<string, number>();
  private checks = 0;
  constructor(private readonly now: () => number = Date.now) {}
  async first(id: string, ttlSeconds: number): Promise<boolean> {
    const t = this.now();
    // TTLs differ per caller, so expired marks are swept now and then rather than kept in order.
    if (++this.checks % 1000 === 0) for (const [k, exp] of this.seen) if (exp <= t) this.seen.delete(k);
    const exp = this.seen.get(id);
    if (exp !== undefined && exp > t) return false;
    this.seen.set(id, t + ttlSeconds * 1000);
    return true;
  }
}
