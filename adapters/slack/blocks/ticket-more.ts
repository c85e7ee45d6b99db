// What a ticket card offers beside the lifecycle buttons (issue 16), in a block of its own so the
// card's renderer only calls it: Postmortem, on the current card of a resolved incident (that is when a
// postmortem is written), and Post update / Subscribe on the current card of an unresolved one (a
// superseded card has none). Their value is the incident id; the actions decide who may.
import type { FollowActionView, TicketView } from "../../../src/views/ticket.js";
import { ACTIONS } from "../ids.js";
import { actions, button, type Block } from "./kit.js";

const FOLLOW_ID: Record<FollowActionView["op"], string> = { "post-status": ACTIONS.ticketStatus, subscribe: ACTIONS.ticketSubscribe };

export function ticketMoreBlocks(v: Pick<TicketView, "id" | "postmortem"> & { follow?: FollowActionView[] }): Block[] {
  const buttons = [...(v.postmortem ? [button("Postmortem", ACTIONS.ticketPostmortem, v.id)] : []), ...(v.follow ?? []).map((f) => button(f.label, FOLLOW_ID[f.op], f.incidentId))];
  return buttons.length ? [actions("ticket_more", buttons)] : [];
}
