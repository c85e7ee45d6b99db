// Acknowledge / Escalate on a ticket card (or a page DM). The lifecycle decides; a refusal or a
// no-op is shown only to the clicker. The card itself is re-rendered by the queued update job.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { ACTIONS, IncidentRef } from "../../ids.js";
import { actorOf, type SlackDeps } from "../../deps.js";
import { esc } from "../../blocks/kit.js";

export const ticketAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const whisper = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const id = IncidentRef.safeParse(action.value);
    if (!id.success) return void (await whisper(":warning: I could not read that button; nothing was changed."));
    const kind = action.action_id === ACTIONS.ticketAck ? "acknowledge" : "escalate";
    const outcome = await d.app.actions.act(id.data, { kind }, actorOf(body.user));
    d.log.info({ incidentId: id.data, action: kind, user: body.user.id, ok: outcome.ok }, "slack ticket action");
    if (!outcome.ok) return void (await whisper(`:no_entry: ${esc(outcome.message)} Nothing was changed.`));
    if (!outcome.changed) await whisper(`:information_source: ${esc(outcome.message)}`);
  };
