// Modals: a free-text answer for the walk-through, and the reason / note a reroute or resolve needs.
import type { types } from "@slack/bolt";
import { NOTE_MIN, type Incident } from "../../../src/domain/incident.js";
import { otherDomain } from "../../../src/domain/vocabulary.js";
import { STATUS_MAX } from "../../../src/domain/status-record.js";
import { INPUT, VIEWS, encode, type TextModalMeta, type TicketModalMeta } from "../ids.js";
import { clip, context, esc, section } from "./kit.js";

/** Slack's plain_text_input holds at most 3000 characters, whatever the flow allows. */
export const INPUT_MAX = 3000;
const TITLE_MAX = 24;

function input(label: string, opts: { maxLength: number; minLength?: number; placeholder?: string; initial?: string }): types.InputBlock {
  return {
    type: "input",
    block_id: INPUT.block,
    label: { type: "plain_text", text: clip(label, 2000) },
    element: {
      type: "plain_text_input",
      action_id: INPUT.element,
      multiline: true,
      max_length: Math.min(opts.maxLength, INPUT_MAX),
      ...(opts.minLength ? { min_length: opts.minLength } : {}),
      ...(opts.placeholder ? { placeholder: { type: "plain_text", text: clip(opts.placeholder, 150) } } : {}),
      ...(opts.initial ? { initial_value: clip(opts.initial, Math.min(opts.maxLength, INPUT_MAX)) } : {}),
    },
  };
}

const plain = (text: string) => ({ type: "plain_text" as const, text: clip(text, TITLE_MAX) });

export function textAnswerModal(q: { prompt: string; help?: string; maxLength: number }, meta: TextModalMeta): types.ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.textAnswer,
    private_metadata: encode(meta),
    title: plain("Report an AI incident"),
    submit: plain("Send"),
    close: plain("Cancel"),
    blocks: [input(q.prompt, { maxLength: q.maxLength, placeholder: "What happened?" }), ...(q.help ? [context(esc(q.help))] : [])],
  };
}

export function ticketModal(kind: "reroute" | "resolve", i: Incident, meta: TicketModalMeta): types.ModalView {
  const reroute = kind === "reroute";
  const to = otherDomain(i.routing.domain);
  return {
    type: "modal",
    callback_id: reroute ? VIEWS.reroute : VIEWS.resolve,
    private_metadata: encode(meta),
    title: plain(`${reroute ? "Reroute" : "Resolve"} ${i.id}`),
    submit: plain(reroute ? `Move to ${to}` : "Resolve"),
    close: plain("Cancel"),
    blocks: [
      section(reroute ? `Move *${i.id}* from *${i.routing.domain}* to *${to}*. The ${to} on-call gets a new ticket.` : `Close *${i.id}*: ${esc(i.title)}`),
      input(reroute ? `Why is it ${to}'s?` : "What was done (or why no action is needed)?", { maxLength: INPUT_MAX, minLength: NOTE_MIN }),
    ],
  };
}

/** "Post update" on a ticket card: the status text, posted to the thread and to the subscribers on submit. */
export function statusModal(i: Incident, meta: TicketModalMeta): types.ModalView {
  return {
    type: "modal",
    callback_id: VIEWS.status,
    private_metadata: encode(meta),
    title: plain("Status update"),
    submit: plain("Post update"),
    close: plain("Cancel"),
    blocks: [
      section(`A status update on *${i.id}*: ${esc(i.title)}. It goes on the card, in its thread, and to everyone subscribed.`),
      input("What is known, what is being done, what is next?", { maxLength: STATUS_MAX, minLength: 1 }),
    ],
  };
}
