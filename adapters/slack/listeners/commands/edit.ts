// `/incident severity|intent|kind|note|reopen INC-… …`: edits after filing (src/domain/edits.ts). The
// outcome is said to the person alone; the ticket card and its thread are updated by the update job.
import type { CommanderRequest } from "../../../../src/bot/commander-command.js";
import type { IncidentEdit } from "../../../../src/domain/edits.js";
import type { Actor } from "../../../../src/domain/incident.js";
import { renderReply, type SlackMessage } from "../../blocks/reply.js";
import type { SlackDeps } from "../../deps.js";

export async function editAnswer(d: SlackDeps, user: Actor, req: { id: string; edit: IncidentEdit } | { error: string }): Promise<SlackMessage> {
  if ("error" in req) return renderReply({ kind: "notice", level: "warning", text: req.error });
  const out = await d.app.actions.edit(req.id, req.edit, user);
  d.log.info({ incidentId: req.id, edit: req.edit.kind, user: user.userId, ok: out.ok, ...(out.ok ? { changed: out.changed } : {}) }, "slack incident edit");
  if (!out.ok) return renderReply({ kind: "notice", level: "warning", text: `${out.message} Nothing was changed.` });
  return renderReply({ kind: "notice", level: "info", text: out.message });
}

/** `/incident command INC-…` (take) and `/incident commander INC-… @who` (assign or hand over). */
export async function commanderAnswer(d: SlackDeps, user: Actor, req: CommanderRequest | { error: string }): Promise<SlackMessage> {
  if ("error" in req) return renderReply({ kind: "notice", level: "warning", text: req.error });
  const out = await d.app.actions.commander(req.id, req.to, user);
  if (!out.ok) return renderReply({ kind: "notice", level: "warning", text: `${out.message} Nothing was changed.` });
  return renderReply({ kind: "notice", level: "info", text: out.message });
}
