// The worker process has no web server of its own: this small one serves its GET /metrics on
// METRICS_PORT, and nothing else, so Prometheus can see each worker (and notice one is gone).
import { createServer } from "node:http";
import type { Logger } from "../log.js";
import { metricsRoute } from "./http.js";
import type { Metrics } from "./metrics.js";

export interface MetricsServer {
  port: number;
  stop(): Promise<void>;
}

export async function startMetricsServer(metrics: Metrics, port: number, log: Logger): Promise<MetricsServer> {
  const route = metricsRoute(metrics);
  const server = createServer((req, res) => {
    route(req, res).then(
      (served) => void (served || res.writeHead(404, { "content-type": "text/plain" }).end("not found\n")),
      (err: Error) => {
        log.error({ err: err.message }, "metrics scrape failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("scrape failed\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => resolve());
  });
  const actual = (server.address() as { port: number }).port;
  log.info({ metricsPort: actual }, "metrics listening");
  return {
    port: actual,
    // Scrapes keep connections alive: close them too, or close() waits for Prometheus to hang up.
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
