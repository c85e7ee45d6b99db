// The storm index: per storm signature (src/domain/storm.ts), which reports were counted and when, and
// which incident is the storm's parent. Shared by every worker process, so the first incident of a
// storm is its parent whichever worker delivered it, and a retried job counts its report once. In
// Redis one script counts the report, names the parent if there is none yet and reads the tally.
import type { RedisClient } from "../redis.js";
import type { StormTally } from "../domain/storm.js";
import { Script, checkPrefix } from "./redis.js";

export interface StormIndex {
  /**
   * Counts `member` once (a retry does not count it again) in storm `signature` at `now`; `parent`
   * becomes the storm's parent if it has none. The storm is forgotten `ttlMs` after its last report.
   */
  note(signature: string, member: string, now: Date, o: { parent?: string; windowMs: number; ttlMs: number }): Promise<StormTally>;
  /** Every report counted in the storm, in the order they were counted (a later one never comes before). */
  members(signature: string): Promise<string[]>;
  /** Makes `next` the parent where `previous` still is (the previous parent was resolved). */
  replaceParent(signature: string, previous: string, next: string): Promise<boolean>;
}

/** One process's storms: the embedded mode and tests. */
export class MemoryStormIndex implements StormIndex {
  private readonly storms = new Map<string, { members: Map<string, number>; parent?: string; until: number }>();

  private live(signature: string, now: number) {
    const s = this.storms.get(signature);
    return s && s.until > now ? s : undefined;
  }

  async note(signature: string, member: string, now: Date, o: { parent?: string; windowMs: number; ttlMs: number }): Promise<StormTally> {
    const t = now.getTime();
    const s = this.live(signature, t) ?? { members: new Map<string, number>(), until: 0 };
    this.storms.set(signature, s);
    if (!s.members.has(member)) s.members.set(member, t);
    s.parent ??= o.parent;
    s.until = t + o.ttlMs;
    const recent = [...s.members.values()].filter((at) => at >= t - o.windowMs).length;
    return { ...(s.parent ? { parent: s.parent } : {}), recent };
  }

  async members(signature: string): Promise<string[]> {
    const s = this.storms.get(signature);
    return s ? [...s.members.keys()] : [];
  }

  async replaceParent(signature: string, previous: string, next: string): Promise<boolean> {
    const s = this.storms.get(signature);
    if (!s || s.parent !== previous) return false;
    s.parent = next;
    return true;
  }
}

// KEYS: the storm's members (a sorted set scored by time, for the window's count), its parent, the
// members in the order they were counted (a list: the parent's thread lists them by position, so a
// report counted late must come after those already listed, whatever its time).
// ARGV: member, now ms, window ms, ttl ms, parent candidate ('' for none).
// Returns { parent or '', reports within the window }.
const NOTE = new Script(`
if redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1]) == 1 then redis.call('RPUSH', KEYS[3], ARGV[1]) end
if ARGV[5] ~= '' then redis.call('SET', KEYS[2], ARGV[5], 'NX') end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
local recent = redis.call('ZCOUNT', KEYS[1], tonumber(ARGV[2]) - tonumber(ARGV[3]), '+inf')
return { redis.call('GET', KEYS[2]) or '', recent }`);

// KEYS: the storm's parent. ARGV: previous parent, next parent. Returns 1 when replaced.
const REPLACE = new Script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`);

/** Storms shared by every process of a deployment, under `{prefix}:storm:`; the caller owns the client. */
export class RedisStormIndex implements StormIndex {
  private readonly prefix: string;

  constructor(private readonly redis: RedisClient, prefix: string) {
    this.prefix = checkPrefix(prefix);
  }

  private readonly k = {
    members: (signature: string) => `${this.prefix}:storm:${signature}:members`,
    parent: (signature: string) => `${this.prefix}:storm:${signature}:parent`,
    order: (signature: string) => `${this.prefix}:storm:${signature}:order`,
  };

  async note(signature: string, member: string, now: Date, o: { parent?: string; windowMs: number; ttlMs: number }): Promise<StormTally> {
    const args = [member, now.getTime(), o.windowMs, o.ttlMs, o.parent ?? ""];
    const [parent, recent] = (await NOTE.run(this.redis, [this.k.members(signature), this.k.parent(signature), this.k.order(signature)], args)) as [string, number];
    return { ...(parent ? { parent } : {}), recent: Number(recent) };
  }

  async members(signature: string): Promise<string[]> {
    return this.redis.lrange(this.k.order(signature), 0, -1);
  }

  async replaceParent(signature: string, previous: string, next: string): Promise<boolean> {
    return Number(await REPLACE.run(this.redis, [this.k.parent(signature)], [previous, next])) === 1;
  }
}
