// Runs conversation steps from the "turns" queue: in order per conversation (src/turns/order.ts), the
// bot's step then its messages recorded before they are sent (src/turns/outbox.ts), and a person whose
// step finally failed is told so. The platform's part (what the bot answers, rendered; one Slack or
// Teams call) is a TurnHandler from the adapter, wired by src/platforms.ts (byPlatform).
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { RedisClient } from "../redis.js";
import { z } from "zod";
import type { Logger } from "../log.js";
import { watchBull } from "../redis-log.js";
import { queueTelemetry } from "../tracing.js";
import { TURNS_QUEUE, TurnJob, turnJobId } from "./job.js";
import { TurnOrder } from "./order.js";
import { TurnOutbox } from "./outbox.js";

export interface SendContext {
  /** unique per message of this step: a platform that can look a message up by it avoids a repeat. */
  key: string;
  /** when the step was enqueued: nothing of it can be older. */
  since: Date;
  /** an earlier run of this job may have sent this call already (it died before recording it). */
  maybeSent: boolean;
  /**
   * Narrower: this call is the one an earlier run was making when it died (the first not recorded as
   * sent); the calls after it were never tried. A platform that cannot look a message up repeats only this one.
   */
  inFlight: boolean;
}

export interface TurnHandler<Call> {
  /** a call as stored between planning and sending. */
  schema: z.ZodType<Call>;
  /**
   * Runs the bot's step and returns the platform calls that answer it. `rerun`: an earlier run of this
   * job died, possibly after the bot saved the step; the answer then comes from the saved state.
   */
  plan(job: TurnJob, rerun: boolean): Promise<Call[]>;
  send(job: TurnJob, call: Call, ctx: SendContext): Promise<void>;
  /** Tells the person their step was not done ("that was not saved, try again"). */
  tellFailure(job: TurnJob): Promise<void>;
}

export interface TurnWorkerOptions {
  concurrency: number;
  lockMs: number;
  maxStalled: number;
  /** called once per step that finally failed (metrics). */
  onFailed?: (platform: TurnJob["platform"]) => void;
}

/** How long a step waits before looking again whether its predecessor is done. */
const WAIT_FOR_PREDECESSOR_MS = 100;
/**
 * A predecessor with a number but no job this long after its successor was enqueued was lost between
 * the two (its web process died, or its enqueue failed and its person was told): it is passed over.
 */
export const LOST_AFTER_MS = 5_000;
/**
 * After a Redis error BullMQ waits this long before fetching jobs again (its default is 15 s): a person
 * would wait that long for their next question after a Redis blip. The connection backs off by itself.
 */
const RETRY_FETCH_MS = 1_000;

export interface TurnWorker {
  worker: Worker;
  close(): Promise<void>;
}

