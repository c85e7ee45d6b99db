// When a listener fails after Slack got its ack (Redis away, a timeout), the person who clicked or
// typed must hear it in the same place; Bolt's error handler only logs, so without this a click got
// its HTTP 200 and then nothing. The notice goes where the person is looking: the response URL of a
// command or a click (ephemeral), else the DM with the bot. It only goes out for failures: a refusal
// or a stale click is answered by the listener itself.
import type { webApi } from "@slack/bolt";
import type { Logger } from "../../src/log.js";

export const NOT_SAVED = ":warning: That was not saved: I could not reach my storage just now. Please try again in a moment.";

interface Args {
  ack?: (...r: never[]) => Promise<void>;
  respond?: (msg: { response_type: "ephemeral"; replace_original: false; text: string }) => Promise<unknown>;
  client: webApi.WebClient;
  body: unknown;
}

/** Wraps a listener: a failure is logged and told to the person, after acking if it came first. */
export function tellOnFailure<A extends Args>(log: Logger, listener: (args: A) => Promise<void>, text = NOT_SAVED): (args: A) => Promise<void> {
  return async (args: A) => {
    let acked = false;
    const ack = args.ack && ((async (...r: never[]) => {
      acked = true;
      await args.ack!(...r);
    }) as A["ack"]);
    try {
      await listener(ack ? { ...args, ack } : args);
    } catch (err) {
      const who = userOf(args.body);
      log.error({ err: (err as Error).message, user: who }, "slack request failed after its ack; telling the person");
      if (args.ack && !acked) await args.ack().catch(() => undefined);
      await tell(args, who, text).catch((e: Error) => log.error({ err: e.message, user: who }, "could not tell the person their request failed"));
    }
  };
}

async function tell(args: Args, userId: string | undefined, text: string): Promise<void> {
  const b = args.body as { response_url?: string; event?: { channel?: string; channel_type?: string } };
  if (args.respond && b.response_url) return void (await args.respond({ response_type: "ephemeral", replace_original: false, text }));
  if (b.event?.channel_type === "im" && b.event.channel) return void (await args.client.chat.postMessage({ channel: b.event.channel, text }));
  if (!userId) throw new Error("no response URL, DM or user to tell");
  const dm = await args.client.conversations.open({ users: userId });
  await args.client.chat.postMessage({ channel: dm.channel!.id!, text });
}

function userOf(body: unknown): string | undefined {
  const b = body as { user?: { id?: string }; user_id?: string; event?: { user?: string } };
  return b.user?.id ?? b.user_id ?? b.event?.user;
}
