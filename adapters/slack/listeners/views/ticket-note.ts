// The reroute reason or resolve note was submitted. Too short keeps the modal open with an error;
// otherwise the modal closes and the action is applied. Refusals reach only the person who tried.
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { NOTE_MIN } from "../../../../src/domain/incident.js";
import { esc } from "../../blocks/kit.js";
import { INPUT, TicketModalMeta, VIEWS, decode } from "../../ids.js";
import { actorOf, type SlackDeps } from "../../deps.js";
import { inputValue } from "./triage-text.js";


export const ticketNoteView =
  (d: SlackDeps) =>
  async ({ view, body, ack, client }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const reroute = view.callback_id === VIEWS.reroute;
    const text = inputValue(view);
    const meta = decode(TicketModalMeta, view.private_metadata);
    // The lifecycle's own minimum, asked here so the modal stays open with the error beside the box.
    if (text.trim().length < NOTE_MIN) {
      const need = reroute ? "Please say why it belongs to the other domain." : "Please say what was done, or why no action is needed.";
      return ack({ response_action: "errors", errors: { [INPUT.block]: need } });
    }
    await ack();
    if (!meta) return;
    const actor = actorOf(body.user);
    const outcome = await d.app.actions.act(meta.i, { ...(reroute ? { kind: "reroute" as const, reason: text } : { kind: "resolve" as const, note: text }), ...(meta.r !== undefined ? { seenRoute: meta.r } : {}) }, actor);
    d.log.info({ incidentId: meta.i, action: reroute ? "reroute" : "resolve", user: actor.userId, ok: outcome.ok }, "slack ticket action");
    if (!outcome.ok) {
      const line = `:no_entry: ${esc(outcome.message)} Nothing was changed.`;
      if (meta.ch) await client.chat.postEphemeral({ channel: meta.ch, user: actor.userId, text: line }).catch(() => undefined);
      return;
    }
    // A stale or repeated submit changed nothing: say so to the person, privately.
    if (!outcome.changed) {
      if (meta.ch) await client.chat.postEphemeral({ channel: meta.ch, user: actor.userId, text: `:information_source: ${esc(outcome.message)}` }).catch(() => undefined);
      return;
    }
    // A reroute queues a new ticket for the other domain; the old card is marked here, at once.
    if (reroute && outcome.changed) await d.notifier.markSuperseded(outcome.incident);
  };
