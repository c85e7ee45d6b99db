// The web process's HTTP server: /healthz (alive), /readyz (able to get a report to the on-call now,
// src/readiness.ts) and the platform routes (Slack, Teams) mounted beside it.
// Holds no conversation state of its own, so several can run behind a load balancer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { App } from "./app.js";
import type { Logger } from "./log.js";
import { traced } from "./tracing.js";
import { readiness } from "./readiness.js";

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface WebHandle {
  server: Server;
  port: number;
  stop(): Promise<void>;
}

/**
 * Liveness: answering at all means the event loop runs. It asks nothing of Redis on purpose: a probe
 * that failed during a Redis outage would have every web process restarted for nothing. Whether a
 * report reaches the on-call now is /readyz.
 */
export function health(app: App): { ok: true; checks: { mode: App["mode"] }; uptimeSeconds: number } {
  return { ok: true, checks: { mode: app.mode }, uptimeSeconds: Math.round(process.uptime()) };
}

/** The readiness ceiling: a ticket waiting longer than this for a worker makes /readyz fail. */
export interface ReadyOptions {
  maxQueuedMs: number;
}

export async function startWeb(app: App, port: number, log: Logger, routes: Route[] = [], ready: ReadyOptions = { maxQueuedMs: 60_000 }): Promise<WebHandle> {
  const server = createServer((req, res) => {
    // One span per request (the path without its query): the root of an incident's trace when tracing is on.
    void traced(`${req.method} ${(req.url ?? "").split("?")[0]}`, { "http.method": req.method ?? "", "http.route": (req.url ?? "").split("?")[0]! }, async () => {
      try {
        if (req.method === "GET" && req.url === "/healthz") {
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(health(app)));
          return;
        }
        if (req.method === "GET" && req.url === "/readyz") {
          const r = await readiness(app, ready.maxQueuedMs);
          res.writeHead(r.ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(r));
          return;
        }
        for (const route of routes) if (await route(req, res)) return;
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      } catch (err) {
        log.error({ err: (err as Error).message, url: req.url }, "request failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end('{"error":"internal error"}');
      }
    });
  });
  // Node closes an idle kept-alive connection after 5 s; a client (a load balancer, Slack's or Teams'
  // senders) that reuses it at that moment gets a reset, not an answer: a click lost until it is
  // retried (the burst bench saw one in 6,500). Keep idle connections longer than the usual 60 s load
  // balancer idle timeout, so the client is the one that closes them; headers must come sooner still.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(port, resolve));
  const actual = (server.address() as { port: number }).port;
  log.info({ port: actual }, "web listening");
  return {
    server,
    port: actual,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Kept-alive connections with nothing in flight would hold the close for up to keepAliveTimeout.
        server.closeIdleConnections();
      }),
  };
}
