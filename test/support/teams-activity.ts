// Activities as Microsoft Teams sends them to a bot (Bot Framework shapes, channelId "msteams"):
// messages (with an @mention in channels), Action.Submit button presses and install events.
import { randomUUID } from "node:crypto";

export const TENANT_ID = "tenant-0001";
export const BOT = { id: "28:00000000-0000-0000-0000-00000000b07", name: "Triage" };

export interface TeamsUser {
  /** the Teams user id ("29:..."). */
  id: string;
  aadObjectId: string;
  name: string;
}
export const user = (handle: string, name: string): TeamsUser => ({ id: `29:1${handle}`, aadObjectId: `aad-${handle}`, name });

export interface Where {
  serviceUrl: string;
  conversationId: string;
  conversationType: "personal" | "channel" | "groupChat";
}
export const personalChat = (serviceUrl: string, u: TeamsUser, conversationId = `a:personal-${u.aadObjectId}`): Where => ({ serviceUrl, conversationId, conversationType: "personal" });
/** A channel; `threadOf` makes it the thread of that root message, as Teams names replies there. */
export const channel = (serviceUrl: string, id: string, threadOf?: string): Where => ({
  serviceUrl,
  conversationId: threadOf ? `${id};messageid=${threadOf}` : id,
  conversationType: "channel",
});

function base(where: Where, from: TeamsUser) {
  const inChannel = where.conversationType === "channel";
  const channelId = where.conversationId.split(";")[0]!;
  return {
    id: `${Date.now()}${Math.floor(Math.random() * 1000)}`,
    timestamp: new Date().toISOString(),
    channelId: "msteams",
    serviceUrl: where.serviceUrl,
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    conversation: {
      id: where.conversationId,
      conversationType: where.conversationType,
      tenantId: TENANT_ID,
      ...(where.conversationType !== "personal" ? { isGroup: true } : {}),
    },
    recipient: BOT,
    locale: "en-US",
    channelData: {
      tenant: { id: TENANT_ID },
      ...(inChannel ? { teamsChannelId: channelId, teamsTeamId: "19:team@thread.tacv2", channel: { id: channelId }, team: { id: "19:team@thread.tacv2" } } : {}),
    },
  };
}

/** A typed message; in a channel it starts with the bot's @mention, as Teams delivers it. */
export function message(where: Where, from: TeamsUser, text: string) {
  const mention = where.conversationType !== "personal";
  const at = `<at>${BOT.name}</at>`;
  return {
    ...base(where, from),
    type: "message",
    textFormat: "plain",
    text: mention ? `${at} ${text}` : text,
    entities: [
      { type: "clientInfo", locale: "en-US", platform: "Web", timezone: "Europe/Berlin" },
      ...(mention ? [{ type: "mention", text: at, mentioned: { id: BOT.id, name: BOT.name } }] : []),
    ],
  };
}

/**
 * An Action.Submit press: the button's data merged with the card's inputs; replyToId is the card. In a
 * channel Teams names the conversation `<channel>;messageid=<root>`: the card is the root here unless
 * `where` already names a thread.
 */
export function submit(where: Where, from: TeamsUser, value: Record<string, unknown>, cardActivityId: string) {
  const inThread = where.conversationType === "channel" && !where.conversationId.includes(";messageid=") ? { ...where, conversationId: `${where.conversationId};messageid=${cardActivityId}` } : where;
  const b = base(inThread, from);
  return { ...b, type: "message", value, replyToId: cardActivityId, channelData: { ...b.channelData, source: { name: "message" }, legacy: { replyToId: cardActivityId } } };
}

/**
 * An Action.Execute press (Universal Actions) or a card refresh, as Teams sends it: an
 * `adaptiveCard/action` invoke with the verb and the data merged with the card's inputs.
 */
export function execute(where: Where, from: TeamsUser, verb: string, data: Record<string, unknown>, cardActivityId: string, trigger: "manual" | "automatic" = "manual") {
  const inThread = where.conversationType === "channel" && !where.conversationId.includes(";messageid=") ? { ...where, conversationId: `${where.conversationId};messageid=${cardActivityId}` } : where;
  const b = base(inThread, from);
  return { ...b, type: "invoke", name: "adaptiveCard/action", replyToId: cardActivityId, value: { action: { type: "Action.Execute", id: "", verb, data }, trigger } };
}

/** The bot installed (personal scope) or added to a team: Teams sends membersAdded with the bot. */
export function installed(where: Where, by: TeamsUser) {
  const b = base(where, by);
  const inTeam = where.conversationType === "channel";
  return { ...b, id: randomUUID(), type: "conversationUpdate", membersAdded: [{ id: BOT.id }], channelData: { ...b.channelData, ...(inTeam ? { eventType: "teamMemberAdded" } : {}) } };
}

/**
 * A message action on someone's message ("Report as AI incident"), as Teams invokes it: the message
 * travels in `value.messagePayload` with its HTML body and its link.
 */
export function messageAction(where: Where, from: TeamsUser, reported: { html: string; link: string; author: TeamsUser }, name: "composeExtension/fetchTask" | "composeExtension/submitAction" = "composeExtension/fetchTask") {
  const b = base(where, from);
  return {
    ...b,
    type: "invoke",
    name,
    value: {
      commandId: "reportMessage",
      commandContext: "message",
      context: { theme: "default" },
      messagePayload: {
        id: "1700000000000",
        messageType: "message",
        createdDateTime: new Date().toISOString(),
        importance: "normal",
        locale: "en-us",
        linkToMessage: reported.link,
        from: { user: { id: reported.author.aadObjectId, displayName: reported.author.name, userIdentityType: "aadUser" } },
        body: { contentType: "html", content: reported.html },
        attachments: [],
        mentions: [],
      },
    },
  };
}
