// What a ticket card offers beside the lifecycle buttons (issue 16), in a block of its own so the
// card's renderer only calls it: Postmortem, on the current card of a resolved incident (that is when a
// postmortem is written; an open card keeps the lifecycle buttons alone, a superseded one has none).
import type { TicketView } from "../../../src/views/ticket.js";
import { ACTIONS } from "../ids.js";
import { actions, button, type Block } from "./kit.js";

export function ticketMoreBlocks(v: Pick<TicketView, "id" | "postmortem">): Block[] {
  if (!v.postmortem) return [];
  return [actions("ticket_more", [button("Postmortem", ACTIONS.ticketPostmortem, v.id)])];
}
