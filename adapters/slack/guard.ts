// Bolt refuses signatures older than 5 minutes but accepts any timestamp in the future, so a request
// signed ahead of time (or replayed from a skewed clock) would pass. Both directions are refused here,
// before Bolt reads the body, so nothing runs and Slack is never called.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { MAX_INBOUND_BODY_BYTES } from "../../src/inbound.js";

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

/** The web server's one cap for platform requests (src/http.ts). */
export const MAX_BODY_BYTES = MAX_INBOUND_BODY_BYTES;

/**
 * Reads the request body, stopping at `max` bytes: undefined when it is larger. Done before Bolt
 * sees the request, so an oversize body is refused without being buffered or parsed.
 */
export async function readCapped(req: IncomingMessage, max = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  if (Number(req.headers["content-length"] ?? 0) > max) {
    req.resume(); // drain, so the 413 reaches the client instead of a reset
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
