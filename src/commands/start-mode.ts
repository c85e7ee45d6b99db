// What `npm start` (triage start) and `triage web` run, and why, said out loud: an operator who
// exported REDIS_URL and forgot the Slack variables used to get a web server that nobody could reach,
// without a word. A web server with no chat platform is now refused unless asked for.
import { slackConfigured, teamsConfigured, type Config } from "../config.js";
import { UsageError } from "./command.js";

export type StartMode = { mode: "console"; why: string } | { mode: "web"; platforms: string[]; why: string };

export const platformsOf = (c: Config): string[] => [...(slackConfigured(c) ? ["slack"] : []), ...(teamsConfigured(c) ? ["teams"] : [])];

/** `triage start`: the console bot when nothing is configured, else the web process. */
export function startMode(c: Config, allowNoPlatform: boolean): StartMode {
  const platforms = platformsOf(c);
  if (!c.REDIS_URL && !platforms.length) return { mode: "console", why: "nothing is configured (no REDIS_URL, Slack or Teams)" };
  return webMode(c, allowNoPlatform);
}

/** `triage web`, the Procfile's web and `triage start` with something configured. Throws (exit 2) for a web server nobody can talk to. */
export function webMode(c: Config, allowNoPlatform: boolean): StartMode & { mode: "web" } {
  const platforms = platformsOf(c);
  const store = c.REDIS_URL ? "Redis" : "the embedded in-memory store";
  if (platforms.length) return { mode: "web", platforms, why: `${platforms.join(" and ")} configured, on ${store}` };
  if (!allowNoPlatform) {
    throw new UsageError(
      `a web server with no chat platform configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack) or MicrosoftAppId and MicrosoftAppPassword (Teams); ` +
        `for /healthz and /readyz alone set ALLOW_NO_PLATFORM=true (or run \`triage web --no-platform\`); for the console bot on Redis run \`triage chat\``,
    );
  }
  return { mode: "web", platforms, why: `no chat platform configured, allowed by ALLOW_NO_PLATFORM or --no-platform, on ${store}` };
}
