// Process "worker" (Procfile): ticket delivery, escalation timers and pages from BullMQ, through the
// configured platforms' notifiers. Run more of them to scale out.
import { loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { platformAdapters } from "./platforms.js";
import { Metrics } from "./metrics/metrics.js";
import { startMetricsServer } from "./metrics/server.js";
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
    (err: Error) => {
      process.stderr.write(`worker: ${err.message}\n`);
      process.exit(2);
    },
  );
