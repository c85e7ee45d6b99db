// Wires one process: stores, queue, ticket processor and bot, on the embedded (memory) backend or on
// Redis + BullMQ when REDIS_URL is set. Process entries (cli, web, worker) call this; nothing else does.
import { systemClock, type Clock } from "./clock.js";
import { limitPolicy, llmSettings, outsideSettings, pacePolicy, stormPolicy, type Config } from "./config.js";
import { OutsideDelivery } from "./tickets/outside/runner.js";
import { MemoryStormIndex, RedisStormIndex } from "./store/storm-index.js";
import { MemoryChannelPacer, RedisChannelPacer } from "./store/channel-pacer.js";
import type { LimitPolicy } from "./domain/limits.js";
import { MemoryRateLimiter, RedisRateLimiter } from "./store/rate-limiter.js";
import { loadDefinitions, type Definitions } from "./definitions.js";
import type { Logger } from "./log.js";
import { TriageBot } from "./bot/conversation.js";
import { descriptionReader, type ReadDescription } from "./pretriage/read-description.js";
import { MemoryConversationStore, MemoryIncidentStore } from "./store/memory.js";
import { MemorySeenSet, RedisSeenSet, type SeenSet } from "./store/seen.js";
import type { ConversationStore, IncidentStore, RateLimiter } from "./store/types.js";
import type { JobQueue } from "./tickets/jobs.js";
import { MemoryJobQueue } from "./tickets/memory-queue.js";
import type { Notifier } from "./tickets/notifier.js";
import { TicketProcessor } from "./tickets/processor.js";
import { TicketActions } from "./tickets/actions.js";
import { crashAfterActionStore } from "./tickets/crash-hook.js";
import { Summaries } from "./bot/summaries.js";
import { ReportDrafts } from "./bot/report-drafts.js";
import { Lookup } from "./bot/lookup.js";
import { BullJobQueue } from "./tickets/bullmq-queue.js";
import { retryPolicy } from "./tickets/retry.js";
import { RedisConversationStore, RedisIncidentStore } from "./store/redis.js";
import { connect, type RedisClient } from "./redis.js";
import { workerAlive } from "./tickets/heartbeat.js";
import type { Metrics } from "./metrics/metrics.js";
import { observeIncidents } from "./metrics/observed-incidents.js";
import type { TurnQueue } from "./turns/job.js";
import { BullTurnQueue } from "./turns/queue.js";

export interface App {
  mode: "embedded" | "redis";
  defs: Definitions;
  clock: Clock;
  log: Logger;
  conversations: ConversationStore;
  incidents: IncidentStore;
  queue: JobQueue;
  /** conversation steps for workers (redis mode); absent when embedded, where steps run in process. */
  turns?: TurnQueue;
  bot: TriageBot;
  actions: TicketActions;
  summaries: Summaries;
  /** the report drafts behind the ticket's "Draft report" button. */
  reports: ReportDrafts;
  /** `show INC-…` and `list …`, for whoever may see them. */
  lookup: Lookup;
  processor: TicketProcessor;
  /** request ids already worked on (replays, double deliveries): shared in Redis, in memory when embedded. */
  seen: SeenSet;
  /** abuse limits: shared counters (Redis in production) and the configured policy. */
  limiter: RateLimiter;
  limits: LimitPolicy;
  /** Is a ticket worker running (a heartbeat in Redis; always in embedded mode, where jobs run in this process)? */
  workersAlive(): Promise<boolean>;
  /** Resolves when in-process jobs are done (embedded mode); a no-op with Redis. */
  idle(): Promise<void>;
  /** The store's Redis client (redis mode only; a cluster client on a Redis Cluster), for health checks. */
  redis?: RedisClient;
  /** The deployment's key prefix (redis mode only): every key an adapter keeps goes under it. */
  prefix?: string;
  close(): Promise<void>;
}

export interface AppOptions {
  notifier: Notifier;
  log: Logger;
  clock?: Clock;
  defs?: Definitions;
  /** how descriptions are read; by default from the configuration (offline alone unless LLM_* is set). */
  readDescription?: ReadDescription;
  /** the process's metrics; without them nothing is counted (tests, one-off commands). */
  metrics?: Metrics;
}

const observed = (store: IncidentStore, metrics?: Metrics) => (metrics ? observeIncidents(store, metrics) : store);

/** The single-process embedded mode: everything in memory, jobs run in this process. */
export function createEmbeddedApp(cfg: Config, opts: AppOptions): App {
  const clock = opts.clock ?? systemClock;
  const defs = opts.defs ?? loadDefinitions(cfg);
  const conversations = new MemoryConversationStore(cfg.CONVERSATION_TTL_SECONDS, clock);
  const incidents = observed(new MemoryIncidentStore(), opts.metrics);
  const queue = new MemoryJobQueue(clock, opts.log, retryPolicy(cfg), opts.metrics);
  const outside = new OutsideDelivery({ incidents, roster: defs.roster, settings: outsideSettings(cfg, defs.roster), queue, clock, log: opts.log });
  const limiter = new MemoryRateLimiter();
  const limits = limitPolicy(cfg);
  const storms = { index: new MemoryStormIndex(), policy: stormPolicy(cfg) };
  const pacer = new MemoryChannelPacer(pacePolicy(cfg));
  const processor = new TicketProcessor({ incidents, roster: defs.roster, notifier: opts.notifier, queue, clock, log: opts.log, limiter, limits, lateAfterMs: retryPolicy(cfg).lateAfterMs, outside, ...(defs.obligations ? { obligations: defs.obligations } : {}), storms, pacer });
  queue.process((job) => processor.run(job));
  const readDescription = opts.readDescription ?? descriptionReader(llmSettings(cfg), defs, opts.log);
  return assemble({ mode: "embedded", defs, clock, log: opts.log, conversations, incidents, queue, processor, limiter, limits, seen: new MemorySeenSet(() => clock.now().getTime()), idle: () => queue.idle(), workersAlive: async () => true }, readDescription);
}

