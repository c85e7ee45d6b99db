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
    // Not cut here: the bot cuts text over the limit and tells the reporter (src/bot/long-text.ts).
    const text = (shortcut.message.text ?? "").trim();
    const input = { kind: "start" as const, ...(text ? { text } : {}) };
    // The permalink is read when the step runs (turns.ts): no Slack call in the web process.
    const linkTo = { channel: shortcut.channel.id, ts: shortcut.message.ts };
    await submitTurn(d, client, { platform: "slack", key: turnKey(context.teamId ?? shortcut.team?.id, user.userId), user, input, linkTo });
  };
