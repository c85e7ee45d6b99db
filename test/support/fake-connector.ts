// A Bot Framework connector on localhost, standing where an activity's serviceUrl points: records what
// the bot posts, replies, updates and which chats it opens, and answers like the real service. Strict
// (given `conversations`), it refuses as Teams does what a bot may not do: a call without the bot's
// token when one is expected (401), and a post or edit in a conversation the bot is not part of (403
// BotNotInConversationRoster); the chats it opens become known.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { deadButtons } from "./card-inputs.js";
import { cardProblem } from "./card-rules.js";

export interface ConnectorCall {
  kind: "create" | "send" | "reply" | "update";
  /** the conversation id as sent (a channel thread may carry ";messageid=..."). */
  conversationId: string;
  /** the activity replied to (reply) or edited (update). */
  activityId?: string;
  /** the id the fake answered with. */
  id: string;
  body: Record<string, any>;
}

export interface FakeConnector {
  url: string;
  calls: ConnectorCall[];
  /** Answers the next `count` requests with 429 and this Retry-After (seconds). */
  throttle(count: number, retryAfterSeconds: number): void;
  /**
   * Fails the next `count` card edits (PUT .../activities/{id}) with `status`, as Teams does for a
   * message it cannot find (404) or in an outage (500, 503); other calls go through.
   */
  failUpdates(count: number, status: 404 | 500 | 503): void;
  /** Edits that were refused by failUpdates, in order (the call is not in `calls`). */
  failedUpdates: Array<{ conversationId: string; activityId: string; status: number }>;
  /** Cards refused: a button blocked by required inputs (card-inputs.ts) or a card Teams would not take (card-rules.ts). */
  refused: string[];
  /** Calls refused by the strict checks (token, conversation), with why. */
  denied: Array<{ status: number; path: string; why: string }>;
  /**
   * Holds the next matching call unanswered until the caller goes away (a worker killed mid-call).
   * `afterStore`: the call is recorded first, as when Teams stored the message and its answer was lost.
   */
  hold(match: (c: Omit<ConnectorCall, "id">) => boolean, afterStore?: boolean): void;
  /** Calls being held now. */
  held(): number;
  close(): Promise<void>;
}

export interface FakeConnectorOptions {
  /** Conversations the bot is part of (channels, personal chats); unset: any is accepted (the e2e files). */
  conversations?: string[];
  /** The bot's token: every call must carry "Authorization: Bearer <token>". Unset: none is checked (a bot without an app id sends none). */
  token?: string;
  /** The team channels a new channel thread may start in; default TEAM_CHANNELS. */
  teamChannels?: string[];
}

/** The channel part of a conversation id (without the thread's ";messageid="). */
export const channelOf = (conversationId: string) => conversationId.split(";")[0]!;

/** The team channels the fake knows: a new channel thread (POST /v3/conversations) goes only to one of these. */
export const TEAM_CHANNELS = ["19:incidents@thread.tacv2"];

