// Refuses a Teams activity delivered again: the same activity id in the same conversation (a replayed
// authenticated request, or a connector retry of one already worked on) changes nothing. Bot Framework
// tokens stay valid for about an hour, so the mark outlives that.
import { createHash } from "node:crypto";
import type { Activity } from "botbuilder";
import type { Logger } from "../../src/log.js";
import type { SeenMarks as SeenSet } from "../../src/port.js";

export const ACTIVITY_TTL_SECONDS = 2 * 3600;
const CHECK_TIMEOUT_MS = 500;

/** true when the activity is a repeat of one already worked on; unknown (Redis away) counts as first. */
export async function isReplay(seen: SeenSet, a: Partial<Activity>, log: Logger): Promise<boolean> {
  if (!a.id || !a.conversation?.id) return false;
  const id = `teams:activity:${createHash("sha256").update(`${a.conversation.id}\n${a.id}`).digest("base64url")}`;
  try {
    const first = await Promise.race([
      seen.first(id, ACTIVITY_TTL_SECONDS),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref()),
    ]);
    if (!first) log.warn({ activityId: a.id, conversation: a.conversation.id, type: a.type }, "teams activity refused: a replay of one already worked on");
    return !first;
  } catch (err) {
    // The activity's own work then meets the same outage, and onTurnError tells the person.
    log.warn({ err: (err as Error).message }, "teams replay check unavailable; activity let through");
    return false;
  }
}
