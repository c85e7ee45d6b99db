// The RateLimiter port's two backends. Both keep two fixed-window counters per bucket (this window and
// the previous one) and decide with the sliding-window estimate of src/domain/limits.ts. In Redis one
// Lua script checks every bucket and counts them all or none, so concurrent web processes can never
// overshoot a limit between a read and a write. Time comes from the caller's clock, not Redis TIME,
// so tests can move it; web processes' clocks only need to agree to about a second.
import type { RedisClient } from "../redis.js";
import { decide, windowOf, type Bucket, type LimitDecision } from "../domain/limits.js";
import { Script, checkPrefix } from "./redis.js";
import type { RateLimiter } from "./types.js";

/** One process's counters: the embedded mode and tests. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counts = new Map<string, { index: number; current: number; previous: number }>();

  async take(buckets: Bucket[], now: Date): Promise<LimitDecision> {
    const t = now.getTime();
    const states = buckets.map((b) => {
      const { index } = windowOf(t, b.windowMs);
      const s = this.counts.get(b.key);
      // Roll the window forward: the old current becomes previous only if it is the adjacent window.
      if (!s || s.index < index - 1) return { index, current: 0, previous: 0 };
      if (s.index === index - 1) return { index, current: 0, previous: s.current };
      return { ...s };
    });
    for (const [i, b] of buckets.entries()) {
      const d = decide(b, states[i]!.previous, states[i]!.current, t);
      if (!d.ok) return d;
    }
    buckets.forEach((b, i) => this.counts.set(b.key, { ...states[i]!, current: states[i]!.current + 1 }));
    return { ok: true };
  }
}

// KEYS: per bucket, its current then its previous window counter.
// ARGV: now ms, then per bucket: max, window ms, window start ms.
// Returns 0 when every bucket had room (and all were counted), else the 1-based bucket that refused.
const TAKE = new Script(`
local now = tonumber(ARGV[1])
local n = #KEYS / 2
for i = 1, n do
  local max = tonumber(ARGV[3 * i - 1])
  local win = tonumber(ARGV[3 * i])
  local start = tonumber(ARGV[3 * i + 1])
  local cur = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local prev = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  if prev * (1 - (now - start) / win) + cur + 1 > max then return i end
end
for i = 1, n do
  redis.call('INCR', KEYS[2 * i - 1])
  redis.call('PEXPIRE', KEYS[2 * i - 1], 2 * tonumber(ARGV[3 * i]))
end
return 0`);

/** Counters shared by every process of a deployment, under `{prefix}:rl:`; the caller owns the client. */
export class RedisRateLimiter implements RateLimiter {
  private readonly prefix: string;

  constructor(private readonly redis: RedisClient, prefix: string) {
    this.prefix = checkPrefix(prefix);
  }

  async take(buckets: Bucket[], now: Date): Promise<LimitDecision> {
    if (!buckets.length) return { ok: true };
    const t = now.getTime();
    const keys: string[] = [];
    const args: number[] = [t];
    for (const b of buckets) {
      const { index, start } = windowOf(t, b.windowMs);
      keys.push(`${this.prefix}:rl:${b.key}:${index}`, `${this.prefix}:rl:${b.key}:${index - 1}`);
      args.push(b.max, b.windowMs, start);
    }
    const refused = Number(await TAKE.run(this.redis, keys, args));
    if (refused === 0) return { ok: true };
    const b = buckets[refused - 1]!;
    return { ok: false, bucket: b, retryAfterMs: windowOf(t, b.windowMs).start + b.windowMs - t };
  }
}
