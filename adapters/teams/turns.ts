// One step of the private walk-through in Teams, as the connector calls that answer it: the clicked
// card edited to show the answer once the walk-through moved on, then the bot's replies as cards in
// the personal chat. Planned the same way everywhere; embedded, the calls go out through the request's
// turn (runInTurn); with Redis the web process only enqueues the step (TeamsStepSubmitter) and a worker
// plans and sends it (turn-worker.ts).
import type { Activity, TurnContext } from "botbuilder";
import { z } from "zod";
import type { Input } from "../../src/bot/conversation.js";
import { notice, type Reply } from "../../src/bot/reply.js";
import type { AdapterPort } from "../../src/port.js";
import type { TeamsPlace, TurnInput } from "../../src/turns/job.js";
import { answeredView } from "../../src/views/answered.js";
import { answeredCard, cardActivity, renderReply } from "./cards/index.js";
import type { Who } from "./identity.js";

/** A message activity we rendered (cards/), stored and read back: checked for shape, not re-validated. */
const MessageActivity = z.looseObject({ type: z.literal("message") });

/** One connector call answering a step, as stored between planning and sending (src/turns/outbox.ts). */
export const TeamsCall = z.discriminatedUnion("op", [
  /** edits the pressed card in place (PUT .../activities/{id}): repeatable, so a re-run may redo it. */
  z.strictObject({ op: z.literal("teams-update"), activityId: z.string().min(1).max(400), activity: MessageActivity }),
  /** a new message in the personal chat (POST .../activities). */
  z.strictObject({ op: z.literal("teams-send"), activity: MessageActivity }),
]);
export type TeamsCall = z.infer<typeof TeamsCall>;

/** What a Teams step carries: the bot's Input as it crosses Redis (src/turns/job.ts). */
export type StepInput = Exclude<TurnInput, { kind: "typed" }>;

export interface TeamsStep {
  key: string;
  user: Who["actor"];
  input: TurnInput;
  /** the walk-through card whose button was pressed (absent for typed text). */
  card?: TeamsPlace["card"];
}

export const STALE_CARD = "That card belongs to a triage that has ended or been replaced; nothing was changed. Use the latest card.";

/**
 * The bot's step as connector calls. `rerun`: an earlier run of this queued step died, possibly after
 * the bot saved it; the answer then comes from the saved state (src/turns/worker.ts).
 */
export async function planStep(app: Pick<AdapterPort, "bot" | "step" | "defs">, s: TeamsStep, rerun = false): Promise<TeamsCall[]> {
  const { card } = s;
  const input = await resolveTyped(app, s.key, s.input);
  const turn = { key: s.key, user: s.user, input, ...(card ? { conversationId: card.conversationId } : {}) };
  // A card of another or an older triage changes nothing. Not on a re-run: the step itself may have
  // ended the triage (Cancel), and the bot judges the saved state instead.
  if (card && !rerun) {
    const conv = await app.step(s.key);
    if (!conv || conv.conversationId !== card.conversationId) return sends([notice(STALE_CARD, "warning")]);
  }
  let result = await app.bot.handleTurn(turn);
  if (rerun && !result.moved) result = (await app.bot.resume(turn)) ?? result;
  const calls: TeamsCall[] = [];
  // Accepted when the walk-through moved on (a warning may still lead, e.g. "I removed a secret").
  if (result.moved && card?.activityId) {
    const { question, answer } = answeredView(app.defs.flow, input, card.questionId);
    calls.push({ op: "teams-update", activityId: card.activityId, activity: cardActivity(answeredCard(question, answer)) });
  }
  return [...calls, ...sends(result.replies)];
}

/** Typed text (never sent by this adapter, which parses commands itself): as Slack reads it. */
async function resolveTyped(app: Pick<AdapterPort, "step">, key: string, input: TurnInput): Promise<Input> {
  if (input.kind !== "typed") return input;
  const conv = await app.step(key);
  return conv && !conv.incidentId ? { kind: "text", text: input.text } : { kind: "start", text: input.text };
}

export const sends = (replies: Reply[]): TeamsCall[] => replies.map((r) => ({ op: "teams-send", activity: cardActivity(renderReply(r)) }));

/** Embedded: the calls go out through the request's own turn (replies to the activity), in order. */
export async function runInTurn(ctx: TurnContext, calls: TeamsCall[]): Promise<void> {
  let pending: Array<Partial<Activity>> = [];
  const flush = async () => {
    if (pending.length) await ctx.sendActivities(pending);
    pending = [];
  };
  for (const c of calls) {
    if (c.op === "teams-send") pending.push(c.activity as Partial<Activity>);
    else {
      await flush();
      await ctx.updateActivity({ ...(c.activity as Partial<Activity>), id: c.activityId });
    }
  }
  await flush();
}

/** Where this activity's step is answered: its connector, its chat and, for a button, the pressed card. */
export function placeOf(ctx: TurnContext, who: Who, card?: { conversationId: string; questionId?: string }): TeamsPlace {
  const a = ctx.activity;
  return {
    serviceUrl: a.serviceUrl,
    conversationId: a.conversation.id,
    tenantId: who.tenantId,
    ...(card ? { card: { conversationId: card.conversationId, ...(a.replyToId ? { activityId: a.replyToId } : {}), ...(card.questionId ? { questionId: card.questionId } : {}) } } : {}),
  };
}

/**
 * A step from the personal chat: with a turn queue (Redis) it is enqueued for a worker and the request
 * answered at once; embedded it is planned and answered here, in the turn.
 */
export async function submitStep(app: Pick<AdapterPort, "bot" | "step" | "defs" | "turns">, ctx: TurnContext, who: Who, input: StepInput, card?: { conversationId: string; questionId?: string }): Promise<void> {
  const place = placeOf(ctx, who, card);
  if (app.turns) return app.turns.enqueue({ platform: "teams", key: who.key, user: who.actor, input, teams: place });
  await runInTurn(ctx, await planStep(app, { key: who.key, user: who.actor, input, ...(place.card ? { card: place.card } : {}) }));
}
