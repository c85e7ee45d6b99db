// `triage show INC-…` and `triage list [open|mine|safety|security]`: the chat look-up at the command
// line, from the store of REDIS_URL. Whoever holds REDIS_URL can read every record anyway, so the
// operator sees every incident; `list mine --person ID` lists a roster person's incidents.
// The logic takes its store as a parameter (LookupIO) so tests run it without Redis.
import { Lookup, listText, parseLookup } from "../bot/lookup.js";
import { incidentDetailText } from "../bot/incident-view.js";
import type { Clock } from "../clock.js";
import { loadDefinitions } from "../definitions.js";
import type { Flow } from "../domain/flow.js";
import { person as personNamed, type Roster } from "../domain/roster.js";
import type { IncidentStore } from "../store/types.js";
import { UsageError, type Command } from "./command.js";
import { withStore } from "./summary.js";

type Values = Record<string, unknown>;

export interface LookupIO {
  incidents: IncidentStore;
  clock: Clock;
  roster: Roster;
  flow: Flow;
  out(text: string): void;
}

/** Checks the arguments before anything connects. */
export function lookupFlags(verb: "show" | "list", values: Values, positionals: string[], roster: Roster) {
  const req = parseLookup([verb, ...positionals].join(" "));
  if (!req || (verb === "show" && positionals.length !== 1)) throw new UsageError(verb === "show" ? "show needs one incident id, such as INC-2026-0042" : "list takes at most one filter: open, mine, safety or security");
  if ("error" in req) throw new UsageError(req.error.replace(/`/g, "").replace("Usage: ", "usage: triage "));
  const id = typeof values.person === "string" ? values.person : undefined;
  const who = id === undefined ? undefined : personNamed(roster, id);
  if (id !== undefined && !who) throw new UsageError(`--person '${id}' is not in the roster`);
  if (req.kind === "list" && req.filter === "mine" && !who) throw new UsageError("list mine needs --person ID (a roster person id): the command line does not know who you are");
  return { req, person: who };
}

export async function runLookup(verb: "show" | "list", values: Values, positionals: string[], io: LookupIO): Promise<number> {
  const { req, person } = lookupFlags(verb, values, positionals, io.roster);
  const lookup = new Lookup({ incidents: io.incidents, roster: io.roster, clock: io.clock, flow: io.flow });
  const out = await lookup.run({ all: true, ...(person ? { person } : {}) }, req);
  if (!out.ok) throw new UsageError(out.message);
  if (out.kind === "show") io.out(values.json ? JSON.stringify(out.incident, null, 2) : incidentDetailText(out.detail));
  else io.out(values.json ? JSON.stringify(out.list) : listText(out.list));
  return 0;
}

const lookupCommand = (verb: "show" | "list"): Command => ({
  summary: verb === "show" ? "one incident: facts, description, answers, why, refs and timeline" : "incidents: open (default), mine (--person ID), safety or security; newest first",
  usage: verb === "show" ? "triage show INC-YYYY-NNNN [--json]" : "triage list [open|mine|safety|security] [--person ID] [--json]",
  example: verb === "show" ? "REDIS_URL=redis://localhost:6379 triage show INC-2026-0042" : "REDIS_URL=redis://localhost:6379 triage list mine --person ada",
  options: { json: { type: "boolean" }, ...(verb === "list" ? { person: { type: "string" as const } } : {}) },
  run: async ({ values, positionals }, cfg) => {
    const c = cfg();
    const { roster, flow } = loadDefinitions(c);
    lookupFlags(verb, values, positionals, roster);
    return withStore(c, (io) => runLookup(verb, values, positionals, { incidents: io.incidents, clock: io.clock, roster, flow, out: io.out }), `triage ${verb}`);
  },
});

export const lookupCommands: Record<string, Command> = { show: lookupCommand("show"), list: lookupCommand("list") };
