// Tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT): nothing is started, BullMQ gets no telemetry, and a
// traced function is just called.
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { queueTelemetry, startTracing, traced } from "../../src/tracing.js";

describe("tracing off", () => {
  it("starts nothing and adds nothing", async () => {
    expect(await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_SERVICE_NAME: undefined }, "test", silentLogger)).toBeUndefined();
    expect(queueTelemetry()).toEqual({});
    expect(await traced("x", {}, async () => 42)).toBe(42);
    await expect(traced("x", {}, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });
});
