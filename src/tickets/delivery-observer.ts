// How the job queues report delivery trouble to whoever counts it (src/metrics), without knowing
// prom-client; and which platform a failed send was for, carried on the error itself so the queue,
// which only sees a job and an error, can say "slack" or "teams" rather than nothing.
import type { Platform } from "../domain/roster.js";

export interface DeliveryObserver {
  /** a failed try of a job already past DELIVERY_LATE_AFTER_MS since it was due. */
  late(kind: string, platform: string): void;
  /** a job that ran out of retries or can never succeed. */
  failed(kind: string, platform: string): void;
}

const platforms = new WeakMap<object, Platform>();

/** Marks `err` as a failure to send to `platform`; returns it, for `throw tagPlatform(e, p)`. */
export function tagPlatform(err: unknown, platform: Platform | "none"): unknown {
  if (typeof err === "object" && err !== null && platform !== "none") platforms.set(err, platform);
  return err;
}

/** The platform `err` was a failure to send to; "none" when it failed before any platform was called. */
export function platformOf(err: unknown): Platform | "none" {
  return (typeof err === "object" && err !== null && platforms.get(err)) || "none";
}