/** The durable mode: state in Redis, tickets on BullMQ. Workers run separately (`triage worker`). */
export function createRedisApp(cfg: Config & { REDIS_URL: string }, opts: AppOptions & { role?: "web" | "worker" }): App {
  const clock = opts.clock ?? systemClock;
  const defs = opts.defs ?? loadDefinitions(cfg);
  // A worker waits out a Redis restart (its half-done job resumes); a web request fails fast instead.
  const redis = connect(cfg.REDIS_URL, opts.log, opts.role === "worker" ? "worker" : "store");
  // Keys spread over REDIS_SHARDS hash tags (src/store/keyspace.ts); the rate limiter, heartbeat and
  // digest stay on the global tag (the prefix itself) because each must be one atomic unit.
  const shards = cfg.REDIS_SHARDS;
  const conversations = new RedisConversationStore(redis, { prefix: cfg.QUEUE_PREFIX, ttlSeconds: cfg.CONVERSATION_TTL_SECONDS, shards });
  const incidents = observed(new RedisIncidentStore(redis, { prefix: cfg.QUEUE_PREFIX, shards, waitReplicas: cfg.REDIS_WAIT_REPLICAS }), opts.metrics);
  const queueConn = connect(cfg.REDIS_URL, opts.log, "queue");
  const queue = new BullJobQueue(queueConn, cfg.QUEUE_PREFIX, opts.log, retryPolicy(cfg), shards);
  // Only a worker calls PagerDuty, Opsgenie and Jira: a web process starts without their credentials.
  const outside = opts.role === "worker" ? new OutsideDelivery({ incidents, roster: defs.roster, settings: outsideSettings(cfg, defs.roster), queue, clock, log: opts.log }) : undefined;
  const limiter = new RedisRateLimiter(redis, cfg.QUEUE_PREFIX);
  const limits = limitPolicy(cfg);
  // Storms and post pacing are shared by every worker process, like the queues.
  const storms = { index: new RedisStormIndex(redis, cfg.QUEUE_PREFIX), policy: stormPolicy(cfg) };
  const pacer = new RedisChannelPacer(redis, cfg.QUEUE_PREFIX, pacePolicy(cfg));
  const processor = new TicketProcessor({ incidents, roster: defs.roster, notifier: opts.notifier, queue, clock, log: opts.log, limiter, limits, lateAfterMs: retryPolicy(cfg).lateAfterMs, ...(outside ? { outside } : {}), ...(defs.obligations ? { obligations: defs.obligations } : {}), storms, pacer });
  const readDescription = opts.readDescription ?? descriptionReader(llmSettings(cfg), defs, opts.log);
  // Conversation steps stay on the global tag: their order marks and the queue are one unit per deployment.
  const turns = new BullTurnQueue(redis, cfg.QUEUE_PREFIX, opts.log);
  const app = assemble({ mode: "redis", defs, clock, log: opts.log, conversations, incidents, queue, turns, processor, limiter, limits, seen: new RedisSeenSet(redis, cfg.QUEUE_PREFIX, shards), idle: async () => {}, workersAlive: () => workerAlive(redis, cfg.QUEUE_PREFIX) }, readDescription);
  return {
    ...app,
    redis,
    prefix: cfg.QUEUE_PREFIX,
    async close() {
      await app.close();
      await turns.close();
      // BullMQ leaves connections it was given open: they are ours to close.
      await Promise.all([redis, queueConn].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

export function assemble(parts: Omit<App, "bot" | "actions" | "summaries" | "reports" | "lookup" | "close">, readDescription?: ReadDescription): App {
  const { defs, clock, incidents, queue, limiter, limits, log } = parts;
  const crash = crashAfterActionStore();
  const actions = new TicketActions({ incidents, queue, roster: defs.roster, clock, ...(defs.obligations ? { obligations: defs.obligations } : {}), ...(crash ? { afterStore: crash } : {}) });
  const bot = new TriageBot({ ...defs, conversations: parts.conversations, incidents, tickets: actions, clock, limiter, limits, log, workersAlive: parts.workersAlive, ...(readDescription ? { readDescription } : {}) });
  const summaries = new Summaries({ incidents, roster: defs.roster, clock, ...(defs.obligations ? { obligations: defs.obligations } : {}) });
  const reports = new ReportDrafts({ incidents, roster: defs.roster, clock, ...(defs.obligations ? { obligations: defs.obligations } : {}) });
  const lookup = new Lookup({ incidents, roster: defs.roster, clock, flow: defs.flow });
  return {
    ...parts,
    bot,
    actions,
    summaries,
    reports,
    lookup,
    async close() {
      await queue.close();
      await incidents.close();
    },
  };
}
