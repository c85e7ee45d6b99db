// The bot on a Redis Cluster (3 primaries, one replica each) and on a Sentinel set-up, both started by
// this file from plain redis-server processes (test/support/redis-topologies.ts), one after the other.
// On the cluster: `triage chat` files and delivers; a worker process and a filing app on 3 shards put
// keys on every primary; a primary killed with -9 in the middle of a burst is replaced by its replica,
// /readyz says "degraded" meanwhile, and no incident or ticket is lost or sent twice. On Sentinel:
// `triage chat` files before and after the primary is killed and a replica promoted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { createRedisApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { readiness, type Readiness } from "../../src/readiness.js";
import { Keyspace } from "../../src/store/keyspace.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { spawnWorker, type WorkerProc } from "../support/app-procs.js";
import { runCli } from "../support/cli.js";
import { defs } from "../support/defs.js";
import { fileIncident, rosterFrom, webhookRosterDoc, writeRoster } from "../support/durable.js";
import { waitForQueuesIdle } from "../support/queues.js";
import { uniquePrefix } from "../support/redis.js";
import { clusterSupport, startRedisCluster, startRedisSentinel, type LocalCluster, type LocalSentinel } from "../support/redis-topologies.js";
import { startWebhook, waitFor, type FakeWebhook } from "../support/webhook.js";

const noCluster = clusterSupport();
// The console walk-through of test/e2e/console.test.ts: a safety incident, filed and "posted".
const chatAnswers = ["the support bot invented a refund policy and customers are quoting it", "1", "3", "y", "0", "2", "0", "1", "3", "quit"].join("\n");
/** How long a responder's client pauses before it retries a request that failed (a failover under way). */
const RETRY_PAUSE = () => new Promise((r) => setTimeout(r, 100));
const BURST = 90;
const KILL_AT = 30;

