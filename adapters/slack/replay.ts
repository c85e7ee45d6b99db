// Refuses an exact replay of a signed Slack request. Slack's signature covers the timestamp and the
// body but not "only once": whoever captures a request (a proxy log, a browser extension) can send the
// same bytes again while the timestamp is accepted, and an Escalate would escalate again, a /incident
// would restart the reporter's walk-through. The first delivery of each signature wins; a repeat gets
// a 200 with no effect (so nothing retries it) and a log line.
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { isValidSlackRequest } from "@slack/bolt";
import type { Logger } from "../../src/log.js";
import type { SeenMarks as SeenSet } from "../../src/port.js";
import { MAX_SKEW_SECONDS } from "./guard.js";

/**
 * A timestamp is accepted up to 5 minutes either side of now, so a request first seen at t can still
 * be replayed until t + 10 minutes (when it was signed 5 minutes ahead): the mark outlives that.
 */
export const REPLAY_TTL_SECONDS = 2 * MAX_SKEW_SECONDS + 30;
/** The check sits before the ack: a slow Redis must not cost Slack's 3-second deadline. */
const CHECK_TIMEOUT_MS = 500;

export type ReplayVerdict = "first" | "replay" | "unsigned" | "unknown";

export function replayGuard(seen: SeenSet, signingSecret: string, log: Logger) {
  return async (headers: IncomingHttpHeaders, body: Buffer): Promise<ReplayVerdict> => {
    const signature = String(headers["x-slack-signature"] ?? "");
    const ts = Number(headers["x-slack-request-timestamp"]);
    // Only genuine requests are marked (Bolt refuses the rest): forged ones cannot fill the set.
    if (!signature || !Number.isFinite(ts)) return "unsigned";
    const valid = isValidSlackRequest({ signingSecret, body: body.toString("utf8"), headers: { "x-slack-signature": signature, "x-slack-request-timestamp": ts } });
    if (!valid) return "unsigned";
    const id = `slack:req:${createHash("sha256").update(`${ts}:${signature}`).digest("base64url")}`;
    try {
      const first = await Promise.race([
        seen.first(id, REPLAY_TTL_SECONDS),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
      ]);
      return first ? "first" : "replay";
    } catch (err) {
      // Fail open: the request's own work then meets the same outage and tells the person it was not
      // saved; the ticket actions and the walk-through refuse stale clicks on their own.
      log.warn({ err: (err as Error).message }, "slack replay check unavailable; request let through");
      return "unknown";
    }
  };
}
