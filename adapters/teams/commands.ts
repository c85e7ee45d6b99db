// Typed text, after the @mention is stripped: a command, or an answer to the current question.
import { parseLookup, type LookupRequest } from "../../src/bot/lookup.js";
import { parseEdit } from "../../src/bot/edit-command.js";
import type { IncidentEdit } from "../../src/domain/edits.js";
import { parseCommander, type CommanderRequest } from "../../src/bot/commander-command.js";
import { parseStatusCommand, type StatusRequest } from "../../src/bot/status-command.js";

export type Command =
  | { kind: "start"; text: string }
  | { kind: "summary"; args: string }
  /** `show INC-…`, `list [open|mine|safety|security]` (also after "incident "). */
  | { kind: "lookup"; request: LookupRequest | { error: string } }
  /** `severity|intent|kind|note|reopen INC-… …` (src/bot/edit-command.ts). */
  | { kind: "edit"; request: { id: string; edit: IncidentEdit } | { error: string } }
  /** `command INC-…`, `commander INC-… ada`. */
  | { kind: "commander"; request: CommanderRequest | { error: string } }
  /** `update INC-… text`, `subscribe INC-…`, `unsubscribe INC-…` (src/bot/status-command.ts). */
  | { kind: "status"; request: StatusRequest | { error: string } }
  | { kind: "help" }
  | { kind: "back" }
  | { kind: "cancel" }
  | { kind: "text"; text: string };

export function parseCommand(raw: string): Command {
  // Teams may send non-breaking spaces (from the compose box or command list) and HTML entities.
  const text = raw.replace(/&nbsp;|\u00a0/g, " ").trim();
  const lookup = parseLookup(text.replace(/^incident\s+/i, ""));
  if (lookup) return { kind: "lookup", request: lookup };
  const commander = parseCommander(text.replace(/^incident\s+/i, ""));
  if (commander) return { kind: "commander", request: commander };
  const status = parseStatusCommand(text.replace(/^incident\s+/i, ""));
  if (status) return { kind: "status", request: status };
  const edit = parseEdit(text.replace(/^incident\s+/i, ""));
  if (edit) return { kind: "edit", request: edit };
  const start = /^(?:report an ai incident|incident|report)\b[:\s]*(.*)$/is.exec(text);
  if (start) return { kind: "start", text: start[1]!.trim() };
  const summary = /^summary\b\s*(.*)$/is.exec(text);
  if (summary) return { kind: "summary", args: summary[1]!.trim() };
  if (/^(help|hi|hello|\?)?$/i.test(text)) return { kind: "help" };
  if (/^back$/i.test(text)) return { kind: "back" };
  if (/^cancel$/i.test(text)) return { kind: "cancel" };
  return { kind: "text", text };
}
