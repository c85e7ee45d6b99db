// `/incident update INC-… text`, `/incident subscribe INC-…`, `/incident unsubscribe INC-…` (issue 16,
// point 4). The outcome is said to the person alone; the card, its thread and the subscribers hear of a
// status update through the queued status job.
import type { StatusRequest } from "../../../../src/bot/status-command.js";
import type { Actor } from "../../../../src/domain/incident.js";
import { renderReply, type SlackMessage } from "../../blocks/reply.js";
import type { SlackDeps } from "../../deps.js";

export async function statusAnswer(d: SlackDeps, user: Actor, req: StatusRequest | { error: string }): Promise<SlackMessage> {
  if ("error" in req) return renderReply({ kind: "notice", level: "warning", text: req.error });
  const out = req.kind === "update" ? await d.app.actions.status(req.id, req.text, user) : await d.app.actions.subscribe(req.id, user, req.on);
  d.log.info({ incidentId: req.id, action: req.kind === "update" ? "status" : req.on ? "subscribe" : "unsubscribe", user: user.userId, ok: out.ok }, "slack incident status");
  if (!out.ok) return renderReply({ kind: "notice", level: "warning", text: `${out.message} Nothing was changed.` });
  return renderReply({ kind: "notice", level: "info", text: out.message });
}
