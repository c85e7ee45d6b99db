// A message typed in the DM with the bot: answers the current question (free text, or an option by
// its label), or starts a new report when no triage is in progress.
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { turnKey, type SlackDeps } from "../../deps.js";
import { submitTurn } from "../../turns.js";

export const directMessageEvent =
  (d: SlackDeps) =>
  async ({ event, body, client, context }: SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs): Promise<void> => {
    // Only people's own new messages in a DM: not edits, joins, files, or bots (including us).
    if (event.channel_type !== "im" || event.subtype !== undefined || (event as { bot_id?: string }).bot_id) return;
    // Not cut here: the bot cuts text over the limit and tells the reporter (src/bot/long-text.ts).
    const text = (event.text ?? "").trim();
    if (!text) return;
    const key = turnKey(context.teamId ?? body.team_id, event.user);
    // An answer to the open walk-through or a new report: decided when the step runs (turns.ts).
    await submitTurn(d, client, { platform: "slack", key, user: { platform: "slack", userId: event.user }, input: { kind: "typed", text }, dm: event.channel });
  };
