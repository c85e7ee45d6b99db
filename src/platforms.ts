// The chat platforms this deployment talks to, from configuration: their HTTP routes (web process)
// and their notifiers (worker). The only place in src/ that knows the adapters exist.
import type { App } from "./app.js";
import type { Config } from "./config.js";
import type { Logger } from "./log.js";
import type { Notifier } from "./tickets/notifier.js";
import type { Route } from "./web.js";

export interface PlatformRoute {
  name: string;
  route: Route;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface PlatformAdapters {
  notifiers: Notifier[];
  routes(app: App): PlatformRoute[];
}

export async function platformAdapters(_cfg: Config, _log: Logger): Promise<PlatformAdapters> {
  return { notifiers: [], routes: () => [] };
}
