// `triage update INC-… "text" --as ID`, `triage subscribe INC-… --as ID`, `triage unsubscribe INC-… --as ID`
// (issue 16, point 4): the chat's status commands at the command line, on the store of REDIS_URL. The
// ticket actions decide, exactly as for a chat user; a status update is a durable job the workers send
// (card, thread, subscribers). The logic takes its actions as a parameter (StatusIO) for tests.
import { parseStatusCommand } from "../bot/status-command.js";
import { loadDefinitions } from "../definitions.js";
import type { Roster } from "../domain/roster.js";
import type { TicketActions } from "../tickets/actions.js";
import { AS_OPTION, actingAs } from "./acting-as.js";
import { UsageError, type Command } from "./command.js";
import { withStore } from "./summary.js";

type Verb = "update" | "subscribe" | "unsubscribe";
type Values = Record<string, unknown>;

export interface StatusIO {
  tickets: Pick<TicketActions, "status" | "subscribe">;
  roster: Roster;
  out(text: string): void;
}

/** Checks the arguments (and who is acting) before anything connects. */
export function statusFlags(verb: Verb, values: Values, positionals: string[], roster: Roster) {
  if (verb === "update" ? positionals.length < 2 : positionals.length !== 1) {
    throw new UsageError(verb === "update" ? 'update needs an incident id and the text: triage update INC-2026-0042 "text" --as ada' : `${verb} needs one incident id: triage ${verb} INC-2026-0042 --as ada`);
  }
  const req = parseStatusCommand([verb, ...positionals].join(" "));
  if (!req) throw new UsageError(`${positionals[0]}: not an incident id such as INC-2026-0042`);
  if ("error" in req) throw new UsageError(req.error.replace(/`/g, "").replace(/Usage: .*$/, "").trim());
  return { req, actor: actingAs(roster, values) };
}

export async function runStatus(verb: Verb, values: Values, positionals: string[], io: StatusIO): Promise<number> {
  const { req, actor } = statusFlags(verb, values, positionals, io.roster);
  const out = req.kind === "update" ? await io.tickets.status(req.id, req.text, actor) : await io.tickets.subscribe(req.id, actor, req.on);
  if (!out.ok) throw new UsageError(`${out.message} Nothing was changed.`);
  io.out(out.message);
  return 0;
}

const statusCommand = (verb: Verb): Command => ({
  summary:
    verb === "update" ? "posts a status update (on-call, incident managers, the commander): card, ticket thread, subscribers"
    : verb === "subscribe" ? "subscribes a roster person to an incident's status updates (in their personal chat)"
    : "stops a roster person's status updates of an incident",
  usage: verb === "update" ? 'triage update INC-YYYY-NNNN "text" --as PERSON_ID' : `triage ${verb} INC-YYYY-NNNN --as PERSON_ID`,
  example: verb === "update" ? 'REDIS_URL=redis://localhost:6379 triage update INC-2026-0042 "Prompt filter rolled back; watching for repeats" --as ada' : `REDIS_URL=redis://localhost:6379 triage ${verb} INC-2026-0042 --as maya`,
  options: AS_OPTION,
  run: async ({ values, positionals }, cfg) => {
    const c = cfg();
    const { roster } = loadDefinitions(c);
    statusFlags(verb, values, positionals, roster);
    return withStore(
      c,
      (io) => {
        if (!io.tickets) throw new UsageError(`triage ${verb}: no ticket actions in this process`);
        return runStatus(verb, values, positionals, { tickets: io.tickets, roster, out: io.out });
      },
      `triage ${verb}`,
    );
  },
});

export const statusCommands: Record<Verb, Command> = { update: statusCommand("update"), subscribe: statusCommand("subscribe"), unsubscribe: statusCommand("unsubscribe") };
