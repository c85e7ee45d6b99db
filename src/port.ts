// The port adapters get instead of the whole App: the bot's turns, ticket actions (edits and the
// commander role too), summaries, look-ups and postmortems, report drafts, the flow and roster
// (read-only definitions), the queued conversation steps' submission, and the few reads and marks a
// chat transport needs. No
// store, queue or Redis client crosses it, so adapters cannot decide or write anything themselves
// (test/unit/adapter-port.test.ts keeps them to it). Built once per process by the wiring.
import type { App } from "./app.js";
import type { Input, Turn } from "./bot/conversation.js";
import type { Reply } from "./bot/reply.js";
import type { SummaryOutcome, SummaryPeriod } from "./bot/summaries.js";
import type { LookupOutcome, LookupRequest, Viewer } from "./bot/lookup.js";
import type { DraftsOutcome } from "./bot/report-drafts.js";
import type { CommanderTarget } from "./domain/commander.js";
import type { IncidentEdit } from "./domain/edits.js";
import type { TurnRequestJob } from "./turns/job.js";
import type { Definitions } from "./definitions.js";
import { obligationClocks, obligationLines } from "./domain/clocks.js";
import { summaryTimeZone } from "./domain/roster.js";
import type { Actor, Incident } from "./domain/incident.js";
import type { Domain } from "./domain/vocabulary.js";
import type { Logger } from "./log.js";
import type { ActionOutcome, TicketAction } from "./tickets/actions.js";
import { ticketView, type TicketOp, type TicketView } from "./views/ticket.js";

export type { Input, Turn };

/** Where a person's walk-through stands: enough to tell a current card from an old one. */
export interface StepState {
  conversationId: string;
  rev: number;
  /** set once it filed an incident. */
  incidentId?: string;
}

/** First-seen marks for request and event ids (replays, re-deliveries): shared across processes with Redis. */
export interface SeenMarks {
  first(id: string, ttlSeconds: number): Promise<boolean>;
}

/** A ticket dialog (reason, note) may open: the incident, or why not, before the person types anything. */
export type DialogCheck = { ok: true; incident: Incident } | { ok: false; message: string };

export interface AdapterPort {
  log: Logger;
  /** the flow (questions, options) and the roster (who is who on each platform): read-only. */
  defs: Pick<Definitions, "flow" | "roster">;
  bot: {
    handle(turn: Turn): Promise<Reply[]>;
    handleTurn(turn: Turn): Promise<{ replies: Reply[]; moved: boolean }>;
    /** a step the bot already saved, answered again from what was saved (a worker re-running it). */
    resume(turn: Turn): Promise<{ replies: Reply[]; moved: boolean } | undefined>;
  };
  actions: {
    act(incidentId: string, action: TicketAction, actor: Actor): Promise<ActionOutcome>;
    /** may `actor` open the Reroute / Resolve dialog of this card (its routing `seenRoute`)? */
    mayOpen(incidentId: string, op: Extract<TicketOp, "reroute" | "resolve">, actor: Actor, seenRoute?: number): Promise<DialogCheck>;
    /** an edit after filing (severity, intent, kinds, note, reopen). */
    edit(incidentId: string, edit: IncidentEdit, actor: Actor): Promise<ActionOutcome>;
    /** takes (no `to`), assigns or hands over the commander role. */
    commander(incidentId: string, to: CommanderTarget | undefined, actor: Actor): Promise<ActionOutcome>;
    /** a status update (src/domain/status.ts): card, thread and subscribers hear of it. */
    status(incidentId: string, text: string, actor: Actor): Promise<ActionOutcome>;
    /** may `actor` open the "Post update" dialog? */
    mayPostStatus(incidentId: string, actor: Actor): Promise<DialogCheck>;
    /** subscribes (`on`) or unsubscribes `actor` themselves to the incident's status updates. */
    subscribe(incidentId: string, actor: Actor, on: boolean): Promise<ActionOutcome>;
  };
  /** look-up (show, list) and postmortem drafts, for who may view the incident. */
  lookup: {
    run(viewer: Viewer, req: LookupRequest): Promise<LookupOutcome>;
    postmortem(viewer: Viewer, id: string): Promise<{ ok: true; id: string; markdown: string } | { ok: false; message: string }>;
  };
  /** the reporting drafts of an incident's applicable regimes, for its on-call and managers. */
  reports: {
    forActor(incidentId: string, actor: Actor): Promise<DraftsOutcome>;
  };
  /** where steps run in workers, conversation steps are enqueued for them; absent, they run in the web process. */
  turns?: {
    enqueue(job: TurnRequestJob): Promise<void>;
  };
  summaries: {
    forManager(actor: Actor, period: SummaryPeriod, domain?: Domain): Promise<SummaryOutcome>;
  };
  views: {
    /** the ticket card of routing `route` (by default the current one) as it stands now. */
    ticket(incidentId: string, route?: number): Promise<TicketView | undefined>;
  };
  /** the walk-through of `key` (see Turn.key), if one is going. */
  step(key: string): Promise<StepState | undefined>;
  seen: SeenMarks;
  /** resolves when in-process jobs are done (embedded mode; tests). */
  idle(): Promise<void>;
}

export function adapterPort(app: App): AdapterPort {
  return {
    log: app.log,
    defs: app.defs,
    bot: app.bot,
    actions: {
      act: (id, action, actor) => app.actions.act(id, action, actor),
      mayOpen: (id, op, actor, seenRoute) => app.actions.mayOpen(id, op, actor, seenRoute),
      edit: (id, edit, actor) => app.actions.edit(id, edit, actor),
      commander: (id, to, actor) => app.actions.commander(id, to, actor),
      status: (id, text, actor) => app.actions.status(id, text, actor),
      mayPostStatus: (id, actor) => app.actions.mayPostStatus(id, actor),
      subscribe: (id, actor, on) => app.actions.subscribe(id, actor, on),
    },
    lookup: {
      run: (viewer, req) => app.lookup.run(viewer, req),
      postmortem: (viewer, id) => app.lookup.postmortem(viewer, id),
    },
    reports: { forActor: (id, actor) => app.reports.forActor(id, actor) },
    ...(app.turns ? { turns: { enqueue: (job: TurnRequestJob) => app.turns!.enqueue(job) } } : {}),
    summaries: app.summaries,
    views: {
      async ticket(incidentId, route) {
        const i = await app.incidents.get(incidentId);
        if (!i) return undefined;
        // The reporting clocks at this moment, as a ticket job would put them on the card.
        const file = app.defs.obligations;
        const now = app.clock.now();
        const obligations = file ? obligationLines(obligationClocks(i, file.regimes, now), now, summaryTimeZone(app.defs.roster)) : [];
        return ticketView(i, { roster: app.defs.roster, ...(route !== undefined ? { route } : {}), ...(obligations.length ? { obligations } : {}) });
      },
    },
    async step(key) {
      const c = await app.conversations.get(key);
      return c ? { conversationId: c.id, rev: c.rev, ...(c.incidentId ? { incidentId: c.incidentId } : {}) } : undefined;
    },
    seen: app.seen,
    idle: () => app.idle(),
  };
}
