// Process "web" (Procfile): Slack and Teams endpoints and /healthz. Workers run as their own process
// ("worker"), so this one only files incidents and enqueues; run several behind a load balancer.
import { loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { onShutdown } from "./runtime.js";
import { serve } from "./serve.js";

const cfg = (() => {
  try {
    return loadConfig();
  } catch (e) {
    process.stderr.write(`web: ${(e as Error).message}\n`);
    process.exit(2);
  }
})();
const log = createLogger(cfg.LOG_LEVEL);
if (!cfg.REDIS_URL) {
  process.stderr.write("web: REDIS_URL: required for the web process (without it, `npm start` runs everything in one process)\n");
  process.exit(2);
}
serve({ ...cfg, WORKER_MODE: "separate" }, log).then(
  (s) => onShutdown(s.stop, log),
  (err: Error) => {
    log.fatal({ err: err.message }, "web failed to start");
    process.exit(1);
  },
);
