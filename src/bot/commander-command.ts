// `command INC-…` (take the commander role) and `commander INC-… WHO` (assign it, or hand it over),
// typed the same in Slack and Teams. WHO is a roster person id (`ada`) or, in Slack, a mention
// (`<@U0ADA>` or `<@U0ADA|ada>`, as Slack sends a mention typed in a slash command).
import type { CommanderTarget } from "../domain/commander.js";
import { INCIDENT_ID } from "../domain/incident.js";

export type CommanderRequest = { id: string; to?: CommanderTarget };

export function parseCommander(text: string): CommanderRequest | { error: string } | undefined {
  const m = /^(command|commander)\s+(\S+)(?:\s+(\S+))?\s*$/i.exec(text.trim());
  if (!m) return undefined;
  const id = m[2]!.toUpperCase();
  if (!INCIDENT_ID.test(id)) return undefined;
  const verb = m[1]!.toLowerCase();
  const who = m[3];
  if (verb === "command") return who ? { error: `command ${id} takes the role yourself; to give it to someone: commander ${id} WHO` } : { id };
  if (!who) return { error: `commander ${id} needs who: a roster id such as ada, or an @mention in Slack` };
  const mention = /^<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>$/.exec(who);
  if (mention) return { id, to: { slackUser: mention[1]! } };
  if (/^[a-z0-9][a-z0-9._-]{0,63}$/.test(who)) return { id, to: { personId: who } };
  return { error: `'${who}' is neither a roster id (such as ada) nor an @mention` };
}
