// Universal Actions (Adaptive Cards 1.5): the `adaptiveCard/action` invoke Teams sends for an
// Action.Execute, answered in the invoke response with the card this person should now see. Two verbs:
// `refresh` (Teams asks for a ticket card per viewer: the responders get the buttons, everyone else the
// status) and `ticket` (a button was pressed: the ticket actions decide, the answer is the card as it
// stands after, with what happened on top). Clients without Universal Actions send the Action.Submit
// fallback instead, handled by ticket-actions.ts.
import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, TurnContext } from "botbuilder";
import { z } from "zod";
import { IncidentId } from "../../src/domain/incident.js";
import type { AdapterPort } from "../../src/port.js";
import type { TicketView } from "../../src/views/ticket.js";
import { UNREADABLE_BUTTON } from "../../src/views/ticket-outcome.js";
import { CARD_CONTENT_TYPE, type AdaptiveCard } from "./cards/card.js";
import { plain } from "./cards/inert.js";
import { renderTicket, type Audience } from "./cards/ticket.js";
import { whoIs, type Who } from "./identity.js";
import { parseSubmit } from "./submit.js";
import { applyFollowAction, applyTicketAction } from "./ticket-actions.js";

export const VERBS = { refresh: "refresh", ticket: "ticket" } as const;

const RefreshData = z.strictObject({ action: z.literal("refresh"), incidentId: IncidentId, route: z.number().int().min(1).max(1000) });

const cardResponse = (card: AdaptiveCard): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: CARD_CONTENT_TYPE, value: card as unknown as Record<string, unknown> });
const messageResponse = (text: string): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: text as unknown as Record<string, unknown> });

/** The responders (by their Teams ids) get the buttons; with none known, everyone does (the actions refuse). */
function audienceOf(view: TicketView, who: Who): Audience {
  const ids = view.responders.flatMap((p) => (p.teams ? [p.teams] : []));
  return ids.length === 0 || ids.includes(who.actor.userId) ? "responder" : "everyone";
}

export async function universalAction(app: AdapterPort, ctx: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
  const who = whoIs(ctx.activity);
  if (!who) return messageResponse("I cannot tell who pressed this, so I cannot act on it.");
  const { verb, data } = invoke.action;
  if (verb === VERBS.refresh) {
    const ref = RefreshData.safeParse(data);
    const view = ref.success ? await app.views.ticket(ref.data.incidentId, ref.data.route) : undefined;
    if (!view) return messageResponse(UNREADABLE_BUTTON);
    return cardResponse(renderTicket(view, audienceOf(view, who)));
  }
  const parsed = verb === VERBS.ticket ? parseSubmit(data) : undefined;
  const press = parsed?.data.action === "ticket" || parsed?.data.action === "status" || parsed?.data.action === "subscribe" ? parsed.data : undefined;
  if (!parsed || !press) return messageResponse(UNREADABLE_BUTTON);
  // Post update and Subscribe (issue 16, point 4) belong to the card too: answered with it as it stands.
  const { outcome, said } = press.action === "ticket" ? await applyTicketAction(app, who, press, parsed.inputs) : await applyFollowAction(app, who, press, parsed.inputs);
  app.log.info({ incidentId: press.incidentId, action: press.action === "ticket" ? press.op : press.action, ok: outcome.ok, via: "Action.Execute" }, "teams ticket action");
  const view = await app.views.ticket(press.incidentId, press.action === "ticket" ? press.route : undefined);
  if (!view) return messageResponse(said.text);
  const card = renderTicket(view, audienceOf(view, who));
  // The card shows the new state at once: what happened goes on top (the refusal, or the action saved).
  const line = said.level === "done" && outcome.ok ? outcome.message : said.text;
  const color = said.level === "refused" ? "attention" : said.level === "done" ? "good" : "accent";
  return cardResponse({ ...card, body: [{ type: "TextBlock", text: plain(line), wrap: true, weight: "bolder", color }, ...card.body] });
}
