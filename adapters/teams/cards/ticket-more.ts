// What a ticket card offers beside the lifecycle actions (issue 16), kept apart so the card's renderer
// only calls it: Postmortem, on the current card of a resolved incident (when a postmortem is written),
// and Post update / Subscribe on the current card of an unresolved one (a superseded card has none).
// Postmortem and Subscribe send none of the card's inputs (associatedInputs "none"): Teams would
// otherwise insist on the Reroute reason being filled in. Post update asks for its text on a card of its
// own (Action.ShowCard), like Reroute and Resolve, and is offered where the lifecycle buttons are.
// Both sit in an ActionSet of the body, so the card's own actions stay within what Teams shows at once.
import type { FollowActionView, TicketView } from "../../../src/views/ticket.js";
import { INPUT } from "../submit.js";
import { execute, submit, type Action } from "./card.js";

export function ticketMoreActions(v: Pick<TicketView, "id" | "postmortem">): Action[] {
  return v.postmortem ? [{ ...submit("Postmortem", { action: "postmortem", incidentId: v.id }), associatedInputs: "none" }] : [];
}

/**
 * Post update (for `responder`s: where the lifecycle buttons show) and Subscribe (for everyone), in an
 * ActionSet of the card's body: the card's own actions keep to the lifecycle, which Teams shows first.
 */
export function followActions(v: { follow?: FollowActionView[] }, responder: boolean): Action[] {
  return (v.follow ?? []).flatMap((f): Action[] => {
    if (f.op === "subscribe") return [{ ...execute(f.label, "ticket", { action: "subscribe", incidentId: f.incidentId }), associatedInputs: "none" }];
    if (!responder) return [];
    const ask = f.ask!;
    return [
      {
        type: "Action.ShowCard",
        title: f.label,
        card: {
          type: "AdaptiveCard",
          body: [{ type: "Input.Text", id: INPUT.status, label: ask.label, isMultiline: true, maxLength: ask.maxLength, isRequired: true, errorMessage: ask.missing }],
          actions: [execute(f.label, "ticket", { action: "status", incidentId: f.incidentId }, "positive")],
        },
      },
    ];
  });
}
