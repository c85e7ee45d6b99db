// What the digest remembers between checks: the scheduled time of the last posted run, a claim per run
// (so two workers never both post it) and the destinations a run already reached (so a retry after a
// partial failure only sends to the rest). Redis for workers, memory for the embedded mode.
import { createHash } from "node:crypto";
import type { RedisClient } from "../redis.js";

export interface DigestMarks {
  /** the scheduled time of the last posted run; undefined when none was ever posted. */
  last(): Promise<Date | undefined>;
  /** records `at` as the last posted run, unless a later run is already recorded. */
  setLast(at: Date): Promise<void>;
  /** true for exactly one caller per run, until released (or, in Redis, for a day). */
  claim(at: Date): Promise<boolean>;
  release(at: Date): Promise<void>;
  delivered(at: Date): Promise<Set<string>>;
  markDelivered(at: Date, destination: string): Promise<void>;
}

const CLAIM_TTL_S = 86_400;
const SENT_TTL_S = 8 * 86_400;

// KEYS[1] last; ARGV[1] scheduled time (ms). Compare-and-set in one script: a slow worker finishing an
// older run can never move the marker back.
const SET_IF_NEWER = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '')
if cur and cur >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;
const SET_IF_NEWER_SHA = createHash("sha1").update(SET_IF_NEWER).digest("hex");

/** Keys `{p}:digest:last` (ms), `{p}:digest:claim:<ms>`, `{p}:digest:sent:<ms>`: one hash slot with the queue. */
export class RedisDigestMarks implements DigestMarks {
  constructor(private readonly redis: RedisClient, private readonly prefix: string) {}

  private key = (what: string, at?: Date) => `${this.prefix}:digest:${what}${at ? `:${at.getTime()}` : ""}`;

  async last() {
    const v = await this.redis.get(this.key("last"));
    return v === null || !Number.isFinite(Number(v)) ? undefined : new Date(Number(v));
  }

  async setLast(at: Date) {
    const keys = [this.key("last")];
    try {
      await this.redis.evalsha(SET_IF_NEWER_SHA, 1, ...keys, at.getTime());
    } catch (e) {
      if (!(e instanceof Error) || !e.message.includes("NOSCRIPT")) throw e; // wrapped in a redirection error on a cluster
      await this.redis.eval(SET_IF_NEWER, 1, ...keys, at.getTime());
    }
  }

  async claim(at: Date) {
    return (await this.redis.set(this.key("claim", at), String(process.pid), "EX", CLAIM_TTL_S, "NX")) === "OK";
  }

  async release(at: Date) {
    await this.redis.del(this.key("claim", at));
  }

  async delivered(at: Date) {
    return new Set(await this.redis.smembers(this.key("sent", at)));
  }

  async markDelivered(at: Date, destination: string) {
    await this.redis.multi().sadd(this.key("sent", at), destination).expire(this.key("sent", at), SENT_TTL_S).exec();
  }
}

/** One process only: nothing survives a restart, so the embedded mode never catches up a run. */
export class MemoryDigestMarks implements DigestMarks {
  private lastAt: number | undefined;
  private readonly claims = new Set<number>();
  private readonly sent = new Map<number, Set<string>>();

  async last() {
    return this.lastAt === undefined ? undefined : new Date(this.lastAt);
  }
  async setLast(at: Date) {
    if (this.lastAt === undefined || at.getTime() > this.lastAt) this.lastAt = at.getTime();
  }
  async claim(at: Date) {
    if (this.claims.has(at.getTime())) return false;
    this.claims.add(at.getTime());
    return true;
  }
  async release(at: Date) {
    this.claims.delete(at.getTime());
  }
  async delivered(at: Date) {
    return new Set(this.sent.get(at.getTime()));
  }
  async markDelivered(at: Date, destination: string) {
    this.sent.set(at.getTime(), new Set([...(this.sent.get(at.getTime()) ?? []), destination]));
  }
}
