// The names Slack sends back to us (action ids, callback ids) and the small references carried in
// button values and modal metadata. They hold ids only, never state: the stores are the truth.
import { z } from "zod";
import { ConversationRef, OptionValue, QuestionId, Rev } from "../../src/domain/ids.js";
import { IncidentId } from "../../src/domain/incident.js";

export const EVENTS_PATH = "/slack/events";
export const COMMAND = "/incident";
export const SHORTCUTS = { report: "report_incident", reportMessage: "report_message_as_incident" } as const;

export const ACTIONS = {
  /** one button per option: `triage_answer:<value>` keeps action ids unique within a message. */
  answer: "triage_answer",
  multiPick: "triage_multi_pick",
  multiNext: "triage_multi_next",
  multiNone: "triage_multi_none",
  textOpen: "triage_text_open",
  /** keeps every suggested answer still waiting (the id of the former "Yes, that's right": old messages keep working). */
  keepAll: "triage_confirm_yes",
  /** per suggestion, `triage_keep:<question>` / `triage_change:<question>`: unique within a message. */
  keep: "triage_keep",
  change: "triage_change",
  joinDuplicate: "triage_join",
  fileNew: "triage_file_new",
  back: "triage_back",
  cancel: "triage_cancel",
  ticketAck: "ticket_acknowledge",
  ticketEscalate: "ticket_escalate",
  ticketReroute: "ticket_reroute",
  ticketResolve: "ticket_resolve",
  /** the reporting obligations' "Draft report" button: the drafts go to the clicker's DM. */
  ticketReport: "ticket_report",
  /** sends the clicker a postmortem draft (issue 16); on the ticket card of a resolved incident. */
  ticketPostmortem: "ticket_postmortem",
  /** "Post update" (opens the status modal) and "Subscribe" (issue 16, point 4); their value is the incident id. */
  ticketStatus: "ticket_status",
  ticketSubscribe: "ticket_subscribe",
} as const;

export const VIEWS = { textAnswer: "triage_text_answer", reroute: "ticket_reroute_reason", resolve: "ticket_resolve_note", status: "ticket_status_update" } as const;
/** block and element ids of the single input in our modals. */
export const INPUT = { block: "input", element: "value" } as const;

/** Slack's own ids as they come back to us: a channel (or DM) and a message timestamp. */
export const ChannelId = z.string().regex(/^[CDG][A-Z0-9]{2,20}$/);
export const MessageTs = z.string().regex(/^\d{1,12}\.\d{1,8}$/);

/** A walk-through button: which conversation, at which revision, which question, option or incident. */
export const StepValue = z.strictObject({
  c: ConversationRef,
  r: Rev,
  q: QuestionId.optional(),
  v: OptionValue.optional(),
  i: IncidentId.optional(),
});
export type StepValue = z.infer<typeof StepValue>;

/** The free-text modal: the step it answers and the DM message to mark answered. */
export const TextModalMeta = StepValue.extend({ ch: ChannelId, ts: MessageTs });
export type TextModalMeta = z.infer<typeof TextModalMeta>;

/** A ticket modal: the incident, and where the card was clicked (for refusals). */
/** The incident, the channel to answer in, and the route the dialog was opened for (r). */
export const TicketModalMeta = z.strictObject({ i: IncidentId, ch: ChannelId.optional(), r: z.number().int().min(1).optional() });
export type TicketModalMeta = z.infer<typeof TicketModalMeta>;

export const IncidentRef = IncidentId;
/**
 * A ticket button: the incident, the routing its card shows and (Escalate) the escalation generation,
 * as `INC-2026-0042#2` or `INC-2026-0042@3#2`. Values of cards posted before routings were carried
 * (a bare id, or `id@gen`) still work, without the stale-card check.
 */
export const TicketButtonRef = z.string().max(64).transform((v, ctx): { incidentId: string; seenGen?: number; seenRoute?: number } => {
  const [head = "", route] = v.split("#");
  const [id = "", gen] = head.split("@");
  const okId = IncidentId.safeParse(id);
  const okGen = gen === undefined || /^\d{1,7}$/.test(gen);
  const okRoute = route === undefined || /^\d{1,4}$/.test(route);
  if (!okId.success || !okGen || !okRoute) {
    ctx.addIssue({ code: "custom", message: "an incident id, optionally @generation and #routing" });
    return z.NEVER;
  }
  return { incidentId: id, ...(gen !== undefined ? { seenGen: Number(gen) } : {}), ...(route !== undefined ? { seenRoute: Number(route) } : {}) };
});
/** The Escalate button's former name: the same reference. */
export const EscalateRef = TicketButtonRef;
export const ticketValue = (a: { incidentId: string; route: number; gen?: number }) => `${a.incidentId}${a.gen !== undefined ? `@${a.gen}` : ""}#${a.route}`;
export const escalateValue = (incidentId: string, gen: number, route?: number) => `${incidentId}@${gen}${route !== undefined ? `#${route}` : ""}`;
/** Button values and modal metadata we parse are small; anything longer is refused unread. */
export const MAX_VALUE_CHARS = 2000;

export const encode = (v: object): string => JSON.stringify(v);

/** Parses a value Slack echoed back; undefined when it is not one of ours (forged or outdated). */
export function decode<T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined {
  if (typeof raw !== "string" || !raw || raw.length > MAX_VALUE_CHARS) return undefined;
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
