// Keeps a conversation's steps in order across any number of workers. BullMQ (open source) has no
// job groups, so each conversation key has one small hash: `n`, the last sequence number handed out
// (HINCRBY when a step is enqueued), and `done`, the highest step finished such that every step
// before it is finished too. A worker runs step s only when done = s-1; a step whose job finally
// failed (or that was lost between its number and its enqueue) still moves `done` on, so one bad step
// never blocks the conversation; a re-run of a step at or below `done` is skipped. `done` only moves by
// compare-and-set from s-1 to s, so it can never pass a step that has not finished.
import type { RedisClient } from "../redis.js";
import { Script } from "../store/redis.js";

/** Idle conversations' counters expire; a week is far past any job's life (retries included). */
const TTL_MS = 7 * 86_400_000;

const ADVANCE = new Script(`
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
if done == tonumber(ARGV[1]) - 1 then
  redis.call('HSET', KEYS[1], 'done', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(ARGV[1])
end
return done`);

// ADVANCE, also answering how many steps were enqueued: whether a next step may be waiting.
const FINISH = new Script(`
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
if done == tonumber(ARGV[1]) - 1 then
  redis.call('HSET', KEYS[1], 'done', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  done = tonumber(ARGV[1])
end
return {done, tonumber(redis.call('HGET', KEYS[1], 'n') or '0')}`);

export class TurnOrder {
  constructor(private readonly redis: RedisClient, private readonly prefix: string) {}

  private keyOf(key: string) {
    return `${this.prefix}:turns:order:${key}`;
  }

  /** The next step's number for this conversation (1, 2, ...), in one round trip. */
  async next(key: string): Promise<number> {
    const k = this.keyOf(key);
    const r = await this.redis.multi().hincrby(k, "n", 1).pexpire(k, TTL_MS).exec();
    const [err, n] = r?.[0] ?? [new Error("transaction aborted"), undefined];
    if (err) throw err;
    return Number(n);
  }

  /** How many steps were enqueued for this conversation so far. */
  async enqueued(key: string): Promise<number> {
    return Number((await this.redis.hget(this.keyOf(key), "n")) ?? 0);
  }

  /** The highest step finished with all before it. */
  async done(key: string): Promise<number> {
    return Number((await this.redis.hget(this.keyOf(key), "done")) ?? 0);
  }

  /** advance(), in the same round trip telling how many steps were enqueued (a later one may wait). */
  async finish(key: string, seq: number): Promise<{ done: number; enqueued: number }> {
    const [done, enqueued] = (await FINISH.run(this.redis, [this.keyOf(key)], [seq, TTL_MS])) as [number, number];
    return { done: Number(done), enqueued: Number(enqueued) };
  }

  /** Marks step `seq` finished if `seq - 1` was the last one; returns `done` afterwards. */
  async advance(key: string, seq: number): Promise<number> {
    return Number(await ADVANCE.run(this.redis, [this.keyOf(key)], [seq, TTL_MS]));
  }
}
