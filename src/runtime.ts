// The worker runtime: runs the ticket jobs (delivery, escalation timers, pages, updates) from BullMQ and
// sweeps the outbox for incidents whose delivery was never enqueued and for stored changes whose
// follow-up jobs were never enqueued (a web process died mid-way, src/tickets/follow-ups.ts).
import { createRedisApp, type App } from "./app.js";
import { ConfigError, type Config } from "./config.js";
import type { Logger } from "./log.js";
import { connect } from "./redis.js";
import { startWorkers } from "./tickets/bullmq-queue.js";
import { startHeartbeat } from "./tickets/heartbeat.js";
import { retryPolicy } from "./tickets/retry.js";
import { replayOutbox } from "./tickets/follow-ups.js";
import type { Digest } from "./digest/post.js";
import { startDigest } from "./digest/runner.js";
import { NotifierRouter, type Notifier, type Outbound } from "./tickets/notifier.js";
import { WebhookNotifier } from "./tickets/webhook-notifier.js";
import { startTracing, stopTracing } from "./tracing.js";
import type { Metrics } from "./metrics/metrics.js";
import { queueSource } from "./metrics/queues.js";
import { startTurnWorker, type TurnHandler } from "./turns/worker.js";


export interface WorkerHandle {
  app: App;
  stop(): Promise<void>;
}

/** The chat platforms' notifiers plus webhooks, and console destinations as JSON log lines. */
export function defaultNotifier(extra: Notifier[], log: Logger): Notifier {
  return new NotifierRouter([...extra, new WebhookNotifier(), new LogNotifier(log)]);
}

/** Posts a digest through the notifier of its destination's platform. */
export const digestSender = (notifier: Notifier) => async (d: Digest) => {
  if (!notifier.postDigest) throw new Error("this notifier cannot post digests");
  await notifier.postDigest(d);
};

/** Console destinations in a server process: a structured log line instead of terminal text. */
class LogNotifier implements Notifier {
  readonly platforms = ["console"] as const;
  constructor(private readonly log: Logger) {}
  async send(m: Outbound): Promise<void> {
    this.log.info({ incidentId: m.incident.id, to: m.to.address, kind: m.kind, key: m.key }, "posted to console destination");
  }
  async postDigest(d: Digest): Promise<void> {
    this.log.info({ to: d.to.address, scheduledAt: d.scheduledAt, total: d.summary.total, digest: d.text }, "digest posted to console destination");
  }
}

/**
 * `turnHandler`: the chat platform's part of conversation steps (src/platforms.ts); without one this
 * worker runs no steps (a deployment without Slack has none to run).
 */
/**
 * A person waits for each step: a step whose worker lost its lock (a Redis blip mid-step, a worker
 * killed) is taken up again after this long, not after the ticket jobs' 30 s. Steps take well under a
 * second and their lock is renewed while they run, so a short lock costs nothing.
 */
const TURN_LOCK_MS = 5_000;

