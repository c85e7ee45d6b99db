// Runs one step of the private walk-through: the bot decides, this posts the result in the user's DM
// with the bot, marks the clicked question answered in place, and shows refusals only to the user.
import type { webApi } from "@slack/bolt";
import type { Input } from "../../src/bot/conversation.js";
import type { Reply } from "../../src/bot/reply.js";
import type { Actor } from "../../src/domain/incident.js";
import { answeredView } from "../../src/views/answered.js";
import { answeredBlocks, noticeText, renderReplies } from "./blocks/reply.js";
import type { SlackDeps } from "./deps.js";

export interface TurnRequest {
  client: webApi.WebClient;
  key: string;
  user: Actor;
  input: Input;
  /** the DM channel, when the request came from it (saves a conversations.open). */
  dm?: string;
  /** the walk-through message that was clicked: marked answered when the step moves on. */
  origin?: { channel: string; ts: string; conversationId: string; questionId?: string };
  /** shows a line to this user only (a refusal or stale-click notice). */
  whisper?: (text: string) => Promise<unknown>;
}

export async function runTurn(d: SlackDeps, t: TurnRequest): Promise<void> {
  // The bot refuses a click from an earlier walk-through itself (revisions restart with each one).
  const turn = { key: t.key, user: t.user, input: t.input, ...(t.origin ? { conversationId: t.origin.conversationId } : {}) };
  const result = await d.app.bot.handleTurn(turn);
  const replies = result.replies;
  const moved = result.moved && replies.some((r) => r.kind !== "notice" || r.level !== "warning");
  if (t.origin && !moved) {
    // A click on a filed walk-through: the incident is posted in the DM (the reply that filed it may
    // never have arrived), the clicked message stays as it is.
    if (replies.some((r) => r.kind === "triage-result")) return void (await post(t, replies));
    // Stale or invalid click: the user's message stays as it is; only they see why.
    const notices = replies.filter((r) => r.kind === "notice");
    return void (await say(d, t, notices.length ? notices : replies));
  }
  if (t.origin) {
    const done = answeredView(d.app.defs.flow, t.input, t.origin.questionId);
    await t.client.chat.update({ channel: t.origin.channel, ts: t.origin.ts, ...answeredBlocks(done.question, done.answer) });
  }
  await post(t, replies);
}

async function say(d: SlackDeps, t: TurnRequest, replies: Reply[]) {
  const notices = replies.filter((r) => r.kind === "notice").map(noticeText);
  if (t.whisper && notices.length === replies.length) {
    try {
      return void (await t.whisper(notices.join("\n")));
    } catch (err) {
      d.log.warn({ err: (err as Error).message }, "ephemeral reply failed; posting in the DM");
    }
  }
  await post(t, replies);
}

async function post(t: TurnRequest, replies: Reply[]) {
  const channel = t.dm ?? (await openDm(t.client, t.user.userId));
  for (const m of renderReplies(replies)) await t.client.chat.postMessage({ channel, ...m });
}

export async function openDm(client: webApi.WebClient, userId: string): Promise<string> {
  const r = await client.conversations.open({ users: userId });
  return r.channel!.id!;
}
