// Worker processes delivering to the fake Slack over HTTP, as the Procfile runs them: a roster whose
// destinations are Slack channels, the environment a worker needs, and what the tests read back.
import { createRedisApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import type { BullJobQueue } from "../../src/tickets/bullmq-queue.js";
import { defs } from "./defs.js";
import { spawnWorker, type WorkerProc } from "./app-procs.js";
import { rosterFrom, webhookRosterDoc, writeRoster } from "./durable.js";
import type { FakeSlack } from "./fake-slack.js";
import { uniquePrefix } from "./redis.js";

export const SLACK_TOKEN = "xoxb-delivery-test";
export const CHANNEL = { safety: "C0SAFETY", security: "C0SECURITY" } as const;
export const SLACK_ID = { ada: "U0ADA", alan: "U0ALAN", radia: "U0RADIA", maya: "U0MAYA" } as const;

export function slackRosterDoc() {
  const doc = webhookRosterDoc("http://127.0.0.1:9");
  for (const p of doc.people) Object.assign(p, { slack: SLACK_ID[p.id as keyof typeof SLACK_ID] });
  for (const d of ["safety", "security"] as const) doc.domains[d].destinations = { slack: { channel: CHANNEL[d] } } as never;
  return doc;
}

export interface SlackCluster {
  app: App;
  env: Record<string, string>;
  workers: WorkerProc[];
  spawn(extra?: Record<string, string>): WorkerProc;
  stop(): Promise<void>;
}

/**
 * One "web" app (files incidents, acts on tickets) and `n` worker processes on a fresh prefix; `extra`
 * environment goes to both, as in a deployment (a job's attempts are set by whoever enqueues it).
 * `doc`: the roster both use (slackRosterDoc() unless a test adds to it).
 */
export function slackCluster(redisUrl: string, slack: FakeSlack, n: number, extra: Record<string, string> = {}, doc: ReturnType<typeof slackRosterDoc> = slackRosterDoc()): SlackCluster {
  const prefix = uniquePrefix();
  const cfg = loadConfig({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, ...extra });
  const app = createRedisApp({ ...cfg, REDIS_URL: redisUrl }, { notifier: new NotifierRouter([]), log: silentLogger, defs: { ...defs(), roster: rosterFrom(doc) } });
  const env = {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    ONCALL_CONFIG: writeRoster(doc),
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: "delivery-test-secret",
    SLACK_API_URL: slack.apiUrl,
    ...extra,
  };
  const workers: WorkerProc[] = [];
  const spawn = (more: Record<string, string> = {}) => {
    const w = spawnWorker({ ...env, ...more });
    workers.push(w);
    return w;
  };
  for (let i = 0; i < n; i++) spawn();
  return {
    app,
    env,
    workers,
    spawn,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await app.close();
    },
  };
}

/** The BullMQ job with this id, in either domain queue (undefined when none). */
export async function jobState(app: App, id: string): Promise<string | undefined> {
  const q = app.queue as BullJobQueue;
  for (const queue of Object.values(q.queues)) {
    const job = await queue.getJob(id);
    if (job) return job.getState();
  }
  return undefined;
}
