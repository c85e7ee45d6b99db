// `severity|intent|kind|note|reopen INC-… …` typed to the bot in Teams (src/bot/edit-command.ts): the
// outcome is said where it was typed; the ticket card is updated by the update job, as for a button.
import type { TurnContext } from "botbuilder";
import type { AdapterPort } from "../../src/port.js";
import type { IncidentEdit } from "../../src/domain/edits.js";
import type { CommanderRequest } from "../../src/bot/commander-command.js";
import type { StatusRequest } from "../../src/bot/status-command.js";
import { notice } from "../../src/bot/reply.js";
import type { Who } from "./identity.js";
import { send } from "./walkthrough.js";

export async function editInTeams(app: AdapterPort, ctx: TurnContext, who: Who, req: { id: string; edit: IncidentEdit } | { error: string }): Promise<void> {
  if ("error" in req) return send(ctx, [notice(req.error.replace(/`/g, ""), "warning")]);
  const out = await app.actions.edit(req.id, req.edit, who.actor);
  app.log.info({ incidentId: req.id, edit: req.edit.kind, user: who.actor.userId, ok: out.ok }, "teams incident edit");
  await send(ctx, [out.ok ? notice(out.message) : notice(`${out.message} Nothing was changed.`, "warning")]);
}

/** `command INC-…` and `commander INC-… ada` (a roster id: Teams mentions are not parsed here). */
export async function commanderInTeams(app: AdapterPort, ctx: TurnContext, who: Who, req: CommanderRequest | { error: string }): Promise<void> {
  if ("error" in req) return send(ctx, [notice(req.error, "warning")]);
  const out = await app.actions.commander(req.id, req.to, who.actor);
  await send(ctx, [out.ok ? notice(out.message) : notice(`${out.message} Nothing was changed.`, "warning")]);
}

/** `update INC-… text`, `subscribe INC-…`, `unsubscribe INC-…` (issue 16, point 4). */
export async function statusInTeams(app: AdapterPort, ctx: TurnContext, who: Who, req: StatusRequest | { error: string }): Promise<void> {
  if ("error" in req) return send(ctx, [notice(req.error.replace(/`/g, ""), "warning")]);
  const out = req.kind === "update" ? await app.actions.status(req.id, req.text, who.actor) : await app.actions.subscribe(req.id, who.actor, req.on);
  app.log.info({ incidentId: req.id, action: req.kind === "update" ? "status" : req.on ? "subscribe" : "unsubscribe", user: who.actor.userId, ok: out.ok }, "teams incident status");
  await send(ctx, [out.ok ? notice(out.message) : notice(`${out.message} Nothing was changed.`, "warning")]);
}
