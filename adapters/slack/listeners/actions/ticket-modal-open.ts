// Reroute / Resolve on a ticket card: both need words (a reason, a note), so they open a modal.
// Who may act is checked first, so people off the roster get an answer instead of a form.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { mayAct } from "../../../../src/domain/incident.js";
import { ticketModal } from "../../blocks/modals.js";
import { ACTIONS, IncidentRef } from "../../ids.js";
import { actorOf, type SlackDeps } from "../../deps.js";

export const ticketModalOpenAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond, client }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const whisper = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const id = IncidentRef.safeParse(action.value);
    const incident = id.success ? await d.app.incidents.get(id.data) : undefined;
    if (!incident) return void (await whisper(`:warning: There is no incident ${id.success ? id.data : ""}; nothing was changed.`));
    const kind = action.action_id === ACTIONS.ticketReroute ? "reroute" : "resolve";
    if (!mayAct(d.app.defs.roster, incident.routing.domain, actorOf(body.user), kind)) {
      return void (await whisper(`:no_entry: Only the ${incident.routing.domain} on-call roster or an incident manager can act on ${incident.id}. Nothing was changed.`));
    }
    if (incident.status === "resolved") return void (await whisper(`:information_source: ${incident.id} is already resolved.`));
    const channel = body.channel?.id ?? body.container?.channel_id;
    await client.views.open({ trigger_id: body.trigger_id, view: ticketModal(kind, incident, { i: incident.id, r: incident.routeCount, ...(channel ? { ch: channel } : {}) }) });
  };
