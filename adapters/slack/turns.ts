// Runs one step of the private walk-through: the bot decides, and the result becomes Slack calls: the
// next step posted in the user's DM with the bot, the clicked question marked answered in place, a
// refusal shown only to the user. With Redis the web process only enqueues the step (submitTurn) and a
// worker plans and sends it (turn-worker.ts); embedded, both happen here, in process, as before.
import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { Input } from "../../src/bot/conversation.js";
import type { Reply } from "../../src/bot/reply.js";
import type { Logger } from "../../src/log.js";
import type { AdapterPort } from "../../src/port.js";
import type { TurnInput, TurnJob, TurnRequestJob, Whisper } from "../../src/turns/job.js";
import type { SendContext } from "../../src/turns/worker.js";
import { answeredView } from "../../src/views/answered.js";
import type { Block } from "./blocks/kit.js";
import { answeredBlocks, noticeText, renderReplies } from "./blocks/reply.js";
import { NOT_SAVED } from "./failures.js";
import { deliveryMetadata, findByKey } from "./reconcile.js";

export type TurnRequest = TurnRequestJob;

/** Blocks are ours (rendered by blocks/), stored and read back: checked for shape, not re-validated. */
const BlockShape = z.custom<Block>((b) => typeof b === "object" && b !== null && typeof (b as { type?: unknown }).type === "string", "a Block Kit block");
const Message = z.strictObject({ text: z.string(), blocks: z.array(BlockShape).max(100) });
type Message = z.infer<typeof Message>;

/** One Slack call answering a step, as stored between planning and sending (src/turns/outbox.ts). */
export const SlackCall = z.discriminatedUnion("op", [
  /** marks the clicked question answered. */
  z.strictObject({ op: z.literal("update"), channel: z.string(), ts: z.string(), message: Message }),
  /** a message in the user's DM with the bot. */
  z.strictObject({ op: z.literal("post"), message: Message }),
  /** a line only the user sees; when that cannot be shown, `orPost` goes to the DM instead. */
  z.strictObject({ op: z.literal("whisper"), text: z.string(), orPost: z.array(Message) }),
]);
export type SlackCall = z.infer<typeof SlackCall>;

interface PlanDeps {
  app: Pick<AdapterPort, "bot" | "step" | "defs">;
  /** reads a reported message's permalink (message shortcut). */
  client?: webApi.WebClient;
  log?: Logger;
}

/** The bot's step for this request, as the Slack calls that answer it. `rerun`: see TurnHandler.plan. */
export async function planTurn(d: PlanDeps, t: TurnRequest, rerun = false): Promise<SlackCall[]> {
  const input = await withLink(d, t, await resolveInput(d, t.key, t.input));
  // The bot refuses a click from an earlier walk-through itself (revisions restart with each one).
  const turn = { key: t.key, user: t.user, input, ...(t.origin ? { conversationId: t.origin.conversationId } : {}) };
  let result = await d.app.bot.handleTurn(turn);
  // A worker died after the bot saved this step and before the person heard of it: the answer is
  // read back from what was saved, instead of "already answered" for the person's own click.
  if (rerun && !result.moved) result = (await d.app.bot.resume(turn)) ?? result;
  const replies = result.replies;
  const moved = result.moved && replies.some((r) => r.kind !== "notice" || r.level !== "warning");
  if (t.origin && !moved) {
    // A click on a filed walk-through: the incident is posted in the DM (the reply that filed it may
    // never have arrived), the clicked message stays as it is.
    if (replies.some((r) => r.kind === "triage-result")) return posts(replies);
    // Stale or invalid click: the user's message stays as it is; only they see why.
    const notices = replies.filter((r) => r.kind === "notice");
    return say(t, notices.length ? notices : replies);
  }
  const calls: SlackCall[] = [];
  if (t.origin) calls.push({ op: "update", channel: t.origin.channel, ts: t.origin.ts, message: answered(answeredView(d.app.defs.flow, input, t.origin.questionId)) });
  return [...calls, ...posts(replies)];
}

/** Typed in the DM: answers the open walk-through, or starts a new report when none is open. */
async function resolveInput(d: PlanDeps, key: string, input: TurnInput): Promise<Input> {
  if (input.kind !== "typed") return input;
  const conv = await d.app.step(key);
  return conv && !conv.incidentId ? { kind: "text", text: input.text } : { kind: "start", text: input.text };
}

