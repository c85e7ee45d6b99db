// The Bot Framework connector calls we make (the REST API at an activity's serviceUrl), typed by the
// little we use, and how their failures become DeliveryErrors the ticket queue understands.
import type { CloudAdapter, TurnContext } from "botbuilder";
import { DeliveryError } from "../../src/tickets/notifier.js";

type Sent = Promise<{ id?: string }>;
export interface Connector {
  conversations: {
    /** a personal chat (members), or a new thread in a team channel (isGroup, channelData.channel, activity). */
    createConversation(p: {
      isGroup: boolean;
      bot: { id: string; name?: string };
      members?: Array<{ id: string; name?: string }>;
      tenantId?: string;
      channelData?: unknown;
      activity?: object;
    }): Promise<{ id?: string; activityId?: string }>;
    sendToConversation(conversationId: string, activity: object): Sent;
    replyToActivity(conversationId: string, activityId: string, activity: object): Sent;
    updateActivity(conversationId: string, activityId: string, activity: object): Sent;
  };
}

/** The connector client botbuilder made for this turn (authenticated for its serviceUrl). */
export function connectorOf(ctx: TurnContext): Connector {
  return ctx.turnState.get(ctx.adapter.ConnectorClientKey) as Connector;
}

/**
 * Runs `fn` with a connector client for `serviceUrl`, authenticated as the bot (no token when local):
 * a proactive call, made by a worker that has no inbound turn. The client makes no retries of its own
 * (withoutClientRetries): the job that called is retried durably instead.
 */
export async function proactively<T>(adapter: CloudAdapter, appId: string | undefined, serviceUrl: string, fn: (c: Connector) => Promise<T>): Promise<T> {
  let out: { value: T } | undefined;
  const reference = { channelId: "msteams", serviceUrl, conversation: { id: "proactive", isGroup: false, conversationType: "", name: "" } };
  await adapter.continueConversationAsync(appId ?? "", reference, async (ctx) => {
    const connector = withoutClientRetries(ctx.turnState.get(ctx.adapter.ConnectorClientKey) as Connector);
    out = { value: await fn(connector) };
  });
  if (!out) throw new DeliveryError("the Teams turn ended without a result");
  return out.value;
}

/**
 * Takes the client's own retry policy out, so a 429 reaches the ticket queue at once with its
 * Retry-After instead of holding a worker while the client sleeps; the queue retries durably.
 * The pipeline is not public API: if its shape changes this does nothing and the client retries.
 */
export function withoutClientRetries(c: Connector): Connector {
  const pipeline = (c as unknown as { client?: { pipeline?: { removePolicy?: (o: { phase: string }) => unknown } } }).client?.pipeline;
  pipeline?.removePolicy?.({ phase: "Retry" });
  return c;
}

interface RestErrorLike {
  statusCode?: number;
  message?: string;
  response?: { headers?: { get?(name: string): string | undefined } };
}

/** Maps a connector failure: 429 waits for Retry-After; other 4xx will not heal by retrying. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err ?? {}) as RestErrorLike;
  const status = e.statusCode;
  const message = `Teams connector: ${status ? `HTTP ${status}: ` : ""}${e.message ?? String(err)}`;
  if (status === 429) return new DeliveryError(message, retryAfterMs(e.response?.headers?.get?.("retry-after")));
  const permanent = status !== undefined && status >= 400 && status < 500 && status !== 408;
  return new DeliveryError(message, undefined, permanent);
}

/** Retry-After is seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A posted message, for editing it later: conversation id and activity id, both escaped. */
export const encodeRef = (conversationId: string, activityId: string) => `${encodeURIComponent(conversationId)}/${encodeURIComponent(activityId)}`;
export function decodeRef(ref: string): { conversationId: string; activityId: string } | undefined {
  const [c, a, extra] = ref.split("/");
  if (!c || !a || extra !== undefined) return undefined;
  return { conversationId: decodeURIComponent(c), activityId: decodeURIComponent(a) };
}

/** A link to a channel post (Teams deep link); none for chats, which have no shareable links. */
export function channelPostLink(conversationId: string, activityId: string, tenantId?: string): string | undefined {
  if (!conversationId.startsWith("19:") || conversationId.includes(";")) return undefined;
  const q = tenantId ? `?tenantId=${encodeURIComponent(tenantId)}` : "";
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(conversationId)}/${encodeURIComponent(activityId)}${q}`;
}
