// The system under test, as production runs it (Procfile): redis-server of our own (startRedis: free
// port, temp dir, never 6379), `src/web.ts` and `src/worker.ts` as child processes configured through
// the environment, and a fake Slack Web API (a child too) that tickets and DMs are posted to. Baselines
// (a bare Bolt app, raw BullMQ workers) are started beside it on the same machine.
import { useTsx } from "./entry.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createRedisApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { startRedis, type RedisServer } from "../../test/support/redis.js";
import { FakeSlackProc } from "./fake-slack.js";
import { cpuMs, freePort, readyMessage, rssKb, scratch, spawnApp, spawnTs, waitHttp, type Child } from "./procs.js";
import { SECRET, TOKEN } from "./slack.js";

export const PREFIX = "{bench}";
export const RAW_PREFIX = "{rawbench}";
export const CHANNELS = { safety: "C0SAFETY", security: "C0SECURITY" } as const;

/** The roster: Slack channels per domain, people with Slack ids, timers far beyond any bench's length. */
export function rosterDoc() {
  const minutes = { SEV1: 600, SEV2: 600, SEV3: 600, SEV4: 600 };
  const domain = (d: "safety" | "security") => ({
    destinations: { slack: { channel: CHANNELS[d] } },
    rotation: { every: "weekly", startDate: "2026-01-05", handoff: "09:00", timeZone: "UTC" },
    levels: d === "safety" ? [["ada", "grace"], ["radia"]] : [["alan", "hedy"], ["radia"]],
    escalationMinutes: minutes,
  });
  const person = (id: string) => ({ id, name: id[0]!.toUpperCase() + id.slice(1), slack: `U0${id.toUpperCase()}` });
  return {
    people: ["ada", "grace", "alan", "hedy", "radia", "maya"].map(person),
    managers: ["maya"],
    incidentManagers: ["radia"],
    domains: { safety: domain("safety"), security: domain("security") },
  };
}

export interface StackOptions {
  web?: boolean;
  worker?: boolean;
  workerConcurrency?: number;
  /** preload the memory probe into the web process (figure 5). */
  memProbe?: boolean;
  /** preload the HTTP timing probe into the web process (diagnostics). */
  httpProbe?: boolean;
  /** extra modules preloaded into the web process (what-if diagnostics in bench/lib). */
  webPreload?: string[];
  /** a bare Bolt app beside ours (figures 1 and 4). */
  bare?: boolean;
  /** raw BullMQ workers beside ours (figures 2 and 3). */
  rawWorker?: { concurrency: number };
  /** write V8 CPU profiles of web and worker to this directory (written when they exit). */
  cpuProfileDir?: string;
  logLevel?: string;
  appendfsync?: "always" | "everysec";
  /** the fake Slack enforces Slack's posting limit per channel (bench/storm.ts). */
  slackPostLimit?: { perSecond: number; burst: number };
  /** more environment for web and worker (overrides the bench defaults below). */
  env?: Record<string, string>;
}

