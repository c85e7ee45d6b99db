// One process's metrics: a prom-client Registry of its own and every instrument on it, with methods
// named after what happened. Created once per process (web.ts, worker.ts, serve.ts) and passed in;
// never a module-level default registry, so several apps in one test process do not share counts.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Incident } from "../domain/incident.js";
import { bound, routeLabel, statusLabel } from "./labels.js";
import type { DeliveryObserver } from "../tickets/delivery-observer.js";

/** Seconds: from half a minute to a day (acks are due in minutes per severity, some wait overnight). */
const ACK_BUCKETS = [30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400];
/** Seconds: from five minutes to a week. */
const RESOLVE_BUCKETS = [300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 604_800];
/** Seconds: Slack wants an answer within 3 s; the interesting part is below it. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the scrape-time queue gauges read: BullMQ's own counts (src/metrics/queues.ts). */
export interface QueueSnapshot {
  queue: string;
  counts: Record<string, number>;
  /** seconds since the oldest waiting job became due; undefined when nothing waits. */
  oldestWaitingSeconds: number | undefined;
  /** worker connections BullMQ sees on this queue, from any process. */
  workers: number;
}
export type QueueSource = () => Promise<QueueSnapshot[]>;

export class Metrics implements DeliveryObserver {
  readonly registry = new Registry();
  private queueSource: QueueSource | undefined;
  private inflight: Promise<QueueSnapshot[]> | undefined;
  private runningWorkers: (() => number) | undefined;

  private readonly filedTotal = new Counter({
    name: "triage_incidents_filed_total",
    help: "Incidents filed, by routed domain, severity and whether another domain is reached.",
    labelNames: ["domain", "severity", "cross_domain"],
    registers: [this.registry],
  });
  private readonly proposalsTotal = new Counter({
    name: "triage_pretriage_proposals_total",
    help: "Free-text pre-triage proposals per question on filed incidents: accepted, changed, or (intent only) abstained.",
    labelNames: ["question", "outcome"],
    registers: [this.registry],
  });
  private readonly ackSeconds = new Histogram({
    name: "triage_time_to_acknowledge_seconds",
    help: "From filing to the first acknowledgement.",
    labelNames: ["domain", "severity"],
    buckets: ACK_BUCKETS,
    registers: [this.registry],
  });
  private readonly resolveSeconds = new Histogram({
    name: "triage_time_to_resolve_seconds",
    help: "From filing to resolution.",
    labelNames: ["domain", "severity"],
    buckets: RESOLVE_BUCKETS,
    registers: [this.registry],
  });
  private readonly escalationsTotal = new Counter({
    name: "triage_escalations_total",
    help: "Escalations, by the acknowledgement timer or by a person.",
    labelNames: ["domain", "reason"],
    registers: [this.registry],
  });
  private readonly failedTotal = new Counter({
    name: "triage_deliveries_failed_total",
    help: "Ticket jobs that ran out of retries or can never succeed (they land in the failed set).",
    labelNames: ["kind", "platform"],
    registers: [this.registry],
  });
  private readonly lateTotal = new Counter({
    name: "triage_deliveries_late_total",
    help: "Failed tries of a job already past DELIVERY_LATE_AFTER_MS since it was due (the 'delivery late' log line).",
    labelNames: ["kind", "platform"],
    registers: [this.registry],
  });
  private readonly httpSeconds = new Histogram({
    name: "triage_http_request_duration_seconds",
    help: "HTTP requests to the web process, by route, method and status.",
    labelNames: ["route", "method", "status"],
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    // Queue gauges are read from Redis when Prometheus scrapes, never kept up to date in between:
    // every process sees the same BullMQ counts, so they are right even with no worker alive.
    const self = this;
    new Gauge({
      name: "triage_queue_jobs",
      help: "Jobs per queue and state, from BullMQ's counts at scrape time.",
      labelNames: ["queue", "state"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of await self.snapshot()) for (const [state, n] of Object.entries(s.counts)) this.set({ queue: bound("queue", s.queue), state: bound("state", state) }, n);
      },
    });
    new Gauge({
      name: "triage_queue_oldest_waiting_seconds",
      help: "Age of the oldest job waiting for a worker, per queue (0 when none waits).",
      labelNames: ["queue"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of await self.snapshot()) this.set({ queue: bound("queue", s.queue) }, s.oldestWaitingSeconds ?? 0);
      },
    });
    new Gauge({
      name: "triage_queue_workers",
      help: "Worker connections BullMQ sees on each queue, from any process: 0 means nobody delivers tickets.",
      labelNames: ["queue"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of await self.snapshot()) this.set({ queue: bound("queue", s.queue) }, s.workers);
      },
    });
    new Gauge({
      name: "triage_workers_running",
      help: "Queue workers running in this process.",
      registers: [this.registry],
      collect() {
        if (self.runningWorkers) this.set(self.runningWorkers());
      },
    });
  }

  /** Where the queue gauges read from: one source per process (the queues are the same for all). */
  watchQueues(source: QueueSource) {
    this.queueSource = source;
  }

  watchWorkers(running: () => number) {
    this.runningWorkers = running;
  }

  /** The exposition text, and its content type, for GET /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  incidentFiled(i: Incident) {
    const cross = i.classification.crossDomain.length > 0 ? "true" : "false";
    this.filedTotal.inc({ domain: bound("domain", i.routing.domain), severity: bound("severity", i.classification.severity), cross_domain: cross });
    const proposals = i.pretriage?.proposals ?? {};
    for (const [question, p] of Object.entries(proposals)) {
      // Not accepted covers both a different answer and a question another answer ruled out.
      this.proposalsTotal.inc({ question: bound("question", question), outcome: p.accepted ? "accepted" : "changed" });
    }
    // Only intent is always read, so only its silence is an abstention; the kinds follow from it.
    if (!proposals.intent) this.proposalsTotal.inc({ question: "intent", outcome: "abstained" });
  }

  acknowledged(i: Incident) {
    if (i.acknowledgedAt) this.ackSeconds.observe(this.labels(i), since(i.createdAt, i.acknowledgedAt));
  }

  resolved(i: Incident) {
    if (i.resolvedAt) this.resolveSeconds.observe(this.labels(i), since(i.createdAt, i.resolvedAt));
  }

  escalated(i: Incident, reason: "timer" | "manual") {
    this.escalationsTotal.inc({ domain: bound("domain", i.routing.domain), reason });
  }

  late(kind: string, platform: string) {
    this.lateTotal.inc({ kind: bound("kind", kind), platform: bound("platform", platform) });
  }

  failed(kind: string, platform: string) {
    this.failedTotal.inc({ kind: bound("kind", kind), platform: bound("platform", platform) });
  }

  httpRequest(url: string | undefined, method: string | undefined, status: number, seconds: number) {
    this.httpSeconds.observe({ route: routeLabel(url), method: bound("method", method), status: statusLabel(status) }, seconds);
  }

  private labels(i: Incident) {
    return { domain: bound("domain", i.routing.domain), severity: bound("severity", i.classification.severity) };
  }

  /** The queues' state, or nothing when Redis does not answer in time: a scrape must not hang. */
  private snapshot(): Promise<QueueSnapshot[]> {
    const source = this.queueSource;
    if (!source) return Promise.resolve([]);
    // The three queue gauges are collected together: one read of Redis serves them all.
    this.inflight ??= Promise.race([source(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), 2000).unref())])
      .catch(() => [])
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }
}

const since = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