/** A reported message's permalink travels with the report, so the on-call can open what was seen. */
async function withLink(d: PlanDeps, t: TurnRequest, input: Input): Promise<Input> {
  if (!t.linkTo || input.kind !== "start" || input.link || !d.client) return input;
  try {
    const link = (await d.client.chat.getPermalink({ channel: t.linkTo.channel, message_ts: t.linkTo.ts })).permalink;
    return link ? { ...input, link } : input;
  } catch (err) {
    // Still worth reporting without the link (e.g. the bot cannot see that channel).
    d.log?.warn({ err: (err as Error).message }, "slack permalink unavailable for reported message");
    return input;
  }
}

function say(t: TurnRequest, replies: Reply[]): SlackCall[] {
  const notices = replies.filter((r) => r.kind === "notice").map(noticeText);
  if (t.whisper && notices.length === replies.length) return [{ op: "whisper", text: notices.join("\n"), orPost: renderReplies(replies) }];
  return posts(replies);
}

const posts = (replies: Reply[]): SlackCall[] => renderReplies(replies).map((m) => ({ op: "post", message: m }));

/**
 * Sends one call. With `ctx` (a queued step), DM posts carry a key in their metadata, and a post an
 * earlier run may have made is looked up in the DM before it is made again.
 */
export async function sendCall(client: webApi.WebClient, log: Logger, t: TurnRequest, call: SlackCall, ctx?: SendContext): Promise<void> {
  switch (call.op) {
    case "update":
      return void (await client.chat.update({ channel: call.channel, ts: call.ts, text: call.message.text, blocks: call.message.blocks }));
    case "post":
      return postInDm(client, t, call.message, ctx);
    case "whisper":
      try {
        return void (await whisper(client, t.whisper!, call.text));
      } catch (err) {
        log.warn({ err: (err as Error).message }, "ephemeral reply failed; posting in the DM");
      }
      for (const [i, m] of call.orPost.entries()) await postInDm(client, t, m, ctx && { ...ctx, key: `${ctx.key}.${i}` });
  }
}

async function postInDm(client: webApi.WebClient, t: TurnRequest, m: Message, ctx?: SendContext): Promise<void> {
  const channel = t.dm ?? (await openDm(client, t.user.userId));
  if (ctx?.maybeSent && (await findByKey(client, channel, ctx.key, ctx.since))) return;
  await client.chat.postMessage({ channel, text: m.text, blocks: m.blocks, ...(ctx ? { metadata: deliveryMetadata(ctx.key) } : {}) });
}

/** A line only the person sees: on the click's or command's response URL, else an ephemeral message. */
async function whisper(client: webApi.WebClient, to: Whisper, text: string): Promise<void> {
  if ("channel" in to) return void (await client.chat.postEphemeral({ channel: to.channel, user: to.user, text }));
  const r = await fetch(to.responseUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: "ephemeral", replace_original: false, text }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) throw new Error(`response_url answered ${r.status}`);
}

/** Runs a step here and now (embedded mode): plans it, then sends each call in order. */
export async function runTurn(d: PlanDeps & { log: Logger }, client: webApi.WebClient, t: TurnRequest): Promise<void> {
  for (const call of await planTurn({ ...d, client }, t)) await sendCall(client, d.log, t, call);
}

/** After the ack: with a turn queue (Redis) the step is enqueued for a worker, else it runs here. */
export async function submitTurn(d: PlanDeps & { log: Logger; app: Pick<AdapterPort, "turns"> }, client: webApi.WebClient, t: TurnRequest): Promise<void> {
  if (d.app.turns) return d.app.turns.enqueue(t);
  await runTurn(d, client, t);
}

/** A step that finally failed: the person hears it where they would have heard the answer. */
export async function tellTurnFailed(client: webApi.WebClient, t: TurnJob): Promise<void> {
  const text = t.failureText ?? NOT_SAVED;
  if (t.whisper) {
    try {
      return await whisper(client, t.whisper, text);
    } catch {
      // fall through to the DM
    }
  }
  const channel = t.dm ?? (await openDm(client, t.user.userId));
  await client.chat.postMessage({ channel, text });
}

export async function openDm(client: webApi.WebClient, userId: string): Promise<string> {
  const r = await client.conversations.open({ users: userId });
  return r.channel!.id!;
}

/** The clicked message once answered: its question and what was chosen (src/views/answered.ts). */
const answered = (v: { question: string; answer: string }) => answeredBlocks(v.question, v.answer);
