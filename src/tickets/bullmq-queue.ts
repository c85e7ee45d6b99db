// Ticket jobs on BullMQ: one queue per domain (`oncall-safety`, `oncall-security`) under a Redis
// Cluster hash-tag prefix, job ids derived from the incident so each piece of work is enqueued once.
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Domain } from "../domain/vocabulary.js";
import { queueFor } from "../domain/route.js";
import type { Logger } from "../log.js";
import { RETRY, TicketJob, jobId, retryDelay, type FailedJob, type JobQueue } from "./jobs.js";

const DOMAINS: Domain[] = ["safety", "security"];
const KEEP_COMPLETED = { age: 7 * 86_400, count: 50_000 };

export class BullJobQueue implements JobQueue {
  readonly queues: Record<Domain, Queue>;

  constructor(connection: ConnectionOptions, prefix: string, log: Logger) {
    const make = (d: Domain) => {
      const q = new Queue(queueFor(d), { connection, prefix });
      // Connection errors while Redis is away are expected and retried; without a listener they crash.
      q.on("error", (err) => log.debug({ queue: queueFor(d), err: err.message }, "queue connection error"));
      return q;
    };
    this.queues = { safety: make("safety"), security: make("security") };
  }

  async add(domain: Domain, job: TicketJob, delayMs = 0): Promise<void> {
    await this.queues[domain].add(job.name, job, {
      jobId: jobId(job),
      delay: delayMs,
      attempts: RETRY.attempts,
      backoff: { type: "notifier" },
      // Completed jobs are kept a week so a re-add of the same id stays a no-op; failed ones stay for replay.
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: false,
    });
  }

  async failed(): Promise<FailedJob[]> {
    const out: FailedJob[] = [];
    for (const d of DOMAINS) {
      for (const j of await this.queues[d].getFailed(0, 999)) {
        const parsed = TicketJob.safeParse(j.data);
        if (!parsed.success || !j.id) continue;
        out.push({ queue: queueFor(d), id: j.id, job: parsed.data, error: j.failedReason, attempts: j.attemptsMade, failedAt: new Date(j.finishedOn ?? j.timestamp).toISOString() });
      }
    }
    return out;
  }

  async replay(id: string): Promise<boolean> {
    for (const d of DOMAINS) {
      const job = await this.queues[d].getJob(id);
      if (job && (await job.isFailed())) {
        await job.retry("failed", { resetAttemptsMade: true });
        return true;
      }
    }
    return false;
  }

  /** A cheap read through each queue's own connection: answers only when BullMQ can reach Redis. */
  async ping(): Promise<void> {
    await Promise.all(DOMAINS.map((d) => this.queues[d].getJobCounts("wait")));
  }

  async close(): Promise<void> {
    await Promise.all(DOMAINS.map((d) => this.queues[d].close()));
  }
}

export type RunJob = (job: TicketJob) => Promise<string>;

/** Starts one worker per domain queue. Workers need their own connection (blocking commands). */
export function startWorkers(
  connection: ConnectionOptions,
  prefix: string,
  run: RunJob,
  opts: { concurrency: number; lockMs: number },
  log: Logger,
): Worker[] {
  return DOMAINS.map((d) => {
    const worker = new Worker(
      queueFor(d),
      async (job: Job) => {
        const parsed = TicketJob.safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`malformed job ${job.id}: ${parsed.error.issues[0]?.message}`);
        try {
          const outcome = await run(parsed.data);
          log.info({ jobId: job.id, incidentId: parsed.data.incidentId, job: job.name, outcome }, "job done");
          return outcome;
        } catch (err) {
          log.warn({ jobId: job.id, incidentId: parsed.data.incidentId, attempt: job.attemptsMade + 1, err: (err as Error).message }, "job failed");
          if ((err as { permanent?: boolean }).permanent) throw new UnrecoverableError((err as Error).message);
          throw err;
        }
      },
      {
        connection,
        prefix,
        concurrency: opts.concurrency,
        // A dead worker's job is taken over once its lock lapses and the stalled check runs.
        lockDuration: opts.lockMs,
        stalledInterval: opts.lockMs,
        settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => retryDelay(attemptsMade, err) },
      },
    );
    // Without an error listener, connection errors while Redis is away crash the process.
    worker.on("error", (err) => log.warn({ queue: queueFor(d), err: err.message }, "worker connection error"));
    worker.on("failed", (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) log.error({ jobId: job.id, err: err.message }, "job failed after retries; see `triage tickets failed`");
    });
    return worker;
  });
}
