// `triage edit INC-… severity|intent|kind|note|reopen … --as PERSON_ID` and `triage command INC-… --as ID`
// / `triage commander INC-… WHO --as ID`: the chat's edit and commander commands at the command line,
// read by the same parsers (src/bot/edit-command.ts, commander-command.ts) and decided by the same
// rules, as the roster person `--as` names (src/commands/acting-as.ts). Like `triage show`, they reach
// the store of REDIS_URL; the card, its thread and the outside services are told by the same durable
// jobs as in chat, run by the workers. The logic takes its store as a parameter (EditIO) so tests run
// it without Redis.
import { parseCommander } from "../bot/commander-command.js";
import { EDIT_USAGE, parseEdit } from "../bot/edit-command.js";
import { loadDefinitions } from "../definitions.js";
import { INCIDENT_ID } from "../domain/incident.js";
import type { Roster } from "../domain/roster.js";
import type { TicketActions } from "../tickets/actions.js";
import { AS_OPTION, actingAs } from "./acting-as.js";
import { UsageError, type Command } from "./command.js";
import { withStore } from "./summary.js";

type Values = Record<string, unknown>;

export interface EditIO {
  tickets: Pick<TicketActions, "edit" | "commander">;
  roster: Roster;
  out(text: string): void;
}

const usage = (text: string) => text.replace(/`/g, "").replace(/Usage: /, "usage: triage edit ");

/** `edit` arguments in either order (`INC-… severity …`, as documented, or `severity INC-… …`, as typed in chat). */
export function editFlags(values: Values, positionals: string[], roster: Roster) {
  const [first = "", second = "", ...rest] = positionals;
  const [verb, id] = INCIDENT_ID.test(first.toUpperCase()) ? [second, first] : [first, second];
  const req = parseEdit([verb, id, ...rest].join(" "));
  if (!req) throw new UsageError(`edit needs an incident id and what to change: ${usage(EDIT_USAGE)}`);
  if ("error" in req) throw new UsageError(usage(req.error));
  return { ...req, actor: actingAs(roster, values) };
}

/** `command INC-…` (take the role) or `commander INC-… WHO` (assign it, or hand it over). */
export function commanderFlags(verb: "command" | "commander", values: Values, positionals: string[], roster: Roster) {
  const req = parseCommander([verb, ...positionals].join(" "));
  if (!req || positionals.length > 2) throw new UsageError(verb === "command" ? "command needs one incident id: triage command INC-2026-0042 --as ada" : "commander needs an incident id and who: triage commander INC-2026-0042 grace --as ada");
  if ("error" in req) throw new UsageError(req.error);
  return { ...req, actor: actingAs(roster, values) };
}

/** Prints what changed; a refusal is exit 2 with the same words chat would give, and nothing changes. */
function report(r: Awaited<ReturnType<EditIO["tickets"]["edit"]>>, io: EditIO): number {
  if (!r.ok) throw new UsageError(r.message);
  io.out(r.changed ? r.message : `${r.message} (nothing changed)`);
  return 0;
}

export async function runEdit(values: Values, positionals: string[], io: EditIO): Promise<number> {
  const f = editFlags(values, positionals, io.roster);
  return report(await io.tickets.edit(f.id, f.edit, f.actor), io);
}

export async function runCommander(verb: "command" | "commander", values: Values, positionals: string[], io: EditIO): Promise<number> {
  const f = commanderFlags(verb, values, positionals, io.roster);
  return report(await io.tickets.commander(f.id, f.to, f.actor), io);
}

/** Checks the arguments and `--as` against the roster before connecting, then runs on the store. */
function changing(check: (values: Values, positionals: string[], roster: Roster) => unknown, run: (values: Values, positionals: string[], io: EditIO) => Promise<number>, what: string): Command["run"] {
  return async ({ values, positionals }, cfg) => {
    const c = cfg();
    const { roster } = loadDefinitions(c);
    check(values, positionals, roster);
    return withStore(
      c,
      (io) => {
        if (!io.tickets) throw new UsageError(`${what} cannot change incidents here`);
        return run(values, positionals, { tickets: io.tickets, roster, out: io.out });
      },
      what,
    );
  };
}

export const editCommands: Record<string, Command> = {
  edit: {
    summary: "change an incident after filing (severity, intent, kinds, a note, reopen) as a roster person, as in chat",
    usage:
      'triage edit INC-YYYY-NNNN severity SEV1..SEV4 "why" --as PERSON_ID\n' +
      '       triage edit INC-YYYY-NNNN intent deliberate|suspected|none "why" --as PERSON_ID\n' +
      '       triage edit INC-YYYY-NNNN kind KIND[,KIND...] "why" --as PERSON_ID\n' +
      '       triage edit INC-YYYY-NNNN note "text" --as PERSON_ID\n' +
      '       triage edit INC-YYYY-NNNN reopen "why" --as PERSON_ID',
    example: 'REDIS_URL=redis://localhost:6379 triage edit INC-2026-0042 severity SEV1 "a second customer was hurt" --as ada',
    options: AS_OPTION,
    run: changing(editFlags, runEdit, "triage edit"),
  },
  command: {
    summary: "take the commander role of an incident, as a roster person",
    usage: "triage command INC-YYYY-NNNN --as PERSON_ID",
    example: "REDIS_URL=redis://localhost:6379 triage command INC-2026-0042 --as ada",
    options: AS_OPTION,
    run: changing((v, p, r) => commanderFlags("command", v, p, r), (v, p, io) => runCommander("command", v, p, io), "triage command"),
  },
  commander: {
    summary: "assign or hand over an incident's commander role (WHO: a roster person id), as a roster person",
    usage: "triage commander INC-YYYY-NNNN WHO --as PERSON_ID",
    example: "REDIS_URL=redis://localhost:6379 triage commander INC-2026-0042 grace --as ada",
    options: AS_OPTION,
    run: changing((v, p, r) => commanderFlags("commander", v, p, r), (v, p, io) => runCommander("commander", v, p, io), "triage commander"),
  },
};