export async function startWorker(cfg: Config, log: Logger, notifier: Notifier = defaultNotifier([], log), metrics?: Metrics, turnHandler?: (app: App) => TurnHandler<unknown>): Promise<WorkerHandle> {
  if (!cfg.REDIS_URL) throw new ConfigError("REDIS_URL: required for `triage worker` (without it, `npm start` runs everything in one process)");
  await startTracing(cfg, "triage-worker", log);
  const app = createRedisApp({ ...cfg, REDIS_URL: cfg.REDIS_URL }, { notifier, log, role: "worker", ...(metrics ? { metrics } : {}) });
  const workerConn = connect(cfg.REDIS_URL, log, "worker");
  const workers = startWorkers(
    workerConn,
    cfg.QUEUE_PREFIX,
    (job, ctx) => app.processor.run(job, ctx),
    { concurrency: cfg.WORKER_CONCURRENCY, lockMs: cfg.WORKER_LOCK_MS, maxStalled: cfg.WORKER_MAX_STALLED, policy: retryPolicy(cfg), shards: cfg.REDIS_SHARDS, ...(metrics ? { observer: metrics } : {}) },
    log,
  );
  // Conversation steps: the bot's next question, filing and every reply to the person (src/turns).
  const turns = turnHandler
    ? startTurnWorker(workerConn, app.redis!, cfg.QUEUE_PREFIX, turnHandler(app), { concurrency: cfg.TURN_CONCURRENCY ?? cfg.WORKER_CONCURRENCY, lockMs: Math.min(cfg.WORKER_LOCK_MS, TURN_LOCK_MS), maxStalled: cfg.WORKER_MAX_STALLED, ...(metrics ? { onFailed: (platform) => metrics.failed("turn", platform) } : {}) }, log)
    : undefined;
  const running = () => [...workers, ...(turns ? [turns.worker] : [])].filter((w) => w.isRunning()).length;
  if (metrics) {
    metrics.watchWorkers(running);
    const source = queueSource(app.queue, turns ? app.turns : undefined);
    if (source) metrics.watchQueues(source);
  }
  const digest = await startDigest({ connection: workerConn, prefix: cfg.QUEUE_PREFIX, app, log, send: digestSender(notifier) });

  // An incident undelivered SWEEP_GRACE_MS after creation had its enqueue lost (a web process died) or
  // its job failed: queue it again. A job still queued or retrying is left alone.
  const sweep = async () => {
    try {
      const ids = await app.incidents.undelivered(new Date(app.clock.now().getTime() - cfg.SWEEP_GRACE_MS));
      const put: Record<string, string[]> = { added: [], revived: [] };
      for (const id of ids) {
        const incident = await app.incidents.get(id);
        if (!incident) continue;
        const job = { name: "deliver" as const, incidentId: id, routeCount: incident.routeCount };
        const r = app.queue.ensure ? await app.queue.ensure(incident.routing.domain, job) : (await app.queue.add(incident.routing.domain, job), "added");
        put[r]?.push(id);
      }
      if (put.added!.length || put.revived!.length) log.warn({ added: put.added, revived: put.revived }, "outbox sweep: re-enqueued undelivered incidents");
      // Follow-ups of stored changes (an acknowledgement's card update, a status update, a re-armed
      // timer ...) whose writer died before queuing them: queued again (their ids make a repeat a no-op).
      const { replayed, unreadable } = await replayOutbox(app, new Date(app.clock.now().getTime() - cfg.SWEEP_GRACE_MS));
      if (replayed.length) log.warn({ replayed }, "outbox sweep: queued the follow-ups of stored changes again");
      if (unreadable.length) log.error({ entries: unreadable }, "outbox sweep: outbox entries that do not decode were left in place");
    } catch (err) {
      log.warn({ err: (err as Error).message }, "outbox sweep failed; will retry");
    }
  };
  const sweeper = setInterval(() => void sweep(), cfg.SWEEP_EVERY_MS);
  // Tells web processes (readiness, the reporter's "notified" or "queued") that a worker is running.
  const alive = startHeartbeat(app.redis!, cfg.QUEUE_PREFIX, log);
  // A report filed right after start (the console bot with piped input) must already see this worker.
  await alive.first;
  const heartbeat = setInterval(() => log.info({ workers: workers.length, running: workers.filter((w) => w.isRunning()).length }, "heartbeat"), 30_000);
  void sweep();
  log.info({ queues: ["oncall-safety", "oncall-security", ...(turns ? ["turns"] : [])], prefix: cfg.QUEUE_PREFIX, shards: cfg.REDIS_SHARDS, concurrency: cfg.WORKER_CONCURRENCY, ...(turns ? { turnConcurrency: cfg.TURN_CONCURRENCY ?? cfg.WORKER_CONCURRENCY } : {}) }, "worker started");

  return {
    app,
    async stop() {
      await digest.stop();
      clearInterval(sweeper);
      clearInterval(heartbeat);
      alive.stop();
      // close() waits for jobs in flight to finish; jobs not yet started stay in Redis for another worker.
      await Promise.all([...workers.map((w) => w.close()), turns?.close()]);
      await workerConn.quit().catch(() => workerConn.disconnect());
      await app.close();
      await stopTracing();
      log.info("worker stopped");
    },
  };
}

export function onShutdown(stop: () => Promise<void>, log: Logger) {
  let stopping = false;
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal: sig }, "shutting down");
      stop().then(
        () => process.exit(0),
        (err) => {
          log.error({ err: (err as Error).message }, "unclean shutdown");
          process.exit(1);
        },
      );
    });
  }
}
