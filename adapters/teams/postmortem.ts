// The ticket's Postmortem button in Teams: the draft (Markdown source, as plain text so it can be
// copied as is) goes to the clicker's personal chat if they may see the incident; a channel where the
// card was clicked hears one line. Nothing is stored or changed.
import type { TurnContext } from "botbuilder";
import type { AdapterPort } from "../../src/port.js";
import { notice } from "../../src/bot/reply.js";
import type { TeamsConfig } from "./auth.js";
import { isPersonal, type Who } from "./identity.js";
import { NO_PERSONAL_CHAT, personalChat } from "./personal-chat.js";
import { send } from "./walkthrough.js";

/** Well under Teams' ~28 KB per message, with room for the activity around the text. */
export const TEAMS_TEXT_MAX = 24_000;

export async function postmortemInTeams(app: AdapterPort, cfg: TeamsConfig, ctx: TurnContext, who: Who, incidentId: string): Promise<void> {
  const out = await app.lookup.postmortem({ actor: who.actor }, incidentId);
  if (!out.ok) return send(ctx, [notice(out.message, "warning")]);
  const chat = await personalChat(ctx, who, cfg, app.log);
  if (!chat) return void (await ctx.sendActivity(NO_PERSONAL_CHAT));
  const cut = out.markdown.length > TEAMS_TEXT_MAX;
  const text = cut ? `${out.markdown.slice(0, TEAMS_TEXT_MAX)}\n\n(cut to fit Teams; the whole draft: triage postmortem ${out.id})` : out.markdown;
  await chat.send({ type: "message", textFormat: "plain", text, summary: `Postmortem draft of ${out.id}` });
  if (!isPersonal(ctx.activity)) await ctx.sendActivity(`Sent you the postmortem draft of ${out.id} in our chat.`);
}
