// A conversation step as a job: what a web process enqueues after verifying and acknowledging a
// request, and what a worker runs (the bot's step, then the messages to the person). Only plain data
// travels: the conversation key, the input, and where the answer goes (Slack: a DM channel, the clicked
// message, a response URL or an ephemeral target; Teams: the connector, chat and clicked card), never a
// client or a callback.
import { z } from "zod";
import type { Input } from "../bot/conversation.js";
import { ConversationRef } from "../domain/ids.js";
import { Actor, IncidentId } from "../domain/incident.js";
import { redact } from "../domain/redact.js";

const id = z.string().min(1).max(200);
const rev = z.number().int().min(0).optional();

/** The bot's Input (src/bot/conversation.ts), as it crosses Redis. */
export const TurnInput = z.union([
  z.strictObject({ kind: z.literal("start"), text: z.string().max(40_000).optional(), link: z.string().max(2000).optional() }),
  z.strictObject({ kind: z.literal("answer"), questionId: id, value: z.union([z.string().max(40_000), z.array(z.string().max(200)).max(100)]), rev }),
  z.strictObject({ kind: z.literal("confirm-inferred"), decision: z.literal("keep-all"), rev }),
  z.strictObject({ kind: z.literal("confirm-inferred"), decision: z.enum(["keep", "change"]), questionId: id, rev }),
  z.strictObject({ kind: z.literal("text"), text: z.string().max(40_000) }),
  z.strictObject({ kind: z.literal("back"), rev }),
  z.strictObject({ kind: z.literal("cancel"), rev }),
  z.strictObject({ kind: z.literal("join"), incidentId: IncidentId, rev }),
  z.strictObject({ kind: z.literal("file-new"), rev }),
  /**
   * Typed in the DM: an answer while a walk-through is open, else a new report. Decided by the worker
   * when the step runs, after the steps queued before it, not by the web process from a stale read.
   */
  z.strictObject({ kind: z.literal("typed"), text: z.string().max(40_000) }),
]);
export type TurnInput = z.infer<typeof TurnInput>;
// Compile-time check that every Input the bot takes can be carried (the reverse holds by construction).
const _inputFits = (i: Exclude<TurnInput, { kind: "typed" }>): Input => i;
void _inputFits;

/** The input with every free text redacted (a chosen option's value has nothing to redact). */
export function redactInput(input: TurnInput): TurnInput {
  const clean = (t: string) => redact(t).text;
  switch (input.kind) {
    case "start":
      return input.text === undefined ? input : { ...input, text: clean(input.text) };
    case "text":
    case "typed":
      return { ...input, text: clean(input.text) };
    case "answer":
      return typeof input.value === "string" ? { ...input, value: clean(input.value) } : input;
    default:
      return input;
  }
}

/** Where a private line goes: Slack's response URL of a click or command, or an ephemeral message. */
export const Whisper = z.union([
  z.strictObject({ responseUrl: z.url({ protocol: /^https?$/ }).max(2000) }),
  z.strictObject({ channel: id, user: id }),
]);
export type Whisper = z.infer<typeof Whisper>;

/**
 * Where a Teams step is answered: the connector of the activity (its serviceUrl, checked by botbuilder
 * against the request's token), the personal chat, and the card whose button was pressed (edited to
 * show the answer once the walk-through moves on).
 */
export const TeamsPlace = z.strictObject({
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2000),
  conversationId: z.string().min(1).max(400),
  tenantId: id,
  card: z.strictObject({ conversationId: ConversationRef, activityId: z.string().min(1).max(400).optional(), questionId: id.optional() }).optional(),
});
export type TeamsPlace = z.infer<typeof TeamsPlace>;

export const TurnJob = z.strictObject({
  platform: z.enum(["slack", "teams"]),
  /** the conversation key ("slack:<team>:<user>"): steps of one key run one at a time, in order. */
  key: id,
  /** this step's place among its key's steps, taken when enqueued (src/turns/order.ts). */
  seq: z.number().int().min(1),
  user: Actor,
  input: TurnInput,
  /** the DM channel, when the request came from it (saves a conversations.open). */
  dm: id.optional(),
  /** the walk-through message that was clicked: marked answered when the step moves on. */
  origin: z.strictObject({ channel: id, ts: z.string().min(1).max(40), conversationId: z.string().min(1).max(400), questionId: id.optional() }).optional(),
  whisper: Whisper.optional(),
  /** a reported message (message shortcut): its link is looked up when the step runs, not in the web process. */
  linkTo: z.strictObject({ channel: id, ts: z.string().min(1).max(40) }).optional(),
  /** what the person is told if the step finally fails ("that was not saved" unless given). */
  failureText: z.string().max(1000).optional(),
  /** Teams: where the answer goes (required for a Teams step, refused on a Slack one). */
  teams: TeamsPlace.optional(),
}).refine((j) => (j.platform === "teams") === (j.teams !== undefined), { message: "a Teams step names its chat (teams), a Slack step does not", path: ["teams"] });
export type TurnJob = z.infer<typeof TurnJob>;
export type TurnRequestJob = Omit<TurnJob, "seq">;

/** BullMQ refuses ':' in custom ids: the key's ':' (and '%') are percent-encoded, so ids stay unique and readable. */
export const turnJobId = (key: string, seq: number) => `${key.replace(/%/g, "%25").replace(/:/g, "%3A")}#${seq}`;

/** The web side of the turn queue: one step enqueued, in its conversation's order. */
export interface TurnQueue {
  enqueue(job: TurnRequestJob): Promise<void>;
  /** When the oldest step still waiting for a worker was queued (for /readyz); undefined when none waits. */
  oldestWaiting(): Promise<Date | undefined>;
  close(): Promise<void>;
}

export const TURNS_QUEUE = "turns";
