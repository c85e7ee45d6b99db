// "Write your answer": opens a modal with a text box for a free-text question. The trigger id
// expires after 3 seconds, so only a cheap staleness check happens before views.open.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { textAnswerModal } from "../../blocks/modals.js";
import { StepValue, decode } from "../../ids.js";
import { turnKey, type SlackDeps } from "../../deps.js";

export const triageTextOpenAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond, client, context }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const whisper = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const v = decode(StepValue, action.value);
    const q = d.app.defs.flow.questions.find((x) => x.id === v?.q);
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!v || !q || q.kind !== "text" || !channel || !body.message) return void (await whisper(":warning: I could not read that button; nothing was changed."));
    const conv = await d.app.step(turnKey(context.teamId ?? body.user.team_id, body.user.id));
    if (!conv || conv.conversationId !== v.c || conv.rev !== v.r) {
      return void (await whisper(":warning: That question was already answered or has moved on; nothing was changed. Use the latest message."));
    }
    const meta = { c: v.c, r: v.r, q: q.id, ch: channel, ts: body.message.ts };
    await client.views.open({ trigger_id: body.trigger_id, view: textAnswerModal({ prompt: q.prompt, maxLength: q.maxLength, ...(q.help ? { help: q.help } : {}) }, meta) });
  };
