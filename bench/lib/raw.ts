// The raw BullMQ side of figures 2 and 3, driven from the bench process: jobs of the same size and
// options as ours (src/tickets/bullmq-queue.ts: job id, 6 attempts, custom backoff, completed jobs
// kept) added to queues that bench/lib/raw-worker.ts processes without doing anything.
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { RAW_PREFIX } from "./stack.js";
import type { Child } from "./procs.js";
import { nowNs, sleep } from "./stats.js";

export const RAW_QUEUES = ["raw-a", "raw-b"];
const KEEP_COMPLETED = { age: 7 * 86_400, count: 50_000 };

export class RawQueues {
  readonly queues: Queue[];
  private seq = 0;
  constructor(connection: Redis) {
    this.queues = RAW_QUEUES.map((q) => new Queue(q, { connection, prefix: RAW_PREFIX }));
  }

  /** Adds one job the size of a ticket job; returns its seq and when add() was called. */
  async add(): Promise<{ seq: number; atNs: bigint }> {
    const seq = ++this.seq;
    const atNs = nowNs();
    const incidentId = `INC-2026-${String(seq).padStart(4, "0")}`;
    await this.queues[seq % this.queues.length]!.add(
      "deliver",
      { name: "deliver", incidentId, routeCount: 1, seq },
      { jobId: `${incidentId}.r1`, attempts: 6, backoff: { type: "notifier" }, removeOnComplete: KEEP_COMPLETED, removeOnFail: false },
    );
    return { seq, atNs };
  }

  async completed(): Promise<number> {
    const counts = await Promise.all(this.queues.map((q) => q.getJobCounts("completed")));
    return counts.reduce((a, c) => a + (c.completed ?? 0), 0);
  }

  close() {
    return Promise.all(this.queues.map((q) => q.close()));
  }
}

/** add-to-process latencies (ms) of raw jobs added at `rate`/s for `seconds`, open loop. */
export async function rawLatency(raw: RawQueues, worker: Child, rate: number, seconds: number): Promise<number[]> {
  const adds = new Map<number, bigint>();
  const before = (await worker.ask<{ starts: Array<[number, string]> }>({ type: "starts", since: 0 })).starts.length;
  const n = Math.round(rate * seconds);
  const t0 = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(raw.add().then((a) => adds.set(a.seq, a.atNs)));
  }
  await Promise.all(pending);
  const deadline = Date.now() + 30_000;
  let starts: Array<[number, string]> = [];
  while (Date.now() < deadline) {
    starts = (await worker.ask<{ starts: Array<[number, string]> }>({ type: "starts", since: before })).starts;
    if (starts.length >= n) break;
    await sleep(50);
  }
  if (starts.length < n) throw new Error(`raw worker started only ${starts.length} of ${n} jobs`);
  return starts.filter(([seq]) => adds.has(seq)).map(([seq, ns]) => Number(BigInt(ns) - adds.get(seq)!) / 1e6);
}
