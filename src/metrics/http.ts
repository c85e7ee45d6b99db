// GET /metrics for the web process (a Route beside the platforms' routes) and the request timer.
// The timer listens to the server's "request" event next to the main handler, so every response is
// measured (including /healthz and 404s) without the request handler knowing metrics exist.
import type { Server } from "node:http";
import type { Route } from "../http.js";
import type { Metrics } from "./metrics.js";

export const METRICS_PATH = "/metrics";

export function metricsRoute(metrics: Metrics): Route {
  return async (req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== METRICS_PATH) return false;
    const { contentType, body } = await metrics.scrape();
    res.writeHead(200, { "content-type": contentType }).end(body);
    return true;
  };
}

export function timeRequests(server: Server, metrics: Metrics) {
  server.on("request", (req, res) => {
    const start = process.hrtime.bigint();
    // "finish": the response was handed to the OS; an aborted request is not a duration.
    res.once("finish", () => metrics.httpRequest(req.url, req.method, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9));
  });
}
