// Record, then send: a step's outgoing messages are stored (with how many were sent) before the first
// is sent, so a worker that dies after the bot saved the step and before the person heard of it leaves
// a successor the exact messages to send, from the first one not yet sent. Records expire after a day.
import type { RedisClient } from "../redis.js";
import type { z } from "zod";
import { CorruptRecordError } from "../store/redis.js";

const TTL_SECONDS = 86_400;

export interface Outgoing<Call> {
  calls: Call[];
  /** calls[0 .. sent-1] were sent. */
  sent: number;
}

export class TurnOutbox<Call> {
  constructor(private readonly redis: RedisClient, private readonly prefix: string, private readonly schema: z.ZodType<Call>) {}

  private keyOf(jobId: string) {
    return `${this.prefix}:turns:out:${jobId}`;
  }

  async get(jobId: string): Promise<Outgoing<Call> | undefined> {
    const k = this.keyOf(jobId);
    const r = await this.redis.hmget(k, "calls", "sent");
    if (r[0] === null) return undefined;
    try {
      const calls = (JSON.parse(r[0]!) as unknown[]).map((c) => this.schema.parse(c));
      return { calls, sent: Number(r[1] ?? 0) };
    } catch (e) {
      throw new CorruptRecordError(k, (e as Error).message);
    }
  }

  async put(jobId: string, calls: Call[]): Promise<void> {
    const k = this.keyOf(jobId);
    const r = await this.redis.multi().hset(k, "calls", JSON.stringify(calls.map((c) => this.schema.parse(c))), "sent", 0).expire(k, TTL_SECONDS).exec();
    const failed = r?.find(([err]) => err);
    if (!r || failed) throw failed?.[0] ?? new Error("transaction aborted");
  }

  async sent(jobId: string, count: number): Promise<void> {
    await this.redis.hset(this.keyOf(jobId), "sent", count);
  }
}
