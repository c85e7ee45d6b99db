// Bolt and the Web API client log through Slack's Logger interface; this forwards to our pino logger
// so their lines are JSON like ours (and tokens are redacted by the same rules).
import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "../../src/log.js";

export function slackLogger(log: Logger): SlackLogger {
  const child = log.child({ component: "slack" });
  let level = LogLevel.INFO;
  const line = (msgs: unknown[]) => msgs.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  return {
    debug: (...m) => child.debug(line(m)),
    info: (...m) => child.info(line(m)),
    warn: (...m) => child.warn(line(m)),
    error: (...m) => child.error(line(m)),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}
