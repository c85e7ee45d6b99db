// The status modal was submitted (issue 16, point 4). Empty keeps the modal open with the error beside
// the box; otherwise it closes and the ticket actions post the update. A refusal reaches only the person.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { esc } from "../../blocks/kit.js";
import { INPUT, TicketModalMeta, decode } from "../../ids.js";
import { actorOf, type SlackDeps } from "../../deps.js";
import { inputValue } from "./triage-text.js";

export const ticketStatusView =
  (d: SlackDeps) =>
  async ({ view, body, ack, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const text = inputValue(view);
    if (!text) return ack({ response_action: "errors", errors: { [INPUT.block]: "A status update needs some text." } });
    await ack();
    const meta = decode(TicketModalMeta, view.private_metadata);
    if (!meta) return;
    const actor = actorOf(body.user);
    const out = await d.app.actions.status(meta.i, text, actor);
    d.log.info({ incidentId: meta.i, action: "status", user: actor.userId, ok: out.ok }, "slack ticket action");
    // A posted update shows on the card and in its thread: no receipt. A refusal is said privately.
    if (!out.ok && meta.ch) await client.chat.postEphemeral({ channel: meta.ch, user: actor.userId, text: `:no_entry: ${esc(out.message)} Nothing was changed.` }).catch(() => undefined);
  };
