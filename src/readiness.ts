// Readiness, as opposed to liveness (/healthz): can this deployment take a report *and* get it to the
// on-call now? Redis must answer, a ticket worker must be alive (its heartbeat), and the oldest ticket
// waiting in the queues must be younger than a ceiling (workers that run but cannot keep up, or are
// stuck, look alive yet deliver nothing). Each check says why it failed, for the operator's probe.
import type { App } from "./app.js";
import { isCluster, type RedisClient } from "./redis.js";

export interface Check {
  ok: boolean;
  detail: string;
}
export interface Readiness {
  ready: boolean;
  /** the names of the checks that failed, in order */
  failed: string[];
  checks: Record<string, Check>;
}

const PROBE_TIMEOUT_MS = 1_000;

async function probe(run: () => Promise<Check>): Promise<Check> {
  try {
    return await Promise.race([run(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), PROBE_TIMEOUT_MS).unref())]);
  } catch (e) {
    return { ok: false, detail: `unreachable: ${(e as Error).message}` };
  }
}

/**
 * One server (or Sentinel's current primary): a PING. A cluster: every primary the client knows must
 * answer and say `cluster_state:ok`; while a dead primary's replica has not taken over yet, its slots
 * are served by nobody and a report may fail to file, so the deployment is not ready (degraded).
 */
async function redisCheck(redis: RedisClient): Promise<Check> {
  if (!isCluster(redis)) {
    await redis.ping();
    return { ok: true, detail: "ok" };
  }
  const primaries = redis.nodes("master");
  const problems = await Promise.all(
    primaries.map(async (node) => {
      const where = `${node.options.host}:${node.options.port}`;
      try {
        const info = String(await withTimeout(node.cluster("INFO"), PROBE_TIMEOUT_MS * 0.8));
        return /cluster_state:ok/.test(info) ? undefined : `${where} says cluster_state:${/cluster_state:(\w+)/.exec(info)?.[1] ?? "?"}`;
      } catch (e) {
        return `${where} not answering (${(e as Error).message})`;
      }
    }),
  );
  const bad = problems.filter((p): p is string => p !== undefined);
  if (!primaries.length) return { ok: false, detail: "cluster degraded: no primary known yet" };
  return bad.length ? { ok: false, detail: `cluster degraded: ${bad.join("; ")}` } : { ok: true, detail: `cluster ok (${primaries.length} primaries)` };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), ms).unref())]);
}

export async function readiness(app: App, maxQueuedMs: number): Promise<Readiness> {
  const checks: Record<string, Check> = {};
  checks.redis = app.redis ? await probe(() => redisCheck(app.redis!)) : { ok: true, detail: "embedded: in memory" };
  checks.worker = await probe(async () =>
    (await app.workersAlive())
      ? { ok: true, detail: app.mode === "embedded" ? "embedded: in process" : "heartbeat fresh" }
      : { ok: false, detail: "no ticket worker heartbeat: start a worker (`triage worker`) or run the web process with WORKER_MODE=inline" },
  );
  checks.queue = await probe(async () => {
    // Tickets and conversation steps alike: a step waiting means a person waiting for their next question.
    const heads = await Promise.all([app.queue.oldestWaiting?.(), app.turns?.oldestWaiting()]);
    const times = heads.filter((d): d is Date => d !== undefined).map((d) => d.getTime());
    const oldest = times.length ? new Date(Math.min(...times)) : undefined;
    if (!oldest) return { ok: true, detail: "no ticket waiting" };
    const age = app.clock.now().getTime() - oldest.getTime();
    return age <= maxQueuedMs
      ? { ok: true, detail: `oldest waiting ticket ${Math.round(age / 1000)}s` }
      : { ok: false, detail: `oldest waiting ticket ${Math.round(age / 1000)}s, over READY_MAX_QUEUED_MS (${Math.round(maxQueuedMs / 1000)}s)` };
  });
  const failed = Object.entries(checks).filter(([, c]) => !c.ok).map(([name]) => name);
  return { ready: failed.length === 0, failed, checks };
}
