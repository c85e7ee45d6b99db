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

export interface Served {
  app: App;
  web: WebHandle;
  worker?: WorkerHandle;
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
  if (!cfg.REDIS_URL) {
    log.warn("embedded mode: in-memory store and queue, nothing is kept after exit (set REDIS_URL for durable storage)");
    app = createEmbeddedApp(cfg, { notifier, log });
    digest = startEmbeddedDigest({ app, log, send: digestSender(notifier) });
  } else {
    app = createRedisApp({ ...cfg, REDIS_URL: cfg.REDIS_URL }, { notifier, log });
    if (cfg.WORKER_MODE === "inline") worker = await startWorker(cfg, log, notifier);
  }
  const routes = adapters.routes(app);
  const web = await startWeb(app, cfg.PORT, log, routes.map((r) => r.route), { maxQueuedMs: cfg.READY_MAX_QUEUED_MS });
  for (const r of routes) await r.start?.();
  return {
    app,
    web,
    ...(worker ? { worker } : {}),
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
