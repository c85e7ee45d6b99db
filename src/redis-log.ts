// Connection noise, said once. While Redis is away ioredis emits `error` and `reconnecting` on every
// attempt (several a second) and each BullMQ queue and worker repeats its connection's errors: logged
// as they come, a 40-second outage was hundreds of lines, and an emitter without a listener printed
// raw multi-line stack traces. Here every source feeds one tracker per connection role, which logs a
// JSON line only when the state changes: connected → error → reconnecting → ready.
import type { EventEmitter } from "node:events";
import type { Logger } from "./log.js";

type State = "connecting" | "ready" | "error" | "reconnecting" | "closed";

export interface ConnectionTracker {
  ready(): void;
  error(err: Error, source?: string): void;
  reconnecting(): void;
  closed(): void;
}

const trackers = new WeakMap<Logger, Map<string, ConnectionTracker>>();

/** One tracker per logger and role: the store, queue and worker connections of a process, and what BullMQ builds on them. */
export function trackerFor(log: Logger, role: string): ConnectionTracker {
  let byRole = trackers.get(log);
  if (!byRole) trackers.set(log, (byRole = new Map()));
  let t = byRole.get(role);
  if (!t) byRole.set(role, (t = newTracker(log, role)));
  return t;
}

function newTracker(log: Logger, role: string): ConnectionTracker {
  let state: State = "connecting";
  let outageStarted = 0;
  return {
    ready() {
      if (state === "ready") return;
      if (state === "connecting") log.info({ role }, "redis connected");
      else log.info({ role, downMs: Date.now() - outageStarted }, "redis connection back");
      state = "ready";
    },
    error(err, source) {
      // An outage is one error line; the attempts that follow are the same error again.
      if (state === "error" || state === "reconnecting") return;
      if (state !== "connecting") outageStarted = Date.now();
      else outageStarted ||= Date.now();
      log.warn({ role, ...(source ? { source } : {}), err }, "redis connection error; retrying");
      state = "error";
    },
    reconnecting() {
      if (state !== "error") return;
      log.info({ role }, "redis reconnecting");
      state = "reconnecting";
    },
    closed() {
      state = "closed";
    },
  };
}

/** Follows an ioredis client's events into its role's tracker. */
export function watchRedis(redis: EventEmitter, log: Logger, role: string): void {
  const t = trackerFor(log, role);
  redis.on("error", (err: Error) => t.error(err));
  redis.on("reconnecting", () => t.reconnecting());
  redis.on("ready", () => t.ready());
  redis.on("end", () => t.closed());
}

/**
 * A BullMQ Queue or Worker: its `error` events go to the tracker of the connection it was built on.
 * Without a listener BullMQ prints the error with console.error (a raw multi-line stack trace) or crashes.
 */
export function watchBull(emitter: EventEmitter, log: Logger, role: string, source: string): void {
  const t = trackerFor(log, role);
  emitter.on("error", (err: Error) => {
    // Connection trouble follows the tracker; anything else (a lost lock, a script error) is logged as is.
    if (isConnectionError(err)) t.error(err, source);
    else log.warn({ role, source, err }, "bullmq error");
  });
}

const CONNECTION = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|Connection is closed|connect ETIMEDOUT|Stream isn't writeable|socket/i;
export const isConnectionError = (err: Error) => CONNECTION.test(`${(err as NodeJS.ErrnoException).code ?? ""} ${err.message}`);
