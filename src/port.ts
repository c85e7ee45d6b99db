// The port adapters get instead of the whole App: the bot's turns, ticket actions, summaries, the
// flow and roster (read-only definitions), and the few reads and marks a chat transport needs. No
// store, queue or Redis client crosses it, so adapters cannot decide or write anything themselves
// (test/unit/adapter-port.test.ts keeps them to it). Built once per process by the wiring.
import type { App } from "./app.js";
import type { Input, Turn } from "./bot/conversation.js";
import type { Reply } from "./bot/reply.js";
import type { SummaryOutcome, SummaryPeriod } from "./bot/summaries.js";
import type { Definitions } from "./definitions.js";
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
  };
  actions: {
    act(incidentId: string, action: TicketAction, actor: Actor): Promise<ActionOutcome>;
    /** may `actor` open the Reroute / Resolve dialog of this card (its routing `seenRoute`)? */
    mayOpen(incidentId: string, op: Extract<TicketOp, "reroute" | "resolve">, actor: Actor, seenRoute?: number): Promise<DialogCheck>;
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
    },
    summaries: app.summaries,
    views: {
      async ticket(incidentId, route) {
        const i = await app.incidents.get(incidentId);
        return i ? ticketView(i, { roster: app.defs.roster, ...(route !== undefined ? { route } : {}) }) : undefined;
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
