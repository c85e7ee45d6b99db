// Process "worker" (Procfile): ticket delivery, escalation timers and pages from BullMQ, through the
// configured platforms' notifiers. Run more of them to scale out. It reads only what it uses: Slack's
// bot token to post, never the signing secret (it answers no Slack request).
import { loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { jsonLinesOnly } from "./process-log.js";
import { platformAdapters } from "./platforms.js";
import { Metrics } from "./metrics/metrics.js";
import { startMetricsServer } from "./metrics/server.js";
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
const metrics = new Metrics();
platformAdapters(cfg, log)
  .then(async (p) => {
    const w = await startWorker(cfg, log, defaultNotifier(p.notifiers, log), metrics);
    // Off unless METRICS_PORT is set: tests start many workers, production sets one port per process.
    const port = cfg.METRICS_PORT;
    const served = port === undefined ? undefined : await startMetricsServer(metrics, port, log).catch(async (err: Error) => {
      await w.stop();
      throw new Error(`METRICS_PORT ${port}: ${err.message}`);
    });
    const stop = async () => {
      await served?.stop();
      await w.stop();
    };
    return { stop };
  })
  .then(
    (w) => onShutdown(w.stop, log),
    (err: Error) => refuseStart("worker", err),
  );
