// `--as PERSON_ID`: who a command that changes an incident acts as. The command line has no login, so
// the operator names a person of the roster (ONCALL_CONFIG); the actor is that person on the console
// platform, and the domain's rules (src/domain/authz.ts) decide what they may do, exactly as in chat.
// An id the roster does not know is refused before anything connects.
import type { Actor } from "../domain/actor.js";
import { person as personNamed, type Roster } from "../domain/roster.js";
import { UsageError } from "./command.js";

/** The `--as` option, for a command's `options`. */
export const AS_OPTION = { as: { type: "string" as const } };

/** The actor `--as` names (`values.as`), or a UsageError saying what to give. */
export function actingAs(roster: Roster, values: Record<string, unknown>): Actor {
  const id = values.as;
  if (typeof id !== "string" || !id.trim()) throw new UsageError("--as PERSON_ID is required: the command line does not know who you are (a roster person id, such as ada)");
  const who = personNamed(roster, id.trim());
  if (!who) throw new UsageError(`--as '${id}' is not a person in the on-call roster (ONCALL_CONFIG); give a roster person id, such as ${roster.people[0]?.id ?? "ada"}`);
  // On the console platform a person's user id is their roster id (personByIdentity).
  return { platform: "console", userId: who.id, name: who.name };
}
