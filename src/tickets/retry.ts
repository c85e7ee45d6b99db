// How long a delivery keeps trying. A ticket must never be dropped because a platform was down for a
// while: failures back off exponentially to a cap and keep going for hours; rate-limit answers (429)
// wait out Retry-After without using up an attempt; a delivery still failing after `lateAfterMs`
// raises an alert. Both queue backends (BullMQ, in-process) read the same policy.
import { z } from "zod";

export interface RetryPolicy {
  /** failed attempts (429s not counted) before the job lands in the failed set. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** a delivery still not through this long after it was enqueued is late: error log + fallback. */
  lateAfterMs: number;
}

/** 1 s, 2 s, 4 s ... capped at 5 min: 80 attempts cover about six and a half hours. */
export const RETRY: RetryPolicy = { attempts: 80, baseDelayMs: 1000, maxDelayMs: 5 * 60_000, lateAfterMs: 5 * 60_000 };

/** The platform's Retry-After, when it asked for one (a rate limit): not a failed attempt. */
export function rateLimitWait(err: unknown): number | undefined {
  const asked = (err as { retryAfterMs?: unknown })?.retryAfterMs;
  return typeof asked === "number" && asked >= 0 ? asked : undefined;
}

/** Never come back before the platform said (it would only refuse again); an hour at most. */
export const RATE_LIMIT_MAX_MS = 3_600_000;

export function retryDelay(attemptsMade: number, err: unknown, policy: RetryPolicy = RETRY): number {
  const asked = rateLimitWait(err);
  if (asked !== undefined) return Math.min(asked, RATE_LIMIT_MAX_MS);
  return Math.min(policy.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1), policy.maxDelayMs);
}

const ms = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** The policy from the environment (DELIVERY_*), falling back to RETRY for each unset variable. */
export const RetryEnv = z.object({
  DELIVERY_ATTEMPTS: ms(1, 10_000).default(RETRY.attempts),
  DELIVERY_RETRY_BASE_MS: ms(10, 3_600_000).default(RETRY.baseDelayMs),
  DELIVERY_RETRY_MAX_MS: ms(10, 24 * 3_600_000).default(RETRY.maxDelayMs),
  DELIVERY_LATE_AFTER_MS: ms(100, 24 * 3_600_000).default(RETRY.lateAfterMs),
});
export const retryPolicy = (e: z.infer<typeof RetryEnv>): RetryPolicy => ({
  attempts: e.DELIVERY_ATTEMPTS,
  baseDelayMs: e.DELIVERY_RETRY_BASE_MS,
  maxDelayMs: e.DELIVERY_RETRY_MAX_MS,
  lateAfterMs: e.DELIVERY_LATE_AFTER_MS,
});
