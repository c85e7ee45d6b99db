// Buttons of a ticket card (in the domain channel or a page): the domain decides through
// app.actions.act; a refusal is a reply and changes nothing. Accepted actions edit the clicked card
// in place at once; the worker's update job then announces them in the channel thread.
import type { TurnContext } from "botbuilder";
import type { App } from "../../src/app.js";
import type { TicketAction } from "../../src/tickets/actions.js";
import { cardActivity, ticketCard } from "./cards/index.js";
import { isPersonal, type Who } from "./identity.js";
import type { Inputs, SubmitData } from "./submit.js";
import { ticketView } from "./ticket-view.js";

export async function ticketAction(app: App, ctx: TurnContext, who: Who, data: Extract<SubmitData, { action: "ticket" }>, inputs: Inputs): Promise<void> {
  const action: TicketAction =
    data.op === "reroute" ? { kind: "reroute", reason: inputs.reason ?? "", seenRoute: data.route } : data.op === "resolve" ? { kind: "resolve", note: inputs.note ?? "" } : data.op === "escalate" ? { kind: "escalate", ...(data.gen !== undefined ? { seenGen: data.gen } : {}) } : { kind: data.op };
  const current = await app.incidents.get(data.incidentId);
  if (current && current.routeCount !== data.route) {
    await ctx.sendActivity(`This card is from before ${current.id} was rerouted to ${current.routing.domain}; nothing was changed. Use the ticket in the ${current.routing.domain} channel.`);
    return;
  }
  const out = await app.actions.act(data.incidentId, action, who.actor);
  if (!out.ok) {
    await ctx.sendActivity(`${out.message} Nothing was changed.`);
    return;
  }
  if (out.changed && ctx.activity.replyToId) {
    const view = ticketView(out.incident, data.route, app.defs.roster);
    await ctx.updateActivity({ ...cardActivity(ticketCard(view)), id: ctx.activity.replyToId });
  }
  // The channel hears of acknowledge, escalate and resolve from the worker; a reroute posts a new
  // ticket elsewhere, so the old thread is told here.
  if (!out.changed || isPersonal(ctx.activity) || data.op === "reroute") await ctx.sendActivity(out.message);
}
