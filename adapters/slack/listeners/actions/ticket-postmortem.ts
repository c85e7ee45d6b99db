// The Postmortem button on a ticket card: the draft goes to the clicker alone (ephemeral), if they
// may see the incident (src/domain/visibility.ts). Nothing is stored or changed.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { IncidentRef } from "../../ids.js";
import { actorOf, type SlackDeps } from "../../deps.js";
import { esc } from "../../blocks/kit.js";
import { postmortemMessage } from "../../blocks/postmortem.js";

export const ticketPostmortemAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const id = IncidentRef.safeParse(action.value);
    if (!id.success) return void (await respond({ response_type: "ephemeral", replace_original: false, text: ":warning: I could not read that button." }));
    const out = await d.app.lookup.postmortem({ actor: actorOf(body.user) }, id.data);
    if (!out.ok) return void (await respond({ response_type: "ephemeral", replace_original: false, text: `:no_entry: ${esc(out.message)}` }));
    await respond({ response_type: "ephemeral", replace_original: false, ...postmortemMessage(out.id, out.markdown) });
  };
