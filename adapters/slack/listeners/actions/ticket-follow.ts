// "Post update" and "Subscribe" on a ticket card (issue 16, point 4). Post update opens the status
// modal, after the ticket actions say this person may post one (so nobody types for nothing);
// Subscribe subscribes the clicker. The answer goes to the clicker alone; the card and its thread are
// updated by the queued status job.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { UNREADABLE_BUTTON } from "../../../../src/views/ticket-outcome.js";
import { statusModal } from "../../blocks/modals.js";
import { esc } from "../../blocks/kit.js";
import { ACTIONS, IncidentRef } from "../../ids.js";
import { actorOf, type SlackDeps } from "../../deps.js";

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export const ticketFollowAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond, client }: Args): Promise<void> => {
    await ack();
    const whisper = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const id = IncidentRef.safeParse(action.value);
    if (!id.success) return void (await whisper(`:warning: ${UNREADABLE_BUTTON}`));
    const actor = actorOf(body.user);
    if (action.action_id === ACTIONS.ticketSubscribe) {
      const out = await d.app.actions.subscribe(id.data, actor, true);
      d.log.info({ incidentId: id.data, action: "subscribe", user: actor.userId, ok: out.ok }, "slack ticket action");
      return void (await whisper(out.ok ? `:bell: ${esc(out.message)}` : `:no_entry: ${esc(out.message)} Nothing was changed.`));
    }
    const check = await d.app.actions.mayPostStatus(id.data, actor);
    if (!check.ok) return void (await whisper(`:no_entry: ${esc(check.message)} Nothing was changed.`));
    const channel = body.channel?.id ?? body.container?.channel_id;
    await client.views.open({ trigger_id: body.trigger_id, view: statusModal(check.incident, { i: check.incident.id, ...(channel ? { ch: channel } : {}) }) });
  };
