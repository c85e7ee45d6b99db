// Acknowledge / Escalate on a ticket card (or a page DM). The lifecycle decides; a refusal or a
// no-op is shown only to the clicker. The card itself is re-rendered by the queued update job.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { ACTIONS, EscalateRef, IncidentRef } from "../../ids.js";
import { actorOf, type SlackDeps } from "../../deps.js";
import { esc } from "../../blocks/kit.js";

export const ticketAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const whisper = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const escalate = action.action_id === ACTIONS.ticketEscalate;
    const ref = escalate ? EscalateRef.safeParse(action.value) : IncidentRef.transform((incidentId) => ({ incidentId })).safeParse(action.value);
    if (!ref.success) return void (await whisper(":warning: I could not read that button; nothing was changed."));
    const { incidentId } = ref.data;
    // Escalate carries the generation its card showed, so a double click escalates once.
    const seenGen = (ref.data as { seenGen?: number }).seenGen;
    const seen = seenGen !== undefined ? { seenGen } : {};
    const outcome = await d.app.actions.act(incidentId, escalate ? { kind: "escalate", ...seen } : { kind: "acknowledge" }, actorOf(body.user));
    d.log.info({ incidentId, action: escalate ? "escalate" : "acknowledge", user: body.user.id, ok: outcome.ok, ...(outcome.ok ? { changed: outcome.changed } : {}) }, "slack ticket action");
    if (!outcome.ok) return void (await whisper(`:no_entry: ${esc(outcome.message)} Nothing was changed.`));
    if (!outcome.changed) await whisper(`:information_source: ${esc(outcome.message)}`);
  };
