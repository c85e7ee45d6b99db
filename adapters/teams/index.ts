// Microsoft Teams: the bot endpoint (POST /api/messages) for the web process and the notifier that
// posts tickets for the worker. See README.md beside this file for setup.
import type { AdapterPort } from "../../src/port.js";
import type { Notifier } from "../../src/tickets/notifier.js";
import type { Route } from "../../src/http.js";
import { cloudAdapter, type TeamsConfig } from "./auth.js";
import { TeamsTriageBot } from "./bot.js";
import { NOT_SAVED } from "./failures.js";
import { messagesRoute } from "./http.js";
import { createTeamsNotifier } from "./notifier.js";

export { NOT_SAVED } from "./failures.js";
export { createTeamsTurnHandler } from "./turn-worker.js";

export function createTeamsAdapter(app: AdapterPort, cfg: TeamsConfig): { route: Route; notifier: Notifier } {
  const adapter = cloudAdapter(cfg);
  adapter.onTurnError = async (ctx, err) => {
    app.log.error({ err: (err as Error).message, activity: ctx.activity.type, conversation: ctx.activity.conversation?.id }, "teams turn failed");
    // Said in the same chat, so a click or answer that failed is never met with silence.
    await ctx.sendActivity(NOT_SAVED).catch((e: Error) => app.log.error({ err: e.message }, "teams: could not tell the person their request failed"));
  };
  const bot = new TeamsTriageBot(app, cfg);
  return { route: messagesRoute(adapter, bot), notifier: createTeamsNotifier({ ...cfg, roster: app.defs.roster }) };
}

export { createTeamsNotifier, DEFAULT_SERVICE_URL, TeamsNotifier, type TeamsNotifierOptions } from "./notifier.js";
export { MESSAGES_PATH } from "./http.js";
export { teamsConfigFrom, type TeamsConfig } from "./auth.js";
