// Optional tracing. With OTEL_EXPORTER_OTLP_ENDPOINT set, one trace follows an incident from the
// Slack or Teams request through its BullMQ jobs (bullmq-otel carries the context inside each job) to
// every message the worker sends, exported over OTLP/HTTP. Unset, nothing is loaded and every hook is
// a plain function call: tracing costs nothing when it is off. OpenTelemetry's tracer provider is
// process-wide by design, so this module holds the one per process.
import type { Telemetry } from "bullmq";
import type { Config } from "./config.js";
import type { Logger } from "./log.js";

type Attributes = Record<string, string | number | boolean>;
interface Active {
  telemetry: Telemetry;
  span<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T>;
  shutdown(): Promise<void>;
}

let active: Active | undefined;
let starting: Promise<Active | undefined> | undefined;

/** Starts tracing for this process when configured (once; later calls get the same). */
export function startTracing(cfg: Pick<Config, "OTEL_EXPORTER_OTLP_ENDPOINT" | "OTEL_SERVICE_NAME">, service: string, log: Logger): Promise<Active | undefined> {
  if (!cfg.OTEL_EXPORTER_OTLP_ENDPOINT) return Promise.resolve(undefined);
  starting ??= load(cfg.OTEL_EXPORTER_OTLP_ENDPOINT, cfg.OTEL_SERVICE_NAME ?? service, log).then((a) => (active = a));
  return starting;
}

async function load(endpoint: string, service: string, log: Logger): Promise<Active> {
  const [api, { NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { BullMQOtel }] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("bullmq-otel"),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, "")}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    // A short batch delay: an incident's trace should be visible while people are still on it.
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  provider.register();
  const tracer = api.trace.getTracer("ai-incident-triage");
  log.info({ endpoint, service }, "tracing on: OTLP/HTTP");
  return {
    telemetry: new BullMQOtel({ tracerName: "ai-incident-triage-bullmq" }) as unknown as Telemetry,
    span: (name, attributes, fn) =>
      tracer.startActiveSpan(name, { attributes }, async (span) => {
        try {
          return await fn();
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        } finally {
          span.end();
        }
      }),
    shutdown: () => provider.shutdown(),
  };
}

/** BullMQ's telemetry option when tracing is on (Queue and Worker constructors). */
export function queueTelemetry(): { telemetry: Telemetry } | Record<string, never> {
  return active ? { telemetry: active.telemetry } : {};
}

/** Runs `fn` in a span when tracing is on; otherwise just runs it. */
export function traced<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return active ? active.span(name, attributes, fn) : fn();
}

/** Flushes and stops tracing (graceful shutdown); a no-op when it is off. */
export async function stopTracing(): Promise<void> {
  const a = active;
  active = undefined;
  starting = undefined;
  await a?.shutdown();
}
