// Buttons of a ticket card (in the domain channel or a page): the ticket actions decide (a card of an
// older routing is refused there, for Slack too); a refusal is a reply and changes nothing. An accepted
// action is answered at once with a receipt; the card itself is edited by the worker's update job
// (src/tickets/processor.ts), which retries like a ticket. Editing it here, in the request, failed for
// good on a 404 or 5xx and made a saved action look failed, so the request only answers the person.
import type { TurnContext } from "botbuilder";
import type { AdapterPort } from "../../src/port.js";
import type { ActionOutcome, TicketAction } from "../../src/tickets/actions.js";
import { outcomeView, type OutcomeView } from "../../src/views/ticket-outcome.js";
import type { Who } from "./identity.js";
import type { Inputs, SubmitData } from "./submit.js";

export type TicketData = Extract<SubmitData, { action: "ticket" }>;
export type FollowData = Extract<SubmitData, { action: "status" | "subscribe" }>;

/**
 * "Post update" (with the card's `status` input) or "Subscribe" (issue 16, point 4): the ticket actions
 * decide; the status job updates the card, its thread and the subscribers.
 */
export async function applyFollowAction(app: AdapterPort, who: Who, data: FollowData, inputs: Inputs): Promise<{ outcome: ActionOutcome; said: OutcomeView }> {
  const outcome = data.action === "status" ? await app.actions.status(data.incidentId, (inputs.status ?? "").trim(), who.actor) : await app.actions.subscribe(data.incidentId, who.actor, true);
  const said: OutcomeView = !outcome.ok ? { level: "refused", text: `${outcome.message} Nothing was changed.` } : !outcome.changed ? { level: "unchanged", text: outcome.message } : { level: "done", text: data.action === "status" ? `Status update posted on ${outcome.incident.id}. The card will show it in a moment.` : outcome.message };
  return { outcome, said };
}

export async function followAction(app: AdapterPort, ctx: TurnContext, who: Who, data: FollowData, inputs: Inputs): Promise<void> {
  const { said } = await applyFollowAction(app, who, data, inputs);
  await ctx.sendActivity(said.text).catch((err: Error) => app.log.warn({ incidentId: data.incidentId, err: err.message }, "teams: the answer to a status action was not delivered"));
}

/** Applies the press; what the presser is told (and the outcome, for a card to answer with). */
export async function applyTicketAction(app: AdapterPort, who: Who, data: TicketData, inputs: Inputs): Promise<{ outcome: ActionOutcome; said: OutcomeView }> {
  const outcome = await app.actions.act(data.incidentId, toAction(data, inputs), who.actor);
  return { outcome, said: outcomeView(data.op, outcome) };
}

export async function ticketAction(app: AdapterPort, ctx: TurnContext, who: Who, data: TicketData, inputs: Inputs): Promise<void> {
  const { said } = await applyTicketAction(app, who, data, inputs);
  if (said.level !== "done") return void (await ctx.sendActivity(said.text));
  // Saved: from here on nothing may tell the person it failed. The receipt is the only call left.
  await ctx.sendActivity(said.text).catch((err: Error) => app.log.warn({ incidentId: data.incidentId, err: err.message }, "teams: the receipt of a saved ticket action was not delivered"));
}

function toAction(data: TicketData, inputs: Inputs): TicketAction {
  const seenRoute = data.route;
  switch (data.op) {
    case "reroute":
      return { kind: "reroute", reason: inputs.reason ?? "", seenRoute };
    case "resolve":
      return { kind: "resolve", note: inputs.note ?? "", seenRoute };
    case "escalate":
      return { kind: "escalate", seenRoute, ...(data.gen !== undefined ? { seenGen: data.gen } : {}) };
    case "acknowledge":
      return { kind: "acknowledge", seenRoute };
  }
}
