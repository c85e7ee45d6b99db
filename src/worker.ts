// Process "worker" (Procfile): ticket delivery, escalation timers and pages from BullMQ, through the
// configured platforms' notifiers. Run more of them to scale out.
import { loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { platformAdapters } from "./platforms.js";
import { defaultNotifier, onShutdown, startWorker } from "./runtime.js";

const cfg = (() => {
  try {
    return loadConfig();
  } catch (e) {
    process.stderr.write(`worker: ${(e as Error).message}\n`);
    process.exit(2);
  }
})();
const log = createLogger(cfg.LOG_LEVEL);
platformAdapters(cfg, log)
  .then((p) => startWorker(cfg, log, defaultNotifier(p.notifiers, log)))
  .then(
    (w) => onShutdown(w.stop, log),
    (err: Error) => {
      process.stderr.write(`worker: ${err.message}\n`);
      process.exit(2);
    },
  );
