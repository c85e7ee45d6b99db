// Is any ticket worker running? Each worker process refreshes one shared key with a short TTL under
// the deployment prefix; the key exists only while at least one worker is alive. The web process reads
// it for /readyz and to tell a reporter whether the on-call hears of a ticket now or once a worker runs.
// One shared key (not one per worker) keeps the read a single EXISTS whatever the number of workers.
import type { RedisClient } from "../redis.js";
import type { Logger } from "../log.js";

export const HEARTBEAT_EVERY_MS = 5_000;
/** Three missed beats: a worker stopped, killed or cut off from Redis for longer is not counted. */
export const HEARTBEAT_TTL_MS = 15_000;

export const heartbeatKey = (prefix: string) => `${prefix}:workers:heartbeat`;

export interface Heartbeat {
  /** settles after the first beat: a worker counts as running from then (an error is logged, not thrown). */
  first: Promise<void>;
  stop(): void;
}

/** Writes the heartbeat now and every few seconds; a beat still waiting on Redis is not doubled. */
export function startHeartbeat(redis: RedisClient, prefix: string, log: Logger, everyMs = HEARTBEAT_EVERY_MS, ttlMs = HEARTBEAT_TTL_MS): Heartbeat {
  let inFlight = false;
  const beat = async () => {
    if (inFlight) return;
    inFlight = true;
    await redis
      .set(heartbeatKey(prefix), `${process.pid}@${new Date().toISOString()}`, "PX", ttlMs)
      // Redis away: the connection tracker has said so already; the next beat tries again.
      .catch((err: Error) => log.debug({ err }, "heartbeat not written"))
      .finally(() => (inFlight = false));
  };
  const first = beat();
  const timer = setInterval(() => void beat(), everyMs);
  timer.unref();
  return { first, stop: () => clearInterval(timer) };
}

/** True while some worker has beaten within the TTL. */
export async function workerAlive(redis: RedisClient, prefix: string): Promise<boolean> {
  return (await redis.exists(heartbeatKey(prefix))) === 1;
}
