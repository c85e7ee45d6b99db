// The queue gauges' source: BullMQ's own counts of each ticket queue and of the conversation steps'
// queue ("turns"), read when Prometheus scrapes. The embedded in-memory queue has no such counts and
// exposes none (it has one process and no workers).
import type { Queue } from "bullmq";
import type { JobQueue } from "../tickets/jobs.js";
import { BullJobQueue } from "../tickets/bullmq-queue.js";
import type { TurnQueue } from "../turns/job.js";
import { BullTurnQueue } from "../turns/queue.js";
import type { QueueSource, QueueSnapshot } from "./metrics.js";

const STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;

export function queueSource(queue: JobQueue, turns?: TurnQueue, now: () => number = Date.now): QueueSource | undefined {
  if (!(queue instanceof BullJobQueue)) return undefined;
  const queues: Queue[] = [...queue.queues, ...(turns instanceof BullTurnQueue ? [turns.queue] : [])];
  return async () => {
    const snaps = await Promise.all(
      queues.map(async (q): Promise<QueueSnapshot> => {
        const [counts, oldest, workers] = await Promise.all([q.getJobCounts(...STATES), q.getWaiting(0, 0), q.getWorkersCount()]);
        const job = oldest[0];
        // A delayed job (a timer, a retry) waits from when it became due, not from when it was added.
        const dueAt = job ? job.timestamp + (job.opts.delay ?? 0) : undefined;
        return { queue: q.name, counts, oldestWaitingSeconds: dueAt === undefined ? undefined : Math.max(0, (now() - dueAt) / 1000), workers };
      }),
    );
    return mergeShards(snaps);
  };
}

/** With REDIS_SHARDS > 1 each queue name exists once per shard: one series per name (the label set stays bounded). */
function mergeShards(snaps: QueueSnapshot[]): QueueSnapshot[] {
  const byName = new Map<string, QueueSnapshot>();
  for (const s of snaps) {
    const m = byName.get(s.queue);
    if (!m) {
      byName.set(s.queue, { ...s, counts: { ...s.counts } });
      continue;
    }
    for (const [k, v] of Object.entries(s.counts)) m.counts[k] = (m.counts[k] ?? 0) + v;
    const oldest = [m.oldestWaitingSeconds, s.oldestWaitingSeconds].filter((x): x is number => x !== undefined);
    m.oldestWaitingSeconds = oldest.length ? Math.max(...oldest) : undefined;
    // Every worker process consumes every shard: the count is the same on each.
    m.workers = Math.max(m.workers, s.workers);
  }
  return [...byName.values()];
}