export function startTurnWorker<Call>(connection: ConnectionOptions, redis: RedisClient, prefix: string, handler: TurnHandler<Call>, opts: TurnWorkerOptions, log: Logger): TurnWorker {
  const order = new TurnOrder(redis, prefix);
  const outbox = new TurnOutbox(redis, prefix, handler.schema);
  // Reads the state of a predecessor's job; its own connection is the store's (no blocking commands).
  const queue = new Queue(TURNS_QUEUE, { connection: redis, prefix });
  watchBull(queue, log, "queue", TURNS_QUEUE);

  /** "run" when every earlier step is done, "skip" when this one is, else "wait". */
  const gate = async (t: TurnJob, enqueuedAt: number): Promise<"run" | "skip" | "wait"> => {
    for (;;) {
      const done = await order.done(t.key);
      if (done >= t.seq) return "skip";
      if (done === t.seq - 1) return "run";
      // Step done+1 has not been marked: finished or failed for good (mark lost), lost, or still to run.
      const prev = await queue.getJob(turnJobId(t.key, done + 1));
      const state = prev ? await prev.getState() : "missing";
      const passOver = state === "completed" || state === "failed" || ((state === "missing" || state === "unknown") && Date.now() - enqueuedAt > LOST_AFTER_MS);
      if (!passOver) return "wait";
      if (state !== "completed") log.warn({ key: t.key, seq: done + 1, state }, "turn step passed over: it failed or was never enqueued");
      await order.advance(t.key, done + 1);
    }
  };

  const worker = new Worker(
    TURNS_QUEUE,
    async (job: Job, token?: string) => {
      const parsed = TurnJob.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`malformed turn job ${job.id}: ${parsed.error.issues[0]?.message}`);
      const t = parsed.data;
      const id = job.id ?? turnJobId(t.key, t.seq);
      const g = await gate(t, job.timestamp);
      if (g === "wait") {
        // Not an attempt: the step waits its turn behind an earlier one of the same conversation.
        await job.moveToDelayed(Date.now() + WAIT_FOR_PREDECESSOR_MS, token);
        throw new DelayedError();
      }
      const rerun = job.attemptsMade > 0 || job.stalledCounter > 0;
      if (g === "skip") {
        // A re-run of a finished step does nothing. A first run here means the conversation moved past
        // this step while it was not yet in the queue (its enqueue was late): the person hears so.
        if (!rerun) {
          log.warn({ key: t.key, seq: t.seq, jobId: id }, "turn step arrived after later steps ran; telling the person it was not saved");
          await handler.tellFailure(t);
        }
        return "skipped";
      }
      // Only an earlier run of this job can have stored its messages: a first run does not look.
      let out = rerun ? await outbox.get(id) : undefined;
      // Nothing is sent before it is recorded: without a record, no earlier run sent anything.
      const recorded = out !== undefined;
      if (!out) {
        const calls = await handler.plan(t, rerun);
        await outbox.put(id, calls);
        out = { calls, sent: 0 };
      }
      const from = out.sent;
      for (let i = from; i < out.calls.length; i++) {
        await handler.send(t, out.calls[i]!, { key: `${id}.${i}`, since: new Date(job.timestamp), maybeSent: rerun, inFlight: rerun && recorded && i === from });
        await outbox.sent(id, i + 1);
      }
      const { enqueued } = await order.finish(t.key, t.seq);
      // The next step of this conversation may be waiting out its delay: let it run now. Usually the
      // person has not answered yet (none enqueued), and there is nothing to look up.
      if (enqueued > t.seq) {
        await queue
          .getJob(turnJobId(t.key, t.seq + 1))
          .then(async (next) => (next && (await next.isDelayed()) ? next.promote() : undefined))
          .catch(() => undefined);
      }
      log.info({ jobId: id, key: t.key, seq: t.seq, calls: out.calls.length }, "turn done");
      return "done";
    },
    {
      connection,
      prefix,
      concurrency: opts.concurrency,
      lockDuration: opts.lockMs,
      stalledInterval: opts.lockMs,
      maxStalledCount: opts.maxStalled,
      runRetryDelay: RETRY_FETCH_MS,
      ...queueTelemetry(),
    },
  );
  watchBull(worker, log, "worker", TURNS_QUEUE);
  worker.on("failed", (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError || /stalled/.test(err.message);
    if (!final) return log.warn({ jobId: job.id, attempt: job.attemptsMade, err: err.message }, "turn step failed; retrying");
    log.error({ jobId: job.id, err: err.message }, "turn step failed for good; telling the person");
    const parsed = TurnJob.safeParse(job.data);
    opts.onFailed?.(parsed.success ? parsed.data.platform : "slack");
    if (!parsed.success) return;
    const t = parsed.data;
    // The conversation goes on: the next step must not wait for this one forever.
    void order.advance(t.key, t.seq).catch((e: Error) => log.warn({ jobId: job.id, err: e.message }, "turn order not advanced; the next step passes it over"));
    void handler.tellFailure(t).catch((e: Error) => log.error({ jobId: job.id, err: e.message }, "could not tell the person their step failed"));
  });

  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

/**
 * One handler for every platform a deployment serves: each step goes to its own platform's handler.
 * The outbox stores either platform's calls, so its schema accepts each (their shapes do not overlap).
 */
export function byPlatform(handlers: Partial<Record<TurnJob["platform"], TurnHandler<unknown>>>): TurnHandler<unknown> | undefined {
  const present = Object.values(handlers).filter((h): h is TurnHandler<unknown> => h !== undefined);
  if (present.length === 0) return undefined;
  const of = (job: TurnJob) => {
    const h = handlers[job.platform];
    // A step of a platform this worker is not configured for fails at once, and its person is told nothing here.
    if (!h) throw new UnrecoverableError(`no ${job.platform} configuration in this worker for step ${job.key}#${job.seq}`);
    return h;
  };
  return {
    schema: present.length === 1 ? present[0]!.schema : z.union(present.map((h) => h.schema) as [z.ZodType<unknown>, z.ZodType<unknown>, ...z.ZodType<unknown>[]]),
    plan: (job, rerun) => of(job).plan(job, rerun),
    send: (job, call, ctx) => of(job).send(job, call, ctx),
    tellFailure: (job) => of(job).tellFailure(job),
  };
}
