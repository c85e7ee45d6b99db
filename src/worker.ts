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
const starting = platformAdapters(cfg, log)
  .then(async (p) => {
    const w = await startWorker(cfg, log, defaultNotifier(p.notifiers, log), metrics, p.turnHandler);
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
  .catch((err: Error) => refuseStart("worker", err));
// Installed before start-up, not after it: "worker started" is logged before startWorker returns, and a
// SIGTERM in between (a deploy that stops a process just started) would otherwise kill it uncleanly.
// A signal during start-up waits for it, then stops what was started.
onShutdown(async () => (await starting).stop(), log);
