// The embedded job queue: runs ticket jobs in this process with the same retry policy as BullMQ.
// Only for the single-process mode; it keeps nothing across restarts and says so at start.
import type { Clock } from "../clock.js";
import type { Domain } from "../domain/vocabulary.js";
import type { Logger } from "../log.js";
import type { JobContext } from "./bullmq-queue.js";
import { platformOf, type DeliveryObserver } from "./delivery-observer.js";
import { PERMANENT, jobId, type FailedJob, type JobQueue, type TicketJob } from "./jobs.js";
import { RATE_LIMIT_MAX_MS, RETRY, rateLimitWait, retryDelay, type RetryPolicy } from "./retry.js";

export type JobRunner = (job: TicketJob, ctx: JobContext) => Promise<string>;

export class MemoryJobQueue implements JobQueue {
  private runner: JobRunner | undefined;
  private readonly known = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failedJobs = new Map<string, FailedJob>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly policy: RetryPolicy = RETRY,
    /** counts late and failed deliveries (the process's metrics). */
    private readonly observer?: DeliveryObserver,
  ) {}

  /** Starts processing; jobs added before this wait for it. */
  process(runner: JobRunner) {
    this.runner = runner;
  }

  async add(domain: Domain, job: TicketJob, delayMs = 0): Promise<void> {
    const id = jobId(job);
    if (this.known.has(id)) return;
    this.known.add(id);
    this.schedule(`oncall-${domain}`, id, job, delayMs, 0, Date.now() + delayMs);
  }

  async ensure(domain: Domain, job: TicketJob, delayMs = 0): Promise<"added" | "revived" | "exists"> {
    const id = jobId(job);
    const f = this.failedJobs.get(id);
    if (f && !f.error.startsWith(PERMANENT)) return (await this.replay(id)) ? "revived" : "exists";
    if (this.known.has(id)) return "exists";
    await this.add(domain, job, delayMs);
    return "added";
  }

  private schedule(queue: string, id: string, job: TicketJob, delayMs: number, attempts: number, dueAt: number, retry = attempts > 0) {
    // idle() waits for work in hand and retries, not for escalation timers minutes away.
    const tracked = retry || delayMs === 0;
    if (tracked) this.inFlight++;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!tracked) this.inFlight++;
      void this.attempt(queue, id, job, attempts + 1, dueAt).finally(() => this.done());
    }, delayMs);
    // Escalation timers must not keep a finished console session alive.
    t.unref();
    this.timers.add(t);
  }

  private async attempt(queue: string, id: string, job: TicketJob, attempts: number, dueAt: number) {
    if (!this.runner) return this.schedule(queue, id, job, 50, attempts - 1, dueAt);
    try {
      const outcome = await this.runner(job, { dueAt, jobId: id });
      this.log.debug({ jobId: id, incidentId: job.incidentId, outcome }, "job done");
    } catch (err) {
      const permanent = (err as { permanent?: boolean }).permanent === true;
      if (!permanent && Date.now() - dueAt > this.policy.lateAfterMs) {
        this.log.error({ jobId: id, incidentId: job.incidentId, err: (err as Error).message }, "delivery late: still failing; retrying");
        this.observer?.late(job.name, platformOf(err));
      }
      // As on BullMQ: a rate limit waits out Retry-After without using up an attempt.
      const wait = rateLimitWait(err);
      if (!permanent && wait !== undefined) return this.schedule(queue, id, job, Math.min(wait, RATE_LIMIT_MAX_MS), attempts - 1, dueAt, true);
      if (!permanent && attempts < this.policy.attempts) {
        this.schedule(queue, id, job, retryDelay(attempts, err, this.policy), attempts, dueAt);
        return;
      }
      const error = (permanent ? PERMANENT : "") + (err instanceof Error ? err.message : String(err));
      this.failedJobs.set(id, { queue, id, job, error, attempts, failedAt: this.clock.now().toISOString() });
      this.log.error({ jobId: id, incidentId: job.incidentId, err: error }, "job failed after retries");
      this.observer?.failed(job.name, platformOf(err));
    }
  }

  private done() {
    this.inFlight--;
    if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves once no job is pending or running (delayed timers count as pending). */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  async failed() {
    return [...this.failedJobs.values()];
  }

  async replay(id: string) {
    const f = this.failedJobs.get(id);
    if (!f) return false;
    this.failedJobs.delete(id);
    this.schedule(f.queue, id, f.job, 0, 0, Date.now());
    return true;
  }

  async ping() {}

  async close() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
