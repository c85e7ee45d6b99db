// Paces posts per channel under the platform's limit (Slack: about one chat.postMessage per second per
// channel), across every worker process. A generic cell rate algorithm: each channel keeps the time
// its next post is due; a post may go when that time is at most `burst - 1` intervals ahead. A worker
// that gets no go re-delays its job by the wait (without using up a delivery attempt), so a storm of
// posts queues up in Redis instead of being answered with 429s. Redis's own clock decides, so workers
// on different machines share one view of time.
import type { RedisClient } from "../redis.js";
import { Script, checkPrefix } from "./redis.js";

export interface PacePolicy {
  /** the spacing of posts to one channel; 0 turns pacing off. */
  intervalMs: number;
  /** posts one channel may take back to back after a quiet spell (1: never more than one per interval). */
  burst: number;
}

export interface ChannelPacer {
  /** 0 when a post to `channel` may go now (and it is counted); otherwise how many ms to wait first. */
  take(channel: string): Promise<number>;
}

/** The decision, shared by both backends: the new due time, or the wait. */
export function gcra(due: number | undefined, now: number, p: PacePolicy): { wait: number; due: number } {
  const from = Math.max(due ?? now, now);
  const ahead = from - now;
  const room = (Math.max(1, p.burst) - 1) * p.intervalMs;
  if (ahead > room) return { wait: ahead - room, due: from };
  return { wait: 0, due: from + p.intervalMs };
}

/** One process's channels: the embedded mode, where one worker posts. */
export class MemoryChannelPacer implements ChannelPacer {
  private readonly due = new Map<string, number>();
  constructor(private readonly policy: PacePolicy, private readonly now: () => number = Date.now) {}

  async take(channel: string): Promise<number> {
    if (this.policy.intervalMs <= 0) return 0;
    const d = gcra(this.due.get(channel), this.now(), this.policy);
    if (!d.wait) this.due.set(channel, d.due);
    return d.wait;
  }
}

// KEYS: the channel's due time. ARGV: interval ms, burst. Returns the wait in ms (0: go, counted).
const TAKE = new Script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = math.max(1, tonumber(ARGV[2]))
local due = tonumber(redis.call('GET', KEYS[1]) or now)
if due < now then due = now end
local room = (burst - 1) * interval
if due - now > room then return due - now - room end
redis.call('SET', KEYS[1], due + interval, 'PX', due + interval - now + 1000)
return 0`);

/** Channels shared by every worker of a deployment, under `{prefix}:pace:`; the caller owns the client. */
export class RedisChannelPacer implements ChannelPacer {
  private readonly prefix: string;
  constructor(private readonly redis: RedisClient, prefix: string, private readonly policy: PacePolicy) {
    this.prefix = checkPrefix(prefix);
  }

  async take(channel: string): Promise<number> {
    if (this.policy.intervalMs <= 0) return 0;
    return Number(await TAKE.run(this.redis, [`${this.prefix}:pace:${channel}`], [this.policy.intervalMs, this.policy.burst]));
  }
}
