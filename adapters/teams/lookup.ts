// `show INC-…` and `list [open|mine|safety|security]` in Teams. The answer is the asker's alone, as in
// Slack (ephemeral there): asked in a channel, it goes to their personal chat and the channel hears one
// line; a refusal or a usage mistake is said where they asked.
import type { TurnContext } from "botbuilder";
import type { AdapterPort } from "../../src/port.js";
import type { LookupRequest } from "../../src/bot/lookup.js";
import { notice } from "../../src/bot/reply.js";
import type { TeamsConfig } from "./auth.js";
import { cardActivity } from "./cards/index.js";
import { incidentDetailCard, incidentListCard } from "./cards/lookup.js";
import { isPersonal, type Who } from "./identity.js";
import { NO_PERSONAL_CHAT, personalChat } from "./personal-chat.js";
import { send } from "./walkthrough.js";

export async function lookupInTeams(app: AdapterPort, cfg: TeamsConfig, ctx: TurnContext, who: Who, req: LookupRequest | { error: string }): Promise<void> {
  if ("error" in req) return send(ctx, [notice(req.error.replace(/`/g, ""), "warning")]);
  const out = await app.lookup.run({ actor: who.actor }, req);
  if (!out.ok) return send(ctx, [notice(out.message, "warning")]);
  const answer = out.kind === "show" ? cardActivity(incidentDetailCard(out.detail), out.detail.heading) : cardActivity(incidentListCard(out.list), "Incidents");
  const chat = await personalChat(ctx, who, cfg, app.log);
  if (!chat) return void (await ctx.sendActivity(NO_PERSONAL_CHAT));
  await chat.send(answer);
  if (!isPersonal(ctx.activity)) await ctx.sendActivity("Sent you the answer in our chat.");
}
