// Acknowledge / Escalate on a ticket card (or a page DM). The ticket actions decide (a card of an
// older routing is refused there, as in Teams); a refusal or a no-op is shown only to the clicker.
// The card itself is re-rendered by the queued update job.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { outcomeView, UNREADABLE_BUTTON } from "../../../../src/views/ticket-outcome.js";
import { ACTIONS, TicketButtonRef } from "../../ids.js";
import { actorOf, type SlackDeps } from "../../deps.js";
import { esc } from "../../blocks/kit.js";

export const ticketAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const whisper = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const escalate = action.action_id === ACTIONS.ticketEscalate;
    const ref = TicketButtonRef.safeParse(action.value);
    if (!ref.success) return void (await whisper(`:warning: ${UNREADABLE_BUTTON}`));
    const { incidentId, seenGen, seenRoute } = ref.data;
    const seen = { ...(seenRoute !== undefined ? { seenRoute } : {}) };
    const op = escalate ? "escalate" : "acknowledge";
    const outcome = await d.app.actions.act(incidentId, escalate ? { kind: "escalate", ...seen, ...(seenGen !== undefined ? { seenGen } : {}) } : { kind: "acknowledge", ...seen }, actorOf(body.user));
    d.log.info({ incidentId, action: op, user: body.user.id, ok: outcome.ok, ...(outcome.ok ? { changed: outcome.changed } : {}) }, "slack ticket action");
    const said = outcomeView(op, outcome);
    // A saved action shows on the card (edited by the update job): no receipt in Slack.
    if (said.level === "refused") await whisper(`:no_entry: ${esc(said.text)}`);
    else if (said.level === "unchanged") await whisper(`:information_source: ${esc(said.text)}`);
  };
