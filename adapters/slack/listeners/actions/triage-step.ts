// A walk-through button (an option, Next / None for multi-answer questions, Keep all / Keep / Change
// on the suggested answers, Back, Cancel). The button names the conversation and revision; the bot decides.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { TurnInput } from "../../../../src/turns/job.js";
import { ACTIONS, StepValue, decode } from "../../ids.js";
import { actorOf, turnKey, type SlackDeps } from "../../deps.js";
import { submitTurn } from "../../turns.js";
import { pickedChoices } from "../../../../src/views/choices.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Checked boxes of the clicked message (all checkbox groups of a multi-answer question). */
function checked(body: BlockAction): string[] {
  const out: string[] = [];
  for (const block of Object.values(body.state?.values ?? {})) {
    for (const [actionId, v] of Object.entries(block)) {
      if (actionId.startsWith(ACTIONS.multiPick) && v.type === "checkboxes") out.push(...(v.selected_options ?? []).map((o) => o.value));
    }
  }
  return out;
}

function inputOf(actionId: string, v: StepValue, body: BlockAction): TurnInput | undefined {
  const base = { rev: v.r };
  if (actionId.startsWith(`${ACTIONS.answer}:`) && v.q && v.v) return { kind: "answer", questionId: v.q, value: v.v, ...base };
  if (actionId.startsWith(`${ACTIONS.keep}:`) && v.q) return { kind: "confirm-inferred", decision: "keep", questionId: v.q, ...base };
  if (actionId.startsWith(`${ACTIONS.change}:`) && v.q) return { kind: "confirm-inferred", decision: "change", questionId: v.q, ...base };
  switch (actionId) {
    case ACTIONS.multiNext:
      return v.q ? { kind: "answer", questionId: v.q, value: checked(body), ...base } : undefined;
    case ACTIONS.multiNone:
      return v.q ? { kind: "answer", questionId: v.q, value: [], ...base } : undefined;
    case ACTIONS.keepAll:
      return { kind: "confirm-inferred", decision: "keep-all", ...base };
    case ACTIONS.joinDuplicate:
      return v.i ? { kind: "join", incidentId: v.i, ...base } : undefined;
    case ACTIONS.fileNew:
      return { kind: "file-new", ...base };
    case ACTIONS.back:
      return { kind: "back", ...base };
    case ACTIONS.cancel:
      return { kind: "cancel", ...base };
  }
  return undefined;
}

export const triageStepAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond, client, context }: Args): Promise<void> => {
    await ack();
    const whisper = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const v = decode(StepValue, action.value);
    const input = v && inputOf(action.action_id, v, body);
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!v || !input || !channel || !body.message) return void (await whisper(":warning: I could not read that button; nothing was changed."));
    if (action.action_id === ACTIONS.multiNext && input.kind === "answer") {
      const picked = pickedChoices(input.value as string[]);
      if (!picked.ok) return void (await whisper(`:warning: ${picked.message}`));
    }
    const user = actorOf(body.user);
    await submitTurn(d, client, {
      platform: "slack",
      key: turnKey(context.teamId ?? body.user.team_id, user.userId),
      user,
      input,
      dm: channel,
      origin: { channel, ts: body.message.ts, conversationId: v.c, ...(v.q ? { questionId: v.q } : {}) },
      ...(body.response_url ? { whisper: { responseUrl: body.response_url } } : {}),
    });
  };
