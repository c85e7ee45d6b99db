// The person's personal chat with the bot, opened from inside a turn (Teams answers the same 1:1 chat
// for the same member every time, so "open" also finds it). What is theirs alone goes there instead of
// in front of a channel: a walk-through started with an @mention, a manager's summary, a message
// reported with the message action. Teams has no ephemeral messages, so this is how it whispers.
import type { TurnContext } from "botbuilder";
import type { Logger } from "../../src/log.js";
import { botAccountId, type TeamsConfig } from "./auth.js";
import { connectorOf } from "./connector.js";
import type { Who } from "./identity.js";
import { isPersonal } from "./identity.js";

export interface PersonalChat {
  id: string;
  send(activity: object | string): Promise<void>;
}

/** The chat, or undefined when Teams would not open it (logged; the caller tells the person where they are). */
export async function personalChat(ctx: TurnContext, who: Who, cfg: TeamsConfig, log: Logger): Promise<PersonalChat | undefined> {
  const a = ctx.activity;
  // Already in it (a message typed there): answer through the turn. An invoke may come from anyone's
  // 1:1 chat, where the bot is no member, so it always opens the bot's own chat.
  if (a.type === "message" && isPersonal(a)) return { id: a.conversation.id, send: async (x) => void (await ctx.sendActivity(x)) };
  const connector = connectorOf(ctx);
  const chat = await connector.conversations
    .createConversation({
      isGroup: false,
      bot: { id: a.recipient?.id ?? botAccountId(cfg) },
      members: [{ id: a.from.id }],
      tenantId: who.tenantId,
      channelData: { tenant: { id: who.tenantId } },
    })
    .catch((err: unknown) => {
      log.warn({ err: (err as Error).message, user: who.actor.userId }, "teams: cannot open a personal chat");
      return undefined;
    });
  const id = chat?.id;
  if (!id) return undefined;
  return { id, send: async (x) => void (await connector.conversations.sendToConversation(id, typeof x === "string" ? { type: "message", text: x } : x)) };
}

/** Said where the person asked when no personal chat could be opened. */
export const NO_PERSONAL_CHAT = "I could not open a private chat with you. Open a chat with me (Apps → AI Incident Triage) and ask there.";
