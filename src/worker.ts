// Process "worker" (Procfile): ticket delivery, escalation timers and pages from BullMQ, through the
// configured platforms' notifiers. Run more of them to scale out. It reads only what it uses: Slack's
// bot token to post, never the signing secret (it answers no Slack request).
import { loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { jsonLinesOnly } from "./process-log.js";
import { platformAdapters } from "./platforms.js";
import { defaultNotifier, onShutdown, startWorker } from "./runtime.js";
import { refuseStart } from "./start-failure.js";

const cfg = (() => {
  try {
    return loadConfig(process.env, "worker");
  } catch (e) {
    return refuseStart("worker", e);
  }
})();
const log = createLogger(cfg.LOG_LEVEL);
jsonLinesOnly(log);
platformAdapters(cfg, log)
  .then((p) => startWorker(cfg, log, defaultNotifier(p.notifiers, log)))
  .then(
    (w) => onShutdown(w.stop, log),
    (err: Error) => refuseStart("worker", err),
  );