describe.skipIf(!!noCluster)("on a Redis Cluster: 3 primaries, a replica each", () => {
  let cluster: LocalCluster;
  let hook: FakeWebhook;
  let rosterFile: string;
  const workers: WorkerProc[] = [];
  const apps: App[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster({ nodeTimeoutMs: 1000 });
    hook = await startWebhook();
    rosterFile = writeRoster(webhookRosterDoc(hook.url));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(apps.map((a) => a.close()));
    await hook?.close();
    await cluster?.stop();
  });

  it("triage chat files and delivers, given only REDIS_CLUSTER_NODES (any node, owner of the slot or not)", async () => {
    // A replica and a primary as seeds: the client finds the rest and follows MOVED itself.
    const nodes = [cluster.ports[5], cluster.ports[0]].map((p) => `127.0.0.1:${p}`).join(",");
    const r = await runCli(["chat"], chatAnswers, { REDIS_CLUSTER_NODES: nodes, REDIS_SHARDS: "3", QUEUE_PREFIX: uniquePrefix() });
    expect(r.err).not.toMatch(/MOVED|CROSSSLOT/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Durable mode: Redis at cluster 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+, ticket workers in this process/);
    expect(r.out).toMatch(/Filed INC-\d{4}-\d{4}: SEV2 safety/);
    expect(r.out).toContain("[#ai-safety-oncall] INC-");
  });

  it("a primary killed with -9 mid-burst: its replica takes over, /readyz says degraded meanwhile, nothing lost or sent twice", { timeout: 300_000 }, async () => {
    // A cluster places a tag by its hash slot: three tags fall on three primaries only 2 times in 9.
    // Take a deployment prefix whose 3 shard tags do (what `redis-cli --cluster info` shows an
    // operator, who would raise REDIS_SHARDS instead: README, "Redis Cluster and Sentinel").
    let prefix = uniquePrefix();
    const ownersOf = (p: string) => Promise.all(new Keyspace(p, 3).all().map((tag) => cluster.primaryOf(`${tag}:x`)));
    while (new Set(await ownersOf(prefix)).size < 3) prefix = uniquePrefix();
    const env = {
      REDIS_URL: cluster.url,
      REDIS_SHARDS: "3",
      REDIS_WAIT_REPLICAS: "1",
      QUEUE_PREFIX: prefix,
      ONCALL_CONFIG: rosterFile,
      // Ninety alike reports in seconds would be a storm (one card): this test counts tickets.
      STORM_THRESHOLD: "0",
      // A job lost with its primary (enqueued, not yet replicated) is put back by the outbox sweep.
      SWEEP_EVERY_MS: "1000",
      SWEEP_GRACE_MS: "5000",
      // The production order of magnitude (30 s): a lock outlives a failover of a few seconds.
      WORKER_LOCK_MS: "10000",
    };
    workers.push(spawnWorker(env));
    await workers[0]!.ready();
    const cfg = loadConfig(env, "web");
    const app = createRedisApp({ ...cfg, REDIS_URL: cluster.url }, { notifier: new NotifierRouter([]), log: silentLogger, defs: { ...defs(), roster: rosterFrom(webhookRosterDoc(hook.url)) } });
    apps.push(app);

    // Readiness, polled all along like a load balancer would: the degraded period must show.
    const polls: Readiness[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        polls.push(await readiness(app, 60_000));
        await new Promise((r) => setTimeout(r, 100)); // a probe's period, not a wait for an event
      }
    })();

    // The victim: the primary serving shard 1's keys, so incidents of that shard are mid-flight.
    const victim = await cluster.primaryOf(`${new Keyspace(prefix, 3).shard(1)}:idx:created`);
    const ids = new Set<string>();
    let failedAttempts = 0;
    for (let i = 0; i < BURST; i++) {
      if (i === KILL_AT) await cluster.kill9(victim);
      // A responder's client retries until the bot answers; filing is idempotent on the conversation.
      for (;;) {
        try {
          ids.add((await fileIncident(app, `failover-${i}`, i % 3 ? "security" : "safety")).id);
          break;
        } catch {
          failedAttempts++;
          await RETRY_PAUSE();
        }
      }
    }
    expect(ids.size).toBe(BURST);
    await waitFor(() => cluster.healthy(), "the cluster healthy again after the failover", 60_000);
    expect(await cluster.primaries()).not.toContain(victim);

    const tickets = () => hook.received.filter((r) => r.body.kind === "ticket");
    // Jobs whose lock or connection broke in the failover come back through retries and the sweep.
    await waitFor(() => new Set(tickets().map((r) => r.body.incidentId)).size >= BURST, `${BURST} tickets`, 180_000);
    await waitForQueuesIdle(app);
    await waitFor(async () => (await readiness(app, 60_000)).ready, "/readyz ready again", 60_000);
    polling = false;
    await poller;

    // Every ticket once on the wire, one per incident; every incident stored once and delivered once.
    const keys = tickets().map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(tickets().map((r) => r.body.incidentId))).toEqual(ids);
    const stored = await app.incidents.list({ from: new Date(0), to: new Date(Date.now() + 86_400_000) });
    expect(stored.map((i) => i.id).sort()).toEqual([...ids].sort());
    for (const inc of stored) expect(inc.timeline.filter((e) => e.type === "delivered" && e.to.includes(":ticket:"))).toHaveLength(1);

    // The degraded period was reported, naming the cluster, and readiness came back.
    const degraded = polls.filter((p) => !p.checks.redis?.ok);
    expect(degraded.length).toBeGreaterThan(0);
    expect(degraded[0]!.checks.redis!.detail).toMatch(/cluster degraded|unreachable/);
    expect(polls.at(-1)!.checks.redis!.ok).toBe(true);

    // The load spread: the deployment's keys sit on every primary (the promoted replica included).
    const perPrimary = await cluster.keysPerPrimary(`${prefix.slice(0, -1)}*`);
    expect(perPrimary.size).toBe(3);
    for (const [port, n] of perPrimary) expect(n, `keys on the primary at ${port}`).toBeGreaterThan(0);
    console.info(`failover burst of ${BURST}: ${failedAttempts} filing attempts failed and were retried; keys per primary ${JSON.stringify([...perPrimary])}`);
  });
});

describe.skipIf(!!noCluster)("on Redis Sentinel: a primary, a replica, three sentinels", () => {
  let sentinel: LocalSentinel;
  beforeAll(async () => {
    sentinel = await startRedisSentinel({ downAfterMs: 1000 });
  });
  afterAll(async () => {
    await sentinel?.stop();
  });

  it("triage chat files through the sentinels, and again after the primary is killed and its replica promoted", async () => {
    const prefix = uniquePrefix();
    const env = { REDIS_SENTINELS: sentinel.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(","), REDIS_SENTINEL_NAME: "triage", REDIS_WAIT_REPLICAS: "1", QUEUE_PREFIX: prefix };
    const first = await runCli(["chat"], chatAnswers, env);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^Durable mode: Redis at sentinel 127\.0\.0\.1:\d+,.* primary triage/);
    expect(first.out).toMatch(/Filed INC-\d{4}-0001: SEV2 safety/);

    await sentinel.kill9(sentinel.primaryPort);
    await waitFor(async () => (await sentinel.currentPrimary()) === sentinel.replicaPort, "the sentinels to promote the replica", 60_000);

    // Same configuration, new primary: the first incident is read back (the reporter's last report, and
    // the look-alike the same story is offered to join); "2" files a new one, numbered on from it.
    const second = await runCli(["chat"], chatAnswers.replace(/\nquit$/, "\n2\nquit"), env);
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/Your last report is filed as INC-\d{4}-0001/);
    expect(second.out).toMatch(/This looks like INC-\d{4}-0001/);
    expect(second.out).toMatch(/Filed INC-\d{4}-0002: SEV2 safety/);
    expect(second.out).toContain("[#ai-safety-oncall] INC-");
  });
});
