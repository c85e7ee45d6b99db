// The "turns" queue on BullMQ, under the deployment's hash-tagged prefix like the ticket queues. The
// web process only enqueues here (a step's number, then the job: two short Redis calls after the ack);
// workers run the steps (src/turns/worker.ts).
import { Queue } from "bullmq";
import type { RedisClient } from "../redis.js";
import type { Logger } from "../log.js";
import { watchBull } from "../redis-log.js";
import { queueTelemetry } from "../tracing.js";
import { TURNS_QUEUE, TurnJob, redactInput, turnJobId, type TurnQueue, type TurnRequestJob } from "./job.js";
import { TurnOrder } from "./order.js";

/** A person is waiting: a few quick tries, then they are told it failed (src/turns/worker.ts). */
export const TURN_ATTEMPTS = 4;
export const TURN_BACKOFF_MS = 500;

export class BullTurnQueue implements TurnQueue {
  readonly queue: Queue;
  private readonly order: TurnOrder;

  /** `redis` is the store's fail-fast connection: an enqueue during an outage fails and the person is told. */
  constructor(redis: RedisClient, prefix: string, log: Logger) {
    this.queue = new Queue(TURNS_QUEUE, { connection: redis, prefix, ...queueTelemetry() });
    watchBull(this.queue, log, "queue", TURNS_QUEUE);
    this.order = new TurnOrder(redis, prefix);
  }

  async enqueue(request: TurnRequestJob): Promise<void> {
    const seq = await this.order.next(request.key);
    // Secrets never enter Redis, not even in a queued step: the text is redacted here, before the
    // job is written (the bot counts the markers as found and tells the person, src/bot/intake.ts).
    const job = TurnJob.parse({ ...request, input: redactInput(request.input), seq });
    await this.queue.add("turn", job, {
      jobId: turnJobId(job.key, seq),
      attempts: TURN_ATTEMPTS,
      backoff: { type: "exponential", delay: TURN_BACKOFF_MS },
      // Kept a while so the ordering check can tell a finished step from one never enqueued.
      removeOnComplete: { age: 3600, count: 20_000 },
      removeOnFail: { age: 7 * 86_400 },
    });
  }

  async oldestWaiting(): Promise<Date | undefined> {
    const [head] = await this.queue.getJobs(["wait", "prioritized"], 0, 0, true);
    return head ? new Date(head.timestamp + (head.opts.delay ?? 0)) : undefined;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
