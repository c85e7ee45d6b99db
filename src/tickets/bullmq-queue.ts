// Ticket jobs on BullMQ: one queue per domain (`oncall-safety`, `oncall-security`) and shard, each
// under its shard's hash-tag prefix (BullMQ's cluster rule: all of a queue's keys in one slot), job
// ids derived from the incident so each piece of work is enqueued once. A job goes to its incident's
// shard (src/store/keyspace.ts), so with REDIS_SHARDS > 1 the queues spread over a cluster's primaries
// like the incidents do; workers consume every shard's queues.
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Domain } from "../domain/vocabulary.js";
import { queueFor } from "../domain/route.js";
import type { Logger } from "../log.js";
import { watchBull } from "../redis-log.js";
import { platformOf, tagPlatform, type DeliveryObserver } from "./delivery-observer.js";
import { PERMANENT, TicketJob, jobId, type FailedJob, type JobQueue } from "./jobs.js";
import { RATE_LIMIT_MAX_MS, RETRY, rateLimitWait, retryDelay, type RetryPolicy } from "./retry.js";
import { queueTelemetry } from "../tracing.js";
import { Keyspace } from "../store/keyspace.js";

const DOMAINS: Domain[] = ["safety", "security"];
const KEEP_COMPLETED = { age: 7 * 86_400, count: 50_000 };

export class BullJobQueue implements JobQueue {
  /** every queue: per shard (0 first), safety then security. */
  readonly queues: Queue[];
  private readonly ks: Keyspace;
  private readonly byShard: Array<Record<Domain, Queue>>;

  constructor(connection: ConnectionOptions, prefix: string, log: Logger, private readonly policy: RetryPolicy = RETRY, shards = 1) {
    this.ks = new Keyspace(prefix, shards);
    const make = (d: Domain, shardPrefix: string) => {
      const q = new Queue(queueFor(d), { connection, prefix: shardPrefix, ...queueTelemetry() });
      // Connection errors while Redis is away are expected and retried; without a listener they crash.
      watchBull(q, log, "queue", queueFor(d));
      return q;
    };
    this.byShard = this.ks.all().map((p) => ({ safety: make("safety", p), security: make("security", p) }));
    this.queues = this.byShard.flatMap((qs) => DOMAINS.map((d) => qs[d]));
  }

  /** The queue of `domain` on the incident's shard. */
  private queueOf(domain: Domain, incidentId: string): Queue {
    return this.byShard[this.ks.shardOfIncident(incidentId)]![domain];
  }

  async add(domain: Domain, job: TicketJob, delayMs = 0): Promise<void> {
    await this.queueOf(domain, job.incidentId).add(job.name, job, {
      jobId: jobId(job),
      delay: delayMs,
      attempts: this.policy.attempts,
      backoff: { type: "notifier" },
      // Completed jobs are kept a week so a re-add of the same id stays a no-op; failed ones stay for replay.
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: false,
    });
  }

  async failed(): Promise<FailedJob[]> {
    const out: FailedJob[] = [];
    for (const q of this.queues) {
      for (const j of await q.getFailed(0, 999)) {
        const parsed = TicketJob.safeParse(j.data);
        if (!parsed.success || !j.id) continue;
        out.push({ queue: q.name, id: j.id, job: parsed.data, error: j.failedReason, attempts: j.attemptsMade, failedAt: new Date(j.finishedOn ?? j.timestamp).toISOString() });
      }
    }
    return out;
  }

  async replay(id: string): Promise<boolean> {
    for (const q of this.queues) {
      const job = await q.getJob(id);
      if (job && (await job.isFailed())) {
        await job.retry("failed", { resetAttemptsMade: true });
        return true;
      }
    }
    return false;
  }

  async ensure(domain: Domain, job: TicketJob, delayMs = 0): Promise<"added" | "revived" | "exists"> {
    const existing = await this.queueOf(domain, job.incidentId).getJob(jobId(job));
    if (!existing) {
      await this.add(domain, job, delayMs);
      return "added";
    }
    // A failed job blocks its id: re-adding is a no-op, so put it back (unless it can never succeed).
    if ((await existing.isFailed()) && !existing.failedReason?.startsWith(PERMANENT)) {
      await existing.retry("failed", { resetAttemptsMade: true });
      return "revived";
    }
    return "exists";
  }

  /** The oldest job waiting for a worker across all queues (delayed jobs are waiting on purpose, not counted). */
  async oldestWaiting(): Promise<Date | undefined> {
    const heads = await Promise.all(this.queues.map((q) => q.getJobs(["wait", "prioritized"], 0, 0, true)));
    // A delayed job (a retry, a timer) is due at timestamp + delay: count its wait from then.
    const times = heads.flat().map((j) => j.timestamp + (j.opts.delay ?? 0));
    return times.length ? new Date(Math.min(...times)) : undefined;
  }

