// Message shortcut "Report as AI incident": the message becomes the description, and its permalink
// travels with the report so the on-call can open what was seen.
import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { actorOf, turnKey, type SlackDeps } from "../../deps.js";
import { submitTurn } from "../../turns.js";

export const reportMessageShortcut =
  (d: SlackDeps) =>
  async ({ shortcut, ack, client, context }: SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const user = actorOf(shortcut.user);
    let link: string | undefined;
    try {
      link = (await client.chat.getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message.ts })).permalink;
    } catch (err) {
      // Still worth reporting without the link (e.g. the bot cannot see that channel).
      d.log.warn({ err: (err as Error).message }, "slack permalink unavailable for reported message");
    }
    // Not cut here: the bot cuts text over the limit and tells the reporter (src/bot/long-text.ts).
    const text = (shortcut.message.text ?? "").trim();
    const input = { kind: "start" as const, ...(text ? { text } : {}), ...(link ? { link } : {}) };
    await submitTurn(d, client, { platform: "slack", key: turnKey(context.teamId ?? shortcut.team?.id, user.userId), user, input });
  };