export async function startFakeConnector(opts: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const teamChannels = new Set(opts.teamChannels ?? TEAM_CHANNELS);
  const calls: ConnectorCall[] = [];
  const known = opts.conversations ? new Set(opts.conversations.map(channelOf)) : undefined;
  const denied: FakeConnector["denied"] = [];
  const holds: Array<{ match: (c: Omit<ConnectorCall, "id">) => boolean; afterStore: boolean }> = [];
  const parked = new Set<IncomingMessage>();
  let throttled = 0;
  let retryAfter = 1;
  let next = 1;
  let failing = 0;
  let failStatus = 500;
  const failedUpdates: FakeConnector["failedUpdates"] = [];
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    void body(req).then((json) => {
      const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(payload));
      if (throttled > 0) {
        throttled--;
        return reply(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "retry-after": String(retryAfter) });
      }
      // A card with a button Teams would never send (blocked by required inputs) is a bug: refused loudly.
      // So is a card Teams would not render or act on (version rules, refresh, Action.Execute: card-rules.ts).
      const dead = (json.attachments ?? json.activity?.attachments ?? []).map((a: any) => (a?.contentType === "application/vnd.microsoft.card.adaptive" ? (cardProblem(a.content) ?? deadButtons(a.content)) : undefined)).find(Boolean);
      if (dead) {
        refused.push(dead);
        return reply(400, { error: { code: "BadArgument", message: `card refused by the fake: ${dead}` } });
      }
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const m = /^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?\/?$/.exec(path);
      if (!m) return reply(404, { error: { code: "NotFound", message: path } });
      const [, conv, act] = m;
      const conversationId = conv ? decodeURIComponent(conv) : "";
      const activityId = act ? decodeURIComponent(act) : undefined;
      // Teams refuses a call without the bot's token before anything else.
      if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
        denied.push({ status: 401, path, why: req.headers.authorization ? "wrong token" : "no token" });
        return reply(401, { message: "Authorization has been denied for this request." });
      }
      if (known && conv && !known.has(channelOf(conversationId))) {
        denied.push({ status: 403, path, why: `not a member of ${conversationId}` });
        return reply(403, { error: { code: "BotNotInConversationRoster", message: "The bot is not part of the conversation roster." } });
      }
      const kind = !conv ? "create" : req.method === "PUT" ? "update" : activityId ? "reply" : "send";
      const hold = holds.findIndex((h) => h.match({ kind, conversationId, ...(activityId ? { activityId } : {}), body: json }));
      const park = () => {
        // Never answered: the caller waits here until it dies or the fake closes.
        parked.add(req);
        req.socket.once("close", () => parked.delete(req));
      };
      const heldHere = hold >= 0 ? holds.splice(hold, 1)[0]! : undefined;
      if (heldHere && !heldHere.afterStore) return park();
      if (req.method === "POST" && !conv && json.isGroup === true) {
        // A new thread in a team channel: the channel must be named and exist, and the thread starts
        // with the activity; Teams answers the thread's id ("<channel>;messageid=<activity>") and the activity's.
        const channelId = json.channelData?.channel?.id;
        if (typeof channelId !== "string" || !channelId) return reply(400, { error: { code: "BadArgument", message: "channelData.channel.id is required for a channel conversation" } });
        if (!teamChannels.has(channelId)) return reply(404, { error: { code: "ConversationNotFound", message: `no channel ${channelId}` } });
        if (!json.activity) return reply(400, { error: { code: "BadArgument", message: "a channel conversation starts with an activity" } });
        const activityId = `act-${next++}`;
        const id = `${channelId};messageid=${activityId}`;
        known?.add(channelId);
        calls.push({ kind: "create", conversationId: id, id: activityId, body: json });
        return reply(201, { id, activityId });
      }
      if (req.method === "POST" && !conv) {
        // Teams answers the same 1:1 chat for the same member, as here.
        const id = `a:chat-${json.members?.[0]?.id ?? "unknown"}`;
        known?.add(id);
        calls.push({ kind: "create", conversationId: id, id, body: json });
        return heldHere ? park() : reply(201, { id });
      }
      if (req.method === "POST") {
        const id = `act-${next++}`;
        calls.push({ kind: activityId ? "reply" : "send", conversationId, ...(activityId ? { activityId } : {}), id, body: json });
        return heldHere ? park() : reply(201, { id });
      }
      if (req.method === "PUT" && activityId && failing > 0) {
        failing--;
        failedUpdates.push({ conversationId, activityId, status: failStatus });
        return reply(failStatus, { error: { code: failStatus === 404 ? "NotFound" : "ServiceError", message: "the card could not be updated" } });
      }
      if (req.method === "PUT" && activityId) {
        calls.push({ kind: "update", conversationId, activityId, id: activityId, body: json });
        return heldHere ? park() : reply(200, { id: activityId });
      }
      return reply(405, { error: { code: "MethodNotAllowed", message: req.method } });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    throttle(count, seconds) {
      throttled = count;
      retryAfter = seconds;
    },
    failUpdates(count, status) {
      failing = count;
      failStatus = status;
    },
    failedUpdates,
    refused,
    denied,
    hold(match, afterStore = false) {
      holds.push({ match, afterStore });
    },
    held: () => parked.size,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function body(req: IncomingMessage): Promise<Record<string, any>> {
  let text = "";
  for await (const chunk of req) text += chunk;
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}
