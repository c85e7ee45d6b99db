// Slack re-delivers an event when it saw no 2xx within 3 s (x-slack-retry-num). Events are acked
// before any work, so a re-delivery is usually a copy: each event id is worked on once. The marks are
// the application's seen set (shared by every web process with Redis, this process's own without).
import type { SeenMarks } from "../../src/port.js";

const TTL_SECONDS = 3600; // Slack's last retry comes about 5 minutes after the first delivery.

export interface EventDedupe {
  /** true the first time an event id is seen; false for every later delivery of it. */
  first(eventId: string): Promise<boolean>;
}

export function eventDedupe(seen: SeenMarks): EventDedupe {
  return { first: (id) => seen.first(`slack:event:${id}`, TTL_SECONDS) };
}
