// Process "web" (Procfile): Slack and Teams endpoints, /healthz and /readyz. Workers run as their own
// process ("worker"), so this one only files incidents and enqueues; run several behind a load balancer.
import { loadConfig } from "./config.js";
import { webMode } from "./commands/start-mode.js";
import { createLogger } from "./log.js";
import { jsonLinesOnly } from "./process-log.js";
import { onShutdown } from "./runtime.js";
import { serve } from "./serve.js";
import { refuseStart } from "./start-failure.js";

const cfg = (() => {
  try {
    const c = loadConfig(process.env, "web");
    if (!c.REDIS_URL) throw new Error("REDIS_URL: required for the web process (without it, `npm start` runs everything in one process)");
    return { c, mode: webMode(c, c.ALLOW_NO_PLATFORM) };
  } catch (e) {
    return refuseStart("web", e);
  }
})();
const log = createLogger(cfg.c.LOG_LEVEL);
jsonLinesOnly(log);
log.info({ mode: "web", platforms: cfg.mode.platforms, store: "redis", workers: "separate", why: cfg.mode.why }, "starting the web process");
serve({ ...cfg.c, WORKER_MODE: "separate" }, log).then(
  (s) => onShutdown(s.stop, log),
  (err: Error) => {
    log.fatal({ err }, "web failed to start");
    process.exit(1);
  },
);
