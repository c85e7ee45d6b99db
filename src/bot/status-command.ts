// Status updates and subscriptions, typed the same in Slack (`/incident …`), Teams and the console:
//   update INC-… <text>      subscribe INC-…      unsubscribe INC-…
// One parser, so the platforms cannot drift; only a verb followed by an incident id is a command
// ("update me when…" is a report, not a command).
import { INCIDENT_ID } from "../domain/incident.js";
import { StatusText } from "../domain/status-record.js";

export const STATUS_USAGE = "`update INC-… what is known and what is next`, `subscribe INC-…` or `unsubscribe INC-…`";

export type StatusRequest = { kind: "update"; id: string; text: string } | { kind: "subscribe"; id: string; on: boolean };

/** A request, an error saying what is wrong, or undefined when the text is no status command at all. */
export function parseStatusCommand(text: string): StatusRequest | { error: string } | undefined {
  const m = /^(update|subscribe|unsubscribe)\s+(\S+)(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (!m) return undefined;
  const verb = m[1]!.toLowerCase();
  const id = m[2]!.toUpperCase();
  if (!INCIDENT_ID.test(id)) return undefined;
  const rest = (m[3] ?? "").trim();
  if (verb !== "update") return rest ? { error: `${verb} ${id} takes nothing after the id (you can only ${verb} yourself). Usage: ${STATUS_USAGE}` } : { kind: "subscribe", id, on: verb === "subscribe" };
  const words = StatusText.safeParse(rest);
  if (!words.success) return { error: `update ${id}: ${words.error.issues[0]!.message}. Usage: ${STATUS_USAGE}` };
  return { kind: "update", id, text: words.data };
}
