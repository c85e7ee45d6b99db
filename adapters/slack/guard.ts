// Bolt refuses signatures older than 5 minutes but accepts any timestamp in the future, so a request
// signed ahead of time (or replayed from a skewed clock) would pass. Both directions are refused here,
// before Bolt reads the body, so nothing runs and Slack is never called.
import type { IncomingHttpHeaders } from "node:http";

export const MAX_SKEW_SECONDS = 5 * 60;

/** false when a timestamp header is present and outside ±5 minutes of now (or not a number). */
export function timestampAcceptable(headers: IncomingHttpHeaders, nowMs: number = Date.now()): boolean {
  const raw = headers["x-slack-request-timestamp"];
  // Missing: Bolt's verification refuses it (except Slack's unsigned ssl_check probe).
  if (raw === undefined) return true;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !/^\d{1,12}$/.test(value)) return false;
  return Math.abs(nowMs / 1000 - Number(value)) <= MAX_SKEW_SECONDS;
}
