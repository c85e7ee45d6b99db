// Slack re-delivers an event when it saw no 2xx within 3 s (x-slack-retry-num). Events are acked
// before any work, so a re-delivery is usually a copy: each event id is worked on once. With Redis
// the mark is shared by every web process; without it, this process remembers.
import type { RedisClient } from "../../src/redis.js";

const TTL_SECONDS = 3600; // Slack's last retry comes about 5 minutes after the first delivery.

export interface EventDedupe {
  /** true the first time an event id is seen; false for every later delivery of it. */
  first(eventId: string): Promise<boolean>;
}

export function eventDedupe(redis?: RedisClient, prefix = "{triage}", now: () => number = Date.now): EventDedupe {
  if (redis) {
    return { first: async (id) => (await redis.set(`${prefix}:slack:event:${id}`, "1", "EX", TTL_SECONDS, "NX")) === "OK" };
  }
  const seen = new Map<string, number>();
  return {
    async first(id) {
      const t = now();
      // Same TTL for all, so insertion order is expiry order: drop expired marks from the front.
      for (const [k, exp] of seen) {
        if (exp > t) break;
        seen.delete(k);
      }
      if (seen.has(id)) return false;
      seen.set(id, t + TTL_SECONDS * 1000);
      return true;
    },
  };
}
