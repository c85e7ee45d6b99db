// The chat platforms this deployment talks to, from configuration: their HTTP routes (web process)
// and their notifiers (worker). The only place in src/ that knows the adapters exist.
import { createSlackAdapter, createSlackNotifier, createSlackTurnHandler } from "../adapters/slack/index.js";
import { createTeamsAdapter, createTeamsNotifier, createTeamsTurnHandler, teamsConfigFrom } from "../adapters/teams/index.js";
import { loadDefinitions } from "./definitions.js";
import type { App } from "./app.js";
import { teamsConfigured, type Config } from "./config.js";
import type { Logger } from "./log.js";
import type { Notifier } from "./tickets/notifier.js";
import type { Route } from "./http.js";
import type { TurnJob } from "./turns/job.js";
import { adapterPort } from "./port.js";
import { byPlatform, type TurnHandler } from "./turns/worker.js";

export interface PlatformRoute {
  name: string;
  route: Route;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface PlatformAdapters {
  notifiers: Notifier[];
  routes(app: App): PlatformRoute[];
  /** runs queued conversation steps in a worker (Slack's and Teams', each by its own adapter). */
  turnHandler?(app: App): TurnHandler<unknown>;
}

export async function platformAdapters(cfg: Config, log: Logger): Promise<PlatformAdapters> {
  const notifiers: Notifier[] = [];
  const makers: Array<(app: App) => PlatformRoute> = [];
  const turnHandlers: Array<[TurnJob["platform"], (app: App) => TurnHandler<unknown>]> = [];
  if (cfg.SLACK_BOT_TOKEN) {
    const botToken = cfg.SLACK_BOT_TOKEN;
    const apiUrl = cfg.SLACK_API_URL;
    notifiers.push(createSlackNotifier({ botToken, ...(apiUrl ? { apiUrl } : {}), log }));
    turnHandlers.push(["slack", (app) => createSlackTurnHandler(adapterPort(app), { botToken, ...(apiUrl ? { apiUrl } : {}) }) as TurnHandler<unknown>]);
    makers.push((app) => {
      const slack = createSlackAdapter(adapterPort(app), {
        signingSecret: cfg.SLACK_SIGNING_SECRET ?? "",
        botToken,
        ...(cfg.SLACK_APP_TOKEN ? { appToken: cfg.SLACK_APP_TOKEN } : {}),
        ...(apiUrl ? { apiUrl } : {}),
      });
      return { name: "slack", route: slack.route, start: slack.start, stop: slack.stop };
    });
    log.info({ mode: cfg.SLACK_APP_TOKEN ? "socket" : "http" }, "slack enabled");
  }
  if (teamsConfigured(cfg)) {
    const teamsCfg = teamsConfigFrom(cfg);
    notifiers.push(createTeamsNotifier({ ...teamsCfg, roster: loadDefinitions(cfg).roster }));
    makers.push((app) => ({ name: "teams", route: createTeamsAdapter(adapterPort(app), teamsCfg).route }));
    turnHandlers.push(["teams", (app) => createTeamsTurnHandler(adapterPort(app), teamsCfg) as TurnHandler<unknown>]);
    if (!cfg.MicrosoftAppId) log.warn("teams enabled WITHOUT authentication (TEAMS_ALLOW_UNAUTHENTICATED): local development only");
    else log.info("teams enabled");
  }
  const turnHandler = turnHandlers.length ? (app: App) => byPlatform(Object.fromEntries(turnHandlers.map(([p, make]) => [p, make(app)])))! : undefined;
  return { notifiers, routes: (app) => makers.map((m) => m(app)), ...(turnHandler ? { turnHandler } : {}) };
}
