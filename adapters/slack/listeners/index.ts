// Registers every listener in one place (the bolt-ts-starter-template cut), plus two global
// middlewares: event re-deliveries are worked on once, and in-flight work is counted for idle().
import type { App as Bolt, BlockAction, ButtonAction } from "@slack/bolt";
import type { EventDedupe } from "../dedupe.js";
import type { SlackDeps } from "../deps.js";
import { tellOnFailure } from "../failures.js";
import { AfterAckGate } from "../gate.js";
import { ACTIONS, COMMAND, SHORTCUTS, VIEWS } from "../ids.js";
import { checkboxToggleAction } from "./actions/checkbox-toggle.js";
import { ticketAction } from "./actions/ticket-action.js";
import { ticketModalOpenAction } from "./actions/ticket-modal-open.js";
import { ticketReportAction } from "./actions/ticket-report.js";
import { ticketPostmortemAction } from "./actions/ticket-postmortem.js";
import { ticketFollowAction } from "./actions/ticket-follow.js";
import { ticketStatusView } from "./views/ticket-status.js";
import { triageStepAction } from "./actions/triage-step.js";
import { triageTextOpenAction } from "./actions/triage-text-open.js";
import { COMMAND_FAILED, incidentCommand } from "./commands/incident.js";
import { directMessageEvent } from "./events/direct-message.js";
import { reportIncidentShortcut } from "./shortcuts/report-incident.js";
import { reportMessageShortcut } from "./shortcuts/report-message.js";
import { ticketNoteView } from "./views/ticket-note.js";
import { triageTextView } from "./views/triage-text.js";

export interface InFlight {
  count: number;
}

type Button = BlockAction<ButtonAction>;
const any = (...ids: string[]) => new RegExp(`^(${ids.join("|")})$`);

/** Concurrent post-ack work per web process; acks themselves are never held back. */
const AFTER_ACK_SLOTS = 16;

export function registerListeners(bolt: Bolt, d: SlackDeps, dedupe: EventDedupe, inFlight: InFlight): void {
  const gate = new AfterAckGate(AFTER_ACK_SLOTS);
  // Every listener that does work: it waits for a slot after its ack, and a failure is told to the person.
  const g = (<T>(listener: T, text?: string): T => gate.wrap(tellOnFailure(d.log, listener as never, text)) as T);
  const told = (<T>(listener: T): T => tellOnFailure(d.log, listener as never) as T);
  bolt.use(async ({ body, next, logger }) => {
    const eventId = (body as { type?: string; event_id?: string }).type === "event_callback" ? (body as { event_id?: string }).event_id : undefined;
    if (eventId && !(await firstOrUnknown(dedupe, eventId, d))) return logger.info(`skipping re-delivered event ${eventId}`);
    inFlight.count++;
    try {
      await next();
    } finally {
      inFlight.count--;
    }
  });

  bolt.command(COMMAND, g(incidentCommand(d), COMMAND_FAILED));
  bolt.shortcut({ callback_id: SHORTCUTS.report, type: "shortcut" }, g(reportIncidentShortcut(d)));
  bolt.shortcut({ callback_id: SHORTCUTS.reportMessage, type: "message_action" }, g(reportMessageShortcut(d)));

  const step = [ACTIONS.multiNext, ACTIONS.multiNone, ACTIONS.keepAll, ACTIONS.joinDuplicate, ACTIONS.fileNew, ACTIONS.back, ACTIONS.cancel];
  const perItem = [ACTIONS.answer, ACTIONS.keep, ACTIONS.change].map((a) => `${a}:.+`);
  bolt.action<Button>({ type: "block_actions", action_id: new RegExp(`^(${[...perItem, ...step].join("|")})$`) }, g(triageStepAction(d)));
  bolt.action<Button>({ type: "block_actions", action_id: ACTIONS.textOpen }, told(triageTextOpenAction(d))); // opens a modal: trigger ids expire in 3 s
  bolt.action({ type: "block_actions", action_id: new RegExp(`^${ACTIONS.multiPick}:\\d+$`) }, checkboxToggleAction);
  bolt.action<Button>({ type: "block_actions", action_id: any(ACTIONS.ticketAck, ACTIONS.ticketEscalate) }, g(ticketAction(d)));
  bolt.action<Button>({ type: "block_actions", action_id: any(ACTIONS.ticketReroute, ACTIONS.ticketResolve) }, told(ticketModalOpenAction(d))); // opens a modal
  bolt.action<Button>({ type: "block_actions", action_id: ACTIONS.ticketReport }, g(ticketReportAction(d)));
  bolt.action<Button>({ type: "block_actions", action_id: ACTIONS.ticketPostmortem }, g(ticketPostmortemAction(d)));
  bolt.action<Button>({ type: "block_actions", action_id: any(ACTIONS.ticketStatus, ACTIONS.ticketSubscribe) }, told(ticketFollowAction(d))); // may open a modal

  bolt.view({ type: "view_submission", callback_id: VIEWS.textAnswer }, g(triageTextView(d)));
  bolt.view({ type: "view_submission", callback_id: any(VIEWS.reroute, VIEWS.resolve) }, g(ticketNoteView(d)));
  bolt.view({ type: "view_submission", callback_id: VIEWS.status }, g(ticketStatusView(d)));

  bolt.event("message", told(directMessageEvent(d)));
}

/** A dedupe mark that cannot be read lets the event through: a lost report is worse than a rare double. */
async function firstOrUnknown(dedupe: EventDedupe, eventId: string, d: SlackDeps): Promise<boolean> {
  try {
    return await dedupe.first(eventId);
  } catch (err) {
    d.log.warn({ err: (err as Error).message, eventId }, "slack event dedupe unavailable; event let through");
    return true;
  }
}