export interface Stack {
  dir: string;
  redis: RedisServer;
  redisPid: number;
  /** a client for the bench's own reads (counts, queues); not used by the system under test. */
  client: Redis;
  fake: FakeSlackProc;
  web?: Child;
  webPort?: number;
  worker?: Child;
  bare?: Child;
  barePort?: number;
  raw?: Child;
  env: Record<string, string>;
  /** CPU ms used so far by each process of the stack. */
  cpu(): Record<string, number>;
  rss(): Record<string, number>;
  /** an app on the same Redis, for setting up conversations without HTTP (never measured). */
  prepApp(): App;
  /** the last lines each child logged, for a failure report. */
  logTails(bytes?: number): string;
  stop(): Promise<void>;
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const s = scratch();
  const started: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop().catch(() => {});
    // BENCH_KEEP_LOGS=1 keeps the web, worker and fake-Slack logs to look into a failed request afterwards.
    if (process.env.BENCH_KEEP_LOGS === "1") process.stderr.write(`  logs kept in ${s.dir}\n`);
    else s.cleanup();
  };
  try {
    // appendfsync everysec by default: "always" would make every benchmark a disk benchmark on a shared
    // machine; the README recommends both, and the choice is printed with the results.
    const redis = await startRedis({ appendfsync: o.appendfsync ?? "everysec" });
    started.push(() => redis.stop());
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    started.push(async () => void (await client.quit().catch(() => client.disconnect())));
    const redisPid = Number(/process_id:(\d+)/.exec(await client.info("server"))?.[1] ?? 0);

    const fake = await FakeSlackProc.start(TOKEN, s.dir, o.slackPostLimit);
    started.push(() => fake.stop());

    const rosterFile = join(s.dir, "oncall.json"); // YAML is a superset of JSON
    writeFileSync(rosterFile, JSON.stringify(rosterDoc()));
    const env: Record<string, string> = {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: PREFIX,
      ONCALL_CONFIG: rosterFile,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: o.logLevel ?? "info",
      WORKER_MODE: "separate",
      WORKER_CONCURRENCY: String(o.workerConcurrency ?? 10),
      // Abuse limits off: every bench incident comes from one workspace, and over the default limits
      // (100 reports per workspace per hour) reports are filed without a page or an escalation timer,
      // which would measure a shorter path than a normal incident's.
      LIMIT_INCIDENTS_PER_REPORTER_PER_HOUR: "0",
      LIMIT_INCIDENTS_PER_WORKSPACE_PER_HOUR: "0",
      LIMIT_PAGES_PER_DOMAIN_PER_HOUR: "0",
      // Storm grouping and per-channel pacing off: the other figures measure how fast each incident's own
      // ticket gets out (their fake Slack takes any rate); bench/storm.ts turns both back on.
      STORM_THRESHOLD: "0",
      CHANNEL_POST_INTERVAL_MS: "0",
      ...o.env,
    };
    // One directory per process: node writes one profile per thread (tsx's loader runs in a worker thread).
    const prof = (name: string) => (o.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${join(o.cpuProfileDir, name)}`] : []);

    let web: Child | undefined;
    let webPort: number | undefined;
    if (o.web !== false) {
      webPort = await freePort();
      // The probes are TypeScript: a web process built to dist/ needs tsx's loader to import them (the
      // loader's own memory is the same at 1k and 10k conversations, so the growth figure stands).
      const probes = o.memProbe || o.httpProbe || (o.webPreload ?? []).length > 0;
      const nodeArgs = [...(probes && !useTsx() ? ["--import", "tsx"] : []), ...(o.memProbe ? ["--expose-gc", "--import", "./bench/lib/mem-probe.ts"] : []), ...(o.httpProbe ? ["--import", "./bench/lib/http-probe.ts"] : []), ...(o.webPreload ?? []).flatMap((m) => ["--import", m]), ...prof("web")];
      web = spawnApp("web", { env: { ...env, PORT: String(webPort) }, nodeArgs, logFile: join(s.dir, "web.log") });
      started.push(() => web!.stop());
      await waitHttp(`http://127.0.0.1:${webPort}/healthz`, web);
    }
    let worker: Child | undefined;
    if (o.worker) {
      worker = spawnApp("worker", { env, nodeArgs: prof("worker"), logFile: join(s.dir, "worker.log") });
      started.push(() => worker!.stop());
      await waitFor(async () => String(await client.client("LIST")).split("\n").filter((l: string) => l.includes("name=ai-incident-triage:worker")).length > 0, 30_000, () => `worker did not connect:\n${worker!.logTail()}`);
    }
    let bare: Child | undefined;
    let barePort: number | undefined;
    if (o.bare) {
      bare = spawnTs("bare-bolt", "bench/lib/bare-bolt.ts", { env, logFile: join(s.dir, "bare.log") });
      started.push(() => bare!.stop());
      barePort = (await readyMessage<{ port: number }>(bare)).port;
    }
    let raw: Child | undefined;
    if (o.rawWorker) {
      raw = spawnTs("raw-worker", "bench/lib/raw-worker.ts", { env: { ...env, RAW_PREFIX, RAW_CONCURRENCY: String(o.rawWorker.concurrency) }, logFile: join(s.dir, "raw.log") });
      started.push(() => raw!.stop());
      await readyMessage(raw);
    }

    let prep: App | undefined;
    started.push(async () => void (await prep?.close()));
    const procs = () => ({ redis: redisPid, "fake-slack": fake.child.pid, ...(web ? { web: web.pid } : {}), ...(worker ? { worker: worker.pid } : {}), ...(bare ? { "bare-bolt": bare.pid } : {}), ...(raw ? { "raw-worker": raw.pid } : {}), bench: process.pid });
    return {
      dir: s.dir,
      redis,
      redisPid,
      client,
      fake,
      env,
      ...(web ? { web, webPort } : {}),
      ...(worker ? { worker } : {}),
      ...(bare ? { bare, barePort } : {}),
      ...(raw ? { raw } : {}),
      cpu: () => Object.fromEntries(Object.entries(procs()).map(([k, pid]) => [k, cpuMs(pid)])),
      rss: () => Object.fromEntries(Object.entries(procs()).map(([k, pid]) => [k, rssKb(pid)])),
      prepApp() {
        prep ??= createRedisApp({ ...loadConfig({ ...env, LOG_LEVEL: "silent" }), REDIS_URL: redis.url }, { notifier: new NotifierRouter([]), log: silentLogger });
        return prep;
      },
      logTails: (bytes = 3000) =>
        [fake.child, web, worker, bare, raw]
          .filter((c): c is Child => !!c)
          .map((c) => `--- ${c.name} (${c.alive() ? "running" : `exited ${c.proc.exitCode ?? c.proc.signalCode}`}):\n${c.logTail(bytes)}`)
          .join("\n"),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/**
 * Starts the stack, runs `fn`, and always stops it; on failure the processes' log tails go to stderr.
 * `--profile` writes CPU profiles of the processes to BENCH_PROFILE_DIR (default /tmp).
 */
export async function withStack<T>(o: StackOptions, fn: (st: Stack) => Promise<T>): Promise<T> {
  const profile = process.argv.includes("--profile") ? { cpuProfileDir: process.env.BENCH_PROFILE_DIR ?? "/tmp" } : {};
  const st = await startStack({ ...o, ...profile });
  try {
    return await fn(st);
  } catch (e) {
    process.stderr.write(`${st.logTails()}\n`);
    throw e;
  } finally {
    await st.stop();
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: () => string, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
}

/** Subtracts two cpu() readings: CPU ms each process spent in between. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.round(after[k]! - (before[k] ?? 0))]));
}
