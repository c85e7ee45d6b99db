// `--as PERSON_ID` on commands that change an incident (status updates, subscriptions, edits): who the
// command line acts as. Only a roster person: the command line has no login, so it takes the roster's
// word for who someone is, and the domain's authorization then decides what they may do as anyone else.
import type { Actor } from "../domain/actor.js";
import { person, type Roster } from "../domain/roster.js";
import { UsageError } from "./command.js";

/** The roster person `--as` names, as an actor on the console; a usage error when absent or unknown. */
export function actingAs(roster: Roster, values: Record<string, unknown>): Actor {
  const id = typeof values.as === "string" ? values.as.trim() : undefined;
  if (!id) throw new UsageError("--as PERSON_ID is required: a roster person id such as ada (who is acting)");
  const p = person(roster, id);
  if (!p) throw new UsageError(`--as '${id}' is not in the roster: give a roster person id (${roster.people.slice(0, 3).map((x) => x.id).join(", ")}, ...)`);
  return { platform: "console", userId: p.id, name: p.name };
}

/** The `--as` option, for a command's `options`. */
export const AS_OPTION = { as: { type: "string" as const } };