  /** A cheap read through each queue's own connection: answers only when BullMQ can reach Redis. */
  async ping(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.getJobCounts("wait")));
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }
}

/** When the job first became due (enqueued, or its timer ran out), for the late-delivery alert. */
export interface JobContext {
  dueAt: number;
  jobId: string;
}
export type RunJob = (job: TicketJob, ctx: JobContext) => Promise<string>;

export interface WorkerOptions {
  concurrency: number;
  lockMs: number;
  /** how often a job may be taken over from a dead worker before BullMQ fails it (default 1000). */
  maxStalled?: number;
  policy?: RetryPolicy;
  /** counts late and failed deliveries (the process's metrics). */
  observer?: DeliveryObserver;
  /** REDIS_SHARDS: a worker consumes the queues of every shard. */
  shards?: number;
}

/**
 * Starts one worker per domain queue and shard (`options.shards`, default 1). Workers need their own
 * connection (blocking commands); BullMQ gives each worker a duplicate of it for its blocking reads.
 */
export function startWorkers(connection: ConnectionOptions, prefix: string, run: RunJob, options: WorkerOptions, log: Logger): Worker[] {
  const opts = { maxStalled: 1000, policy: RETRY, shards: 1, ...options };
  const ks = new Keyspace(prefix, opts.shards);
  return ks.all().flatMap((shardPrefix) => DOMAINS.map((d) => {
    const worker = new Worker(
      queueFor(d),
      async (job: Job, token?: string) => {
        const parsed = TicketJob.safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`${PERMANENT}malformed job ${job.id}: ${parsed.error.issues[0]?.message}`);
        const dueAt = job.timestamp + (job.opts.delay ?? 0);
        try {
          const outcome = await run(parsed.data, { dueAt, jobId: job.id ?? "" });
          log.info({ jobId: job.id, incidentId: parsed.data.incidentId, job: job.name, outcome }, "job done");
          return outcome;
        } catch (err) {
          // Waiting for a post slot (src/store/channel-pacer.ts) is the plan, not a failure: no attempt, no warning.
          const paced = (err as { paced?: boolean }).paced === true;
          if (paced && token && !(Date.now() - dueAt > opts.policy.lateAfterMs)) {
            log.debug({ jobId: job.id, incidentId: parsed.data.incidentId, err: (err as Error).message }, "job paced");
            await job.moveToDelayed(Date.now() + Math.min(rateLimitWait(err) ?? 1000, RATE_LIMIT_MAX_MS), token);
            throw new DelayedError();
          }
          const late = Date.now() - dueAt > opts.policy.lateAfterMs;
          const fields = { jobId: job.id, incidentId: parsed.data.incidentId, attempt: job.attemptsMade + 1, err: (err as Error).message };
          // Late deliveries are an operator's problem now: say so at error level on every failed try.
          if (late) {
            log.error({ ...fields, dueAt: new Date(dueAt).toISOString() }, "delivery late: still failing; retrying");
            opts.observer?.late(job.name, platformOf(err));
          } else log.warn(fields, "job failed");
          if ((err as { permanent?: boolean }).permanent) throw tagPlatform(new UnrecoverableError(`${PERMANENT}${(err as Error).message}`), platformOf(err));
          // A rate limit is the platform asking us to wait, not a failure: wait without using an attempt.
          const wait = rateLimitWait(err);
          if (wait !== undefined && token) {
            await job.moveToDelayed(Date.now() + Math.min(wait, RATE_LIMIT_MAX_MS), token);
            throw new DelayedError();
          }
          throw err;
        }
      },
      {
        connection,
        prefix: shardPrefix,
        concurrency: opts.concurrency,
        // A dead worker's job is taken over once its lock lapses and the stalled check runs.
        lockDuration: opts.lockMs,
        stalledInterval: opts.lockMs,
        // BullMQ's default (1) fails a job whose worker died twice: a second crash would lose the ticket.
        maxStalledCount: opts.maxStalled,
        ...queueTelemetry(),
        settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => retryDelay(attemptsMade, err, opts.policy) },
      },
    );
    // Without an error listener, connection errors while Redis is away crash the process.
    watchBull(worker, log, "worker", queueFor(d));
    worker.on("failed", (job, err) => {
      if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError || /stalled/.test(err.message))) {
        log.error({ jobId: job.id, err: err.message }, "job failed; the outbox sweep puts undelivered tickets back, see `triage tickets failed`");
        opts.observer?.failed(job.name, platformOf(err));
      }
    });
    return worker;
  }));
}
