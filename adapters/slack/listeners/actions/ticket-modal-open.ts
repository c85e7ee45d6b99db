// Reroute / Resolve on a ticket card: both need words (a reason, a note), so they open a modal. The
// ticket actions say first whether this person may (and whether the card is current), so people off
// the roster, or pressing an old card, get an answer instead of a form.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { UNREADABLE_BUTTON } from "../../../../src/views/ticket-outcome.js";
import { ticketModal } from "../../blocks/modals.js";
import { esc } from "../../blocks/kit.js";
import { ACTIONS, TicketButtonRef } from "../../ids.js";
import { actorOf, type SlackDeps } from "../../deps.js";

export const ticketModalOpenAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond, client }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const whisper = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const ref = TicketButtonRef.safeParse(action.value);
    if (!ref.success) return void (await whisper(`:warning: ${UNREADABLE_BUTTON}`));
    const kind = action.action_id === ACTIONS.ticketReroute ? "reroute" : "resolve";
    const check = await d.app.actions.mayOpen(ref.data.incidentId, kind, actorOf(body.user), ref.data.seenRoute);
    if (!check.ok) return void (await whisper(`:no_entry: ${esc(check.message)} Nothing was changed.`));
    const incident = check.incident;
    const channel = body.channel?.id ?? body.container?.channel_id;
    await client.views.open({ trigger_id: body.trigger_id, view: ticketModal(kind, incident, { i: incident.id, r: incident.routeCount, ...(channel ? { ch: channel } : {}) }) });
  };
