// Optional tracing, end to end: with OTEL_EXPORTER_OTLP_ENDPOINT set, one trace follows an incident
// from the Slack request that filed it, through its BullMQ delivery job, to the ticket and the page,
// exported over OTLP/HTTP to a local collector. Without it, nothing is exported (tracing is off).
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlack } from "../support/fake-slack.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import type { User } from "../support/slack-sign.js";
import { SAFETY_ANSWERS, TOKEN, serveSlack, slackEnv, slackRosterFile, textOf, walk } from "../support/slack-stack.js";
import { waitFor } from "../support/webhook.js";

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}

/** An OTLP/HTTP (JSON) trace collector: keeps every span it is sent. */
async function collector(): Promise<{ url: string; spans: Span[]; close(): Promise<void> }> {
  const spans: Span[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      if (req.url === "/v1/traces") {
        const doc = JSON.parse(body) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Span[] }> }> };
        for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

const RITA: User = { id: "U0RITA", name: "rita" };
let redis: RedisServer;
let otlp: Awaited<ReturnType<typeof collector>>;
beforeAll(async () => {
  redis = await startRedis();
  otlp = await collector();
});
afterAll(async () => {
  await otlp?.close();
  await redis?.stop();
});

describe("tracing", () => {
  it("one trace from the Slack request through the delivery job to the ticket and the page", async () => {
    // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
    const fake = await FakeSlack.start(TOKEN, { postLimit: false });
    const env = { ...slackEnv(redis.url, uniquePrefix(), fake.apiUrl, slackRosterFile()), OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url };
    const { served, req } = await serveSlack(env);
    try {
      await walk(fake, req(fake), RITA, SAFETY_ANSWERS);
      const incident = (await served.app.incidents.list({ from: new Date(0), to: new Date(8e15) }))[0]!;
      await waitFor(() => fake.channel("C0SAFETY").some((m) => textOf(m).includes(incident.id)), "the ticket card");
      await waitFor(async () => (await served.app.incidents.undelivered(new Date(Date.now() + 60_000))).length === 0, "the delivery to finish");
    } finally {
      await served.stop(); // flushes the spans
      await fake.stop();
    }
    const ticket = otlp.spans.find((s) => s.name === "send ticket");
    expect(ticket, "a span for sending the ticket").toBeDefined();
    const trace = otlp.spans.filter((s) => s.traceId === ticket!.traceId);
    const names = trace.map((s) => s.name);
    // Rooted in the Slack request that filed the incident, through BullMQ's producer and consumer spans.
    expect(names).toContain("POST /slack/events");
    expect(names.some((n) => /oncall-safety/.test(n) && /add/i.test(n)), names.join(", ")).toBe(true);
    expect(names.some((n) => /oncall-safety/.test(n) && /process/i.test(n)), names.join(", ")).toBe(true);
    expect(names).toContain("send page");
    const root = trace.find((s) => s.name === "POST /slack/events")!;
    expect(root.parentSpanId ?? "").toBe("");
  }, 60_000);
});
