// The edit commands, typed the same in Slack (`/incident …`) and Teams: one parser, so the two cannot
// drift. Each names the incident and says why (a note is its own why):
//   severity INC-… SEV1..SEV4 <why>    intent INC-… deliberate|suspected|none <why>
//   kind INC-… k1[,k2…] <why>          note INC-… <text>          reopen INC-… <why>
import { IncidentEdit } from "../domain/edits.js";
import { INCIDENT_ID } from "../domain/incident.js";

export const EDIT_USAGE = "`severity INC-… SEV2 why`, `intent INC-… deliberate|suspected|none why`, `kind INC-… kind[,kind] why`, `note INC-… text` or `reopen INC-… why`";

const VERBS = ["severity", "intent", "kind", "kinds", "note", "reopen"] as const;

/** A request, an error saying what is wrong, or undefined when the text is no edit command at all. */
export function parseEdit(text: string): { id: string; edit: IncidentEdit } | { error: string } | undefined {
  const m = /^(\S+)\s+(\S+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  const verb = m?.[1]?.toLowerCase();
  if (!m || !VERBS.includes(verb as (typeof VERBS)[number])) return undefined;
  const id = m[2]!.toUpperCase();
  // "note that the bot…" is a report, not a command: only a verb followed by an incident id is one.
  if (!INCIDENT_ID.test(id)) return undefined;
  const rest = (m[3] ?? "").trim();
  const [arg = "", ...why] = rest.split(/\s+/);
  const reason = why.join(" ");
  const raw =
    verb === "note" ? { kind: "note", text: rest }
    : verb === "reopen" ? { kind: "reopen", reason: rest }
    : verb === "severity" ? { kind: "severity", severity: arg.toUpperCase(), reason }
    : verb === "intent" ? { kind: "intent", intent: arg.toLowerCase(), reason }
    : { kind: "kinds", kinds: arg.toLowerCase().split(",").filter(Boolean), reason };
  const parsed = IncidentEdit.safeParse(raw);
  if (parsed.success) return { id, edit: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { error: `${verb} ${id}: ${issue.path.join(".") || "input"}: ${issue.message}. Usage: ${EDIT_USAGE}` };
}
