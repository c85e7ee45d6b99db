// Finding a delivery in Slack after a crash. Every message the worker posts carries its delivery key in
// Slack message metadata; a delivery whose previous attempt may have reached Slack (its worker died
// before recording the answer) reads the channel's recent messages for that key before posting again.
import type { webApi } from "@slack/bolt";
import { z } from "zod";

/** Our metadata event type; the payload holds the delivery key. */
export const DELIVERY_EVENT = "triage_delivery";
export const deliveryMetadata = (key: string) => ({ event_type: DELIVERY_EVENT, event_payload: { key } });

/** Clocks of workers and Slack differ a little: look this far before the first attempt. */
const SKEW_MS = 60_000;
/** Pages of 200 messages read at most; a channel busier than that since the attempt is not searched further. */
const MAX_PAGES = 5;

const Page = z.object({
  messages: z
    .array(
      z.object({
        ts: z.string(),
        metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()).optional() }).optional(),
      }),
    )
    .default([]),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

/**
 * The ts of the message carrying `key` in `channel` (or in the thread under `threadTs`), posted since
 * `since`; undefined when it is not there. Slack errors propagate: the caller cannot tell, so it retries.
 */
export async function findByKey(client: webApi.WebClient, channel: string, key: string, since: Date, threadTs?: string): Promise<string | undefined> {
  const oldest = ((since.getTime() - SKEW_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const args = { channel, oldest, limit: 200, include_all_metadata: true, ...(cursor ? { cursor } : {}) };
    const raw = threadTs ? await client.conversations.replies({ ...args, ts: threadTs }) : await client.conversations.history(args);
    const r = Page.parse(raw);
    const hit = r.messages.find((m) => m.metadata?.event_type === DELIVERY_EVENT && m.metadata.event_payload?.key === key);
    if (hit) return hit.ts;
    cursor = r.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}
