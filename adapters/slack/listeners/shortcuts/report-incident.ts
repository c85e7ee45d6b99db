// Global shortcut "Report an AI incident": starts the private walk-through in a DM.
import type { AllMiddlewareArgs, GlobalShortcut, SlackShortcutMiddlewareArgs } from "@slack/bolt";
import { actorOf, turnKey, type SlackDeps } from "../../deps.js";
import { submitTurn } from "../../turns.js";

export const reportIncidentShortcut =
  (d: SlackDeps) =>
  async ({ shortcut, ack, client, context }: SlackShortcutMiddlewareArgs<GlobalShortcut> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const user = actorOf(shortcut.user);
    await submitTurn(d, client, { platform: "slack", key: turnKey(context.teamId ?? shortcut.team?.id, user.userId), user, input: { kind: "start" } });
  };
