// `npm start` when something is configured: the web endpoints and (inline, unless WORKER_MODE=separate)
// the ticket workers in one process. Embedded (no REDIS_URL) keeps state in memory and says so.
import { createEmbeddedApp, createRedisApp, type App } from "./app.js";
import type { Config } from "./config.js";
import type { Logger } from "./log.js";
import { platformAdapters } from "./platforms.js";
import { startWeb, type WebHandle } from "./http.js";
import { defaultNotifier, digestSender, startWorker, type WorkerHandle } from "./runtime.js";
import { startEmbeddedDigest, type DigestHandle } from "./digest/runner.js";
import { startTracing, stopTracing } from "./tracing.js";
import { Metrics } from "./metrics/metrics.js";
import { metricsRoute, timeRequests } from "./metrics/http.js";
import { queueSource } from "./metrics/queues.js";
import { pagerDutyRoute } from "./tickets/outside/pagerduty-webhook.js";

export interface Served {
  app: App;
  web: WebHandle;
  worker?: WorkerHandle;
  /** this process's metrics, served on GET /metrics. */
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function serve(cfg: Config, log: Logger): Promise<Served> {
  // Before any queue is made: BullMQ takes its telemetry at construction.
  await startTracing(cfg, "triage-web", log);
  const adapters = await platformAdapters(cfg, log);
  const notifier = defaultNotifier(adapters.notifiers, log);
  let app: App;
  let worker: WorkerHandle | undefined;
  let digest: DigestHandle | undefined;
  // One registry for the process: the inline workers count into the same one the web serves.
  const metrics = new Metrics();
  if (!cfg.REDIS_URL) {
    log.warn("embedded mode: in-memory store and queue, nothing is kept after exit (set REDIS_URL for durable storage)");
    app = createEmbeddedApp(cfg, { notifier, log, metrics });
    digest = startEmbeddedDigest({ app, log, send: digestSender(notifier) });
  } else {
    app = createRedisApp({ ...cfg, REDIS_URL: cfg.REDIS_URL }, { notifier, log, metrics });
    if (cfg.WORKER_MODE === "inline") worker = await startWorker(cfg, log, notifier, metrics, adapters.turnHandler);
  }
  const routes = adapters.routes(app);
  // The turns queue is watched only where a platform has steps to run (Slack, Teams): elsewhere it has no worker on purpose.
  const source = queueSource(app.queue, adapters.turnHandler ? app.turns : undefined);
  if (source) metrics.watchQueues(source);
  // PagerDuty's signed webhook (acknowledge/resolve made there), mounted only with its secret.
  const secret = cfg.PAGERDUTY_WEBHOOK_SECRET;
  const outside = secret ? [pagerDutyRoute({ secret, incidents: app.incidents, actions: app.actions, roster: app.defs.roster, clock: app.clock, log })] : [];
  const web = await startWeb(app, cfg.PORT, log, [metricsRoute(metrics), ...routes.map((r) => r.route), ...outside], { maxQueuedMs: cfg.READY_MAX_QUEUED_MS });
  timeRequests(web.server, metrics);
  for (const r of routes) await r.start?.();
  return {
    app,
    web,
    ...(worker ? { worker } : {}),
    metrics,
    async stop() {
      await digest?.stop();
      await web.stop();
      for (const r of routes) await r.stop?.();
      await worker?.stop();
      await app.close();
      await stopTracing();
    },
  };
}
