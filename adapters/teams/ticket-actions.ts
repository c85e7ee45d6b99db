// Buttons of a ticket card (in the domain channel or a page): the domain decides through
// app.actions.act; a refusal is a reply and changes nothing. An accepted action is answered at once
// with a receipt; the card itself is edited by the worker's update job (src/tickets/processor.ts),
// which retries like a ticket. Editing it here, in the request, failed for good on a 404 or 5xx and
// made a saved action look failed, so the request only answers the person.
import type { TurnContext } from "botbuilder";
import type { App } from "../../src/app.js";
import type { TicketAction } from "../../src/tickets/actions.js";
import type { Who } from "./identity.js";
import type { Inputs, SubmitData } from "./submit.js";

type TicketData = Extract<SubmitData, { action: "ticket" }>;

const DONE = { acknowledge: "Acknowledged", escalate: "Escalated", reroute: "Rerouted", resolve: "Resolved" } as const;

export async function ticketAction(app: App, ctx: TurnContext, who: Who, data: TicketData, inputs: Inputs): Promise<void> {
  const current = await app.incidents.get(data.incidentId);
  if (current && current.routeCount !== data.route) {
    await ctx.sendActivity(`This card is from before ${current.id} was rerouted to ${current.routing.domain}; nothing was changed. Use the ticket in the ${current.routing.domain} channel.`);
    return;
  }
  const out = await app.actions.act(data.incidentId, toAction(data, inputs), who.actor);
  if (!out.ok) {
    await ctx.sendActivity(`${out.message} Nothing was changed.`);
    return;
  }
  // Saved: from here on nothing may tell the person it failed. The receipt is the only call left.
  const receipt = out.changed ? `${DONE[data.op]} ${out.incident.id}. The card will show it in a moment.` : out.message;
  await ctx.sendActivity(receipt).catch((err: Error) => app.log.warn({ incidentId: data.incidentId, err: err.message }, "teams: the receipt of a saved ticket action was not delivered"));
}

function toAction(data: TicketData, inputs: Inputs): TicketAction {
  switch (data.op) {
    case "reroute":
      return { kind: "reroute", reason: inputs.reason ?? "", seenRoute: data.route };
    case "resolve":
      return { kind: "resolve", note: inputs.note ?? "" };
    case "escalate":
      return { kind: "escalate", ...(data.gen !== undefined ? { seenGen: data.gen } : {}) };
    case "acknowledge":
      return { kind: "acknowledge" };
  }
}
