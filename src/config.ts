// Configuration: the environment, parsed once, with errors that name the variable.
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DEFAULT_LIMITS, HOUR_MS, type LimitPolicy } from "./domain/limits.js";
import { outsideSettings as outsideFrom, OutsideEnv, type OutsideSettings } from "./tickets/outside/settings.js";
import type { Roster } from "./domain/roster.js";
import { DEFAULT_STORM, type StormPolicy } from "./domain/storm.js";
import type { PacePolicy } from "./store/channel-pacer.js";
import type { LlmSettings } from "./pretriage/llm-reader.js";
import { RetryEnv } from "./tickets/retry.js";
import { clusterUrl, parseHostPorts, parseRedisTarget, sentinelUrl } from "./redis-target.js";

/** The checkout (or installed package) root, found from this file whether run from src/ or dist/. */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "flows", "triage.yaml")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

const file = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((p) => (isAbsolute(p) ? p : resolve(p === fallback ? ROOT : process.cwd(), p)));
const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const Env = z.object({
  /** one server (redis://, rediss://), or the cluster and sentinel URL forms of src/redis-target.ts. */
  REDIS_URL: z
    .string()
    .superRefine((v, ctx) => {
      try {
        parseRedisTarget(v);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
      }
    })
    .optional(),
  /** a Redis Cluster's seed nodes, `host:port,host:port` (any reachable nodes; the rest are discovered). */
  REDIS_CLUSTER_NODES: z.string().optional(),
  /** Redis Sentinel: the sentinels, `host:port,host:port`, and the name they give the primary. */
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "must be the primary's name as the sentinels know it").optional(),
  /** how many hash tags keys and queues are spread over (src/store/keyspace.ts); 1 keeps the single-tag layout. */
  REDIS_SHARDS: int(1, 1, 256),
  /** replicas that must have an incident write before it counts as done (WAIT); 0 = none (one server). */
  REDIS_WAIT_REPLICAS: int(0, 0, 10),
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[a-zA-Z0-9_-]{1,40}\}$/, "must be a Redis Cluster hash tag such as {triage}")
    .default("{triage}"),
  FLOW_FILE: file("flows/triage.yaml"),
  SIGNALS_FILE: file("flows/signals.yaml"),
  REFS_FILE: file("flows/refs.yaml"),
  /** reporting regimes (AI Act Art. 73, GDPR Art. 33, ...): `triage report`, and the clocks on tickets (web and worker). */
  OBLIGATIONS_FILE: file("flows/obligations.yaml"),
  /** the intent reader's trained parameters: `triage train` writes one */
  MODEL_FILE: file("flows/intent-model.json"),
  /** optional tracing: the OTLP/HTTP collector's base URL (spans go to {it}/v1/traces) */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
  ONCALL_CONFIG: file("config/oncall.example.yaml"),
  /** the organisation's AI systems: `triage export --system ID`, and the high-risk suggestion in the walk-through. */
  INVENTORY_FILE: file("config/inventory.example.yaml"),
  CONVERSATION_TTL_SECONDS: int(86_400, 60, 30 * 86_400),
  PORT: int(3000, 0, 65_535),
  /** the worker process serves GET /metrics on this port (9464 is Prometheus's custom); unset: none. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  WORKER_CONCURRENCY: int(10, 1, 500),
  /**
   * conversation steps a worker process runs at once (the "turns" queue); unset: WORKER_CONCURRENCY.
   * A step mostly waits on Redis and Slack, and one waiting step must not hold up the next person's.
   */
  TURN_CONCURRENCY: z.coerce.number().int().min(1).max(500).optional(),
  /** how long a job's lock lives; a worker that dies mid-job has its job taken over after about this. */
  WORKER_LOCK_MS: int(30_000, 1_000, 600_000),
  /** how often one job may be taken over from a dead worker before BullMQ fails it (BullMQ's own default is 1). */
  WORKER_MAX_STALLED: int(1000, 1, 1_000_000),
  /** the outbox sweep: how often it looks, and how old an undelivered incident must be to be put back. */
  SWEEP_EVERY_MS: int(15_000, 100, 3_600_000),
  SWEEP_GRACE_MS: int(30_000, 100, 24 * 3_600_000),
  /** delivery retries: DELIVERY_ATTEMPTS, DELIVERY_RETRY_BASE_MS, DELIVERY_RETRY_MAX_MS, DELIVERY_LATE_AFTER_MS. */
  ...RetryEnv.shape,
  /** `npm start` with Redis or a chat platform: run the ticket workers in the web process (inline) or not. */
  WORKER_MODE: z.enum(["inline", "separate"]).default("inline"),
  /** abuse limits per hour (0 = off); over a limit a report is filed and posted but nobody is paged. */
  LIMIT_INCIDENTS_PER_REPORTER_PER_HOUR: int(DEFAULT_LIMITS.incidentsPerReporter, 0, 100_000),
  LIMIT_INCIDENTS_PER_WORKSPACE_PER_HOUR: int(DEFAULT_LIMITS.incidentsPerWorkspace, 0, 1_000_000),
  LIMIT_PAGES_PER_DOMAIN_PER_HOUR: int(DEFAULT_LIMITS.pagesPerDomain, 0, 100_000),
  /** incident storms: more than STORM_THRESHOLD related reports within STORM_WINDOW_MS are grouped under one card (0 = off). */
  STORM_THRESHOLD: int(DEFAULT_STORM.threshold, 0, 100_000),
  STORM_WINDOW_MS: int(DEFAULT_STORM.windowMs, 1_000, 24 * 3_600_000),
  /** the storm parent's card and thread are brought up to date at most once per this period. */
  STORM_EDIT_EVERY_MS: int(DEFAULT_STORM.editEveryMs, 100, 600_000),
  /** Slack and Teams channels: at most one post per this interval per channel, across workers (0 = unpaced). */
  CHANNEL_POST_INTERVAL_MS: int(1_100, 0, 60_000),
  /** posts one channel may take back to back after a quiet spell. */
  CHANNEL_POST_BURST: int(1, 1, 100),
  /** run a web server with neither Slack nor Teams configured (health endpoints only); refused otherwise. */
  ALLOW_NO_PLATFORM: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  /** /readyz fails when a ticket has waited longer than this for a worker. */
  READY_MAX_QUEUED_MS: int(60_000, 1_000, 24 * 3_600_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Slack (adapters/slack): HTTP mode with the signing secret and bot token; Socket Mode with an app token.
  SLACK_SIGNING_SECRET: z.string().min(8).optional(),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, "must be a bot token starting with xoxb-").optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, "must be an app-level token starting with xapp-").optional(),
  SLACK_API_URL: z.url().optional(),
  // Microsoft Teams (adapters/teams), by Bot Framework's usual names.
  MicrosoftAppId: z.string().min(1).optional(),
  MicrosoftAppPassword: z.string().min(1).optional(),
  /** SingleTenant or UserAssignedMSI for a new registration (Azure makes no new multi-tenant bots since 2025-07-31); MultiTenant for older ones. */
  MicrosoftAppType: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
  MicrosoftAppTenantId: z.string().min(1).optional(),
  /** local development only (Bot Framework Emulator, tests): serve Teams without an app id, unauthenticated. */
  TEAMS_ALLOW_UNAUTHENTICATED: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  // Optional LLM reader of the description (src/pretriage): all three or none; off when none is set.
  /** an OpenAI-compatible API root; the bot posts to {LLM_BASE_URL}/chat/completions. */
  LLM_BASE_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  LLM_MODEL: z.string().min(1).max(200).optional(),
  LLM_API_KEY: z.string().min(1).max(4096).optional(),
  /** past this the description is read by the offline model alone. */
  LLM_TIMEOUT_MS: int(4_000, 200, 60_000),
  // Paging and ticketing beyond chat (src/tickets/outside): PAGERDUTY_*, OPSGENIE_*, JIRA_*.
  ...OutsideEnv.shape,
});
export type Config = z.infer<typeof Env>;

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
}

