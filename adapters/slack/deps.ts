// What every listener needs: the port to the application (bot, ticket actions, summaries, flow; no
// store) and the Slack side of delivery.
import type { AdapterPort } from "../../src/port.js";
import type { Actor } from "../../src/domain/incident.js";
import type { Logger } from "../../src/log.js";
import type { SlackNotifier } from "./notifier.js";

export interface SlackDeps {
  /** named `app` for history; it is the narrow port (src/port.ts), not the App. */
  app: AdapterPort;
  log: Logger;
  /** used from the web process only for what an interaction changes at once (a rerouted card). */
  notifier: SlackNotifier;
}

export const actorOf = (user: { id: string; name?: string; username?: string }): Actor => {
  const name = user.name ?? user.username;
  return { platform: "slack", userId: user.id, ...(name ? { name } : {}) };
};

/** One walk-through per workspace and user at a time. */
export const turnKey = (teamId: string | undefined, userId: string) => `slack:${teamId ?? "-"}:${userId}`;
