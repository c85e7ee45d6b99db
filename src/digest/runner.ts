// Runs the digest. Workers: a BullMQ job scheduler on the `digests` queue ticks every minute and one
// worker runs each tick; every tick (and every start-up, which is how a missed run is caught up) asks
// the pure schedule whether a run is due. The tick does not carry the schedule itself: DST and missed
// runs are decided in one tested place, and Redis marks make a run post once with any number of workers.
// Embedded (`npm start`): the same check on a timer, with marks in memory.
import { Queue, Worker, type ConnectionOptions } from "bullmq";
import type { App } from "../app.js";
import { systemClock, type Clock } from "../clock.js";
import type { Logger } from "../log.js";
import { watchBull } from "../redis-log.js";
import { MemoryDigestMarks, RedisDigestMarks, type DigestMarks } from "./marks.js";
import { checkDigest, type DigestOutcome, type SendDigest } from "./post.js";
import { nextRun } from "./schedule.js";

export const DIGEST_QUEUE = "digests";
const SCHEDULER_ID = "digest-tick";
const TICK_MS = 60_000;

export interface DigestHandle {
  /** runs one check now (what each tick does). */
  check(): Promise<DigestOutcome>;
  stop(): Promise<void>;
}

interface Common {
  app: Pick<App, "summaries" | "defs" | "redis">;
  send: SendDigest;
  log: Logger;
  clock?: Clock;
  /** how often to check; a run is posted at most this late. */
  tickMs?: number;
}

function checker(d: Common, marks: DigestMarks): () => Promise<DigestOutcome> {
  const deps = { app: d.app, send: d.send, log: d.log, clock: d.clock ?? systemClock, marks, graceMs: Math.max(5 * 60_000, 2 * (d.tickMs ?? TICK_MS)) };
  return async () => {
    try {
      return await checkDigest(deps);
    } catch (err) {
      d.log.warn({ err: (err as Error).message }, "digest check failed; the next tick retries");
      throw err;
    }
  };
}

/**
 * Starts the digest in a worker process. Marks live in the app's store Redis (`{prefix}:digest:*`);
 * `connection` is for BullMQ (workers need `maxRetriesPerRequest: null`). Resolves after the start-up
 * check, so a run missed while no worker was up has been posted (once) by then.
 */
export async function startDigest(d: Common & { connection: ConnectionOptions; prefix: string }): Promise<DigestHandle> {
  if (d.app.defs.roster.digest && !d.app.redis) throw new Error("startDigest needs an app on Redis (createRedisApp); use startEmbeddedDigest for the embedded mode");
  const queue = new Queue(DIGEST_QUEUE, { connection: d.connection, prefix: d.prefix });
  // Without a listener BullMQ prints each connection error as a raw stack trace.
  watchBull(queue, d.log, "worker", "digest-queue");
  if (!d.app.defs.roster.digest || !d.app.redis) {
    await queue.removeJobScheduler(SCHEDULER_ID); // the digest was switched off: stop the ticks too
    await queue.close();
    d.log.info("digest: not configured (no `digest` in the roster)");
    return { check: async () => ({ action: "disabled" }), stop: async () => {} };
  }
  const check = checker(d, new RedisDigestMarks(d.app.redis, d.prefix));
  await queue.upsertJobScheduler(SCHEDULER_ID, { every: d.tickMs ?? TICK_MS }, { name: "check", opts: { removeOnComplete: 100, removeOnFail: 100 } });
  const worker = new Worker(DIGEST_QUEUE, async () => (await check()).action, { connection: d.connection, prefix: d.prefix, concurrency: 1 });
  watchBull(worker, d.log, "worker", "digest-worker");
  await check().catch(() => undefined); // logged in check; the ticks retry
  return {
    check,
    async stop() {
      await worker.close();
      await queue.close(); // the scheduler stays: other workers (and the next start) keep ticking
    },
  };
}

/** The embedded mode's digest: a timer that wakes at the next run (or the next tick, if sooner). */
export function startEmbeddedDigest(d: Common): DigestHandle {
  const clock = d.clock ?? systemClock;
  const check = checker(d, new MemoryDigestMarks());
  const tick = d.tickMs ?? TICK_MS;
  const cfg = d.app.defs.roster.digest;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const loop = async () => {
    await check().catch(() => undefined);
    if (stopped || !cfg) return;
    // Re-reads the clock every tick at most: a laptop that slept through a run still finds it.
    const wait = Math.min(tick, Math.max(0, nextRun(cfg.schedule, clock.now()).getTime() - clock.now().getTime()));
    timer = setTimeout(() => void loop(), wait);
    timer.unref?.();
  };
  if (cfg) void loop();
  else d.log.info("digest: not configured (no `digest` in the roster)");
  return {
    check,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