/**
 * Which process reads the configuration: each needs only its own settings. The worker posts with the
 * bot token but never verifies Slack requests, so it starts without SLACK_SIGNING_SECRET.
 */
export type ProcessRole = "web" | "worker" | "cli";

export function loadConfig(env: NodeJS.ProcessEnv = process.env, role: ProcessRole = "cli"): Config {
  // An empty variable means "not set": shells and .env files often leave them so.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = Env.safeParse(cleaned);
  if (r.success) {
    const c = { ...r.data, REDIS_URL: redisUrl(r.data) };
    if (role !== "worker" && c.SLACK_BOT_TOKEN && !c.SLACK_SIGNING_SECRET && !c.SLACK_APP_TOKEN) {
      throw new ConfigError("invalid configuration:\n  - SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)");
    }
    if ((c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN) && !c.SLACK_BOT_TOKEN) {
      throw new ConfigError("invalid configuration:\n  - SLACK_BOT_TOKEN: required when Slack is configured");
    }
    const teams = teamsAuthProblem(c);
    if (teams) throw new ConfigError(`invalid configuration:\n  - ${teams}`);
    const llm = { LLM_BASE_URL: c.LLM_BASE_URL, LLM_MODEL: c.LLM_MODEL, LLM_API_KEY: c.LLM_API_KEY };
    const llmMissing = Object.entries(llm).filter(([, v]) => v === undefined).map(([k]) => k);
    // Half a configuration would silently leave the reader off (or half on): refuse it instead.
    if (llmMissing.length && llmMissing.length < 3) {
      const set = Object.keys(llm).filter((k) => !llmMissing.includes(k));
      throw new ConfigError(`invalid configuration:\n  - ${llmMissing[0]}: required with ${set.join(" and ")} (set all three of LLM_BASE_URL, LLM_MODEL, LLM_API_KEY, or none)`);
    }
    return c;
  }
  const lines = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n  - ${lines.join("\n  - ")}`);
}

/**
 * The Bot Framework registration's settings, checked as botbuilder's ConfigurationBotFrameworkAuthentication
 * would (it asserts at start-up; this names the variable instead). Azure creates no new multi-tenant bots
 * since 2025-07-31: a new registration is SingleTenant (app id, secret, tenant) or UserAssignedMSI (the
 * managed identity's client id and tenant, no secret). MultiTenant stays for registrations made before.
 */
function teamsAuthProblem(c: Config): string | undefined {
  if (!c.MicrosoftAppId) return undefined;
  switch (c.MicrosoftAppType) {
    case "UserAssignedMSI":
      if (!c.MicrosoftAppTenantId) return "MicrosoftAppTenantId: required with MicrosoftAppType=UserAssignedMSI (the managed identity's tenant)";
      if (c.MicrosoftAppPassword) return "MicrosoftAppPassword: must not be set with MicrosoftAppType=UserAssignedMSI (a managed identity has no secret)";
      return undefined;
    case "SingleTenant":
      if (!c.MicrosoftAppTenantId) return "MicrosoftAppTenantId: required with MicrosoftAppType=SingleTenant (the tenant the bot is registered in)";
      return c.MicrosoftAppPassword ? undefined : "MicrosoftAppPassword: required with MicrosoftAppId (the client secret)";
    case "MultiTenant":
      return c.MicrosoftAppPassword ? undefined : "MicrosoftAppPassword: required with MicrosoftAppId";
  }
}

/**
 * REDIS_URL, or the cluster / sentinel URL built from REDIS_CLUSTER_NODES or REDIS_SENTINELS, so the
 * rest of the program (and every child process it starts) knows one variable. Two of them is refused.
 */
function redisUrl(c: z.infer<typeof Env>): string | undefined {
  const set = (["REDIS_URL", "REDIS_CLUSTER_NODES", "REDIS_SENTINELS"] as const).filter((k) => c[k] !== undefined);
  if (set.length > 1) throw new ConfigError(`invalid configuration:\n  - ${set[1]}: set only one of ${set.join(", ")}`);
  if (c.REDIS_SENTINEL_NAME && !c.REDIS_SENTINELS) throw new ConfigError("invalid configuration:\n  - REDIS_SENTINELS: required with REDIS_SENTINEL_NAME");
  try {
    if (c.REDIS_CLUSTER_NODES) return clusterUrl(parseHostPorts(c.REDIS_CLUSTER_NODES, "REDIS_CLUSTER_NODES"));
    if (c.REDIS_SENTINELS) {
      if (!c.REDIS_SENTINEL_NAME) throw new ConfigError("invalid configuration:\n  - REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the primary's name, e.g. mymaster)");
      return sentinelUrl(parseHostPorts(c.REDIS_SENTINELS, "REDIS_SENTINELS"), c.REDIS_SENTINEL_NAME);
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`invalid configuration:\n  - ${(e as Error).message}`);
  }
  return c.REDIS_URL;
}

export const slackConfigured = (c: Config) => Boolean(c.SLACK_BOT_TOKEN);
/** Teams is served with an app id (authenticated), or without one only when explicitly allowed for local development. */
export const teamsConfigured = (c: Config) => Boolean(c.MicrosoftAppId) || c.TEAMS_ALLOW_UNAUTHENTICATED;

export const stormPolicy = (c: Config): StormPolicy => ({ threshold: c.STORM_THRESHOLD, windowMs: c.STORM_WINDOW_MS, editEveryMs: c.STORM_EDIT_EVERY_MS });
export const pacePolicy = (c: Config): PacePolicy => ({ intervalMs: c.CHANNEL_POST_INTERVAL_MS, burst: c.CHANNEL_POST_BURST });

export const limitPolicy = (c: Config): LimitPolicy => ({
  incidentsPerReporter: c.LIMIT_INCIDENTS_PER_REPORTER_PER_HOUR,
  incidentsPerWorkspace: c.LIMIT_INCIDENTS_PER_WORKSPACE_PER_HOUR,
  pagesPerDomain: c.LIMIT_PAGES_PER_DOMAIN_PER_HOUR,
  windowMs: HOUR_MS,
});

/** The LLM reader's settings, or undefined when it is off (no LLM_* variable set). */
export function llmSettings(c: Config): LlmSettings | undefined {
  if (!c.LLM_BASE_URL || !c.LLM_MODEL || !c.LLM_API_KEY) return undefined;
  return { baseUrl: c.LLM_BASE_URL, model: c.LLM_MODEL, apiKey: c.LLM_API_KEY, timeoutMs: c.LLM_TIMEOUT_MS };
}

/**
 * The outside services' settings for what the roster turns on (PagerDuty, Opsgenie, Jira per domain),
 * with their credentials; refuses (naming the variable) when the roster turns one on without them.
 */
export function outsideSettings(c: Config, roster: Roster): OutsideSettings {
  const r = outsideFrom(c, roster);
  if (!r.ok) throw new ConfigError(`invalid configuration:\n  - ${r.problems.join("\n  - ")}`);
  return r.settings;
}
