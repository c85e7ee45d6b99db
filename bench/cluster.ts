// Figure 10: what a Redis Cluster buys on this machine. The same system, in the same run, on one
// redis-server and on a local cluster of 3 primaries with a replica each (test/support/redis-topologies.ts,
// REDIS_SHARDS=S, REDIS_WAIT_REPLICAS=1 as the README recommends with replicas): one worker process
// (src/worker.ts as the Procfile runs it) delivering to a fake Slack, incidents filed from this process
// the way the bot files them (test/support/durable.ts fileIncident), as bench/throughput.ts does.
//   route:      incidents filed at a steady RATE/s (below one worker's capacity on a busy 2-core machine, so
//               it measures latency, not a queue) for SECONDS; filing to ticket posted, per incident
//   throughput: N incidents filed by 20 producers; all tickets posted, incidents per second
// Then `redis-cli --cluster info`: the keys per primary (the spread of the shard tags).
//   npx tsx bench/cluster.ts [-- --rate 10 --seconds 10 --incidents 600 --shards 12]
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRedisApp, type App } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { silentLogger } from "../src/log.js";
import { NotifierRouter } from "../src/tickets/notifier.js";
import { fileIncident } from "../test/support/durable.js";
import { startRedis } from "../test/support/redis.js";
import { startRedisCluster } from "../test/support/redis-topologies.js";
import { FakeSlackProc } from "./lib/fake-slack.js";
import { scratch, spawnApp } from "./lib/procs.js";
import { log, ms, opt, runBench, x, type Row } from "./lib/report.js";
import { pool, TOKEN } from "./lib/slack.js";
import { rosterDoc, waitFor } from "./lib/stack.js";
import { nowNs, sleep, summarize } from "./lib/stats.js";

const RATE = opt("rate", 10);
const SECONDS = opt("seconds", 10);
const N = opt("incidents", 600);
const PRODUCERS = opt("producers", 20);
const SHARDS = opt("shards", 12);

interface Figures {
  route: ReturnType<typeof summarize>;
  perSec: number;
}

async function measure(name: string, env: Record<string, string>, fake: FakeSlackProc, dir: string): Promise<Figures> {
  const worker = spawnApp("worker", { env, logFile: join(dir, `worker-${name}.log`) });
  const app: App = createRedisApp({ ...loadConfig({ ...env, LOG_LEVEL: "silent" }, "worker"), REDIS_URL: env.REDIS_URL! }, { notifier: new NotifierRouter([]), log: silentLogger });
  try {
    await waitFor(async () => app.workersAlive(), 60_000, () => `the ${name} worker did not start:\n${worker.logTail()}`);
    const posted = new Map<string, bigint>();
    // The fake Slack outlives a topology: the other run's posts (same incident ids) are not ours.
    let since = (await fake.channelPosts()).length;
    const collect = async () => {
      const posts = await fake.channelPosts(since);
      since += posts.length;
      for (const p of posts) if (p.kind === "ticket" && p.incidentId && !posted.has(p.incidentId)) posted.set(p.incidentId, BigInt(p.atNs));
    };
    let seq = 0;
    const file = async () => {
      const i = seq++;
      return (await fileIncident(app, `bench:${name}:${i}`, i % 2 ? "security" : "safety")).id;
    };
    log(`${name}: warm-up (20 incidents, not measured)`);
    const warm = await Promise.all(Array.from({ length: 20 }, file));
    await waitFor(async () => (await collect(), warm.every((id) => posted.has(id))), 60_000, () => `${name}: warm-up tickets missing`);

    log(`${name}: route, ${RATE} incidents/s for ${SECONDS} s`);
    const started = new Map<string, bigint>();
    const t0 = performance.now();
    const filing: Array<Promise<void>> = [];
    for (let i = 0; i < RATE * SECONDS; i++) {
      const wait = t0 + (i * 1000) / RATE - performance.now();
      if (wait > 0) await sleep(wait);
      const at = nowNs();
      filing.push(file().then((id) => void started.set(id, at)));
    }
    await Promise.all(filing);
    await waitFor(async () => (await collect(), [...started.keys()].every((id) => posted.has(id))), 120_000, () => `${name}: route tickets missing`, 50);
    const route = summarize([...started].map(([id, at]) => Number(posted.get(id)! - at) / 1e6));

    log(`${name}: throughput, ${N} incidents, ${PRODUCERS} producers`);
    const ids: string[] = [];
    const t1 = performance.now();
    await pool(N, PRODUCERS, async () => void ids.push(await file()));
    await waitFor(async () => (await collect(), ids.every((id) => posted.has(id))), 300_000, () => `${name}: throughput tickets missing`, 50);
    const perSec = (N / (performance.now() - t1)) * 1000;
    log(`${name}: route p50 ${route.p50} ms, p99 ${route.p99} ms; ${perSec.toFixed(0)} incidents/s`);
    return { route, perSec };
  } finally {
    await app.close();
    await worker.stop();
  }
}

async function main(details: Record<string, unknown>): Promise<Row[]> {
  const s = scratch();
  const fake = await FakeSlackProc.start(TOKEN, s.dir);
  const rosterFile = join(s.dir, "oncall.json");
  writeFileSync(rosterFile, JSON.stringify(rosterDoc()));
  const common = {
    ONCALL_CONFIG: rosterFile,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_API_URL: fake.apiUrl,
    LOG_LEVEL: "warn",
    LIMIT_INCIDENTS_PER_REPORTER_PER_HOUR: "0",
    LIMIT_INCIDENTS_PER_WORKSPACE_PER_HOUR: "0",
    LIMIT_PAGES_PER_DOMAIN_PER_HOUR: "0",
  };
  try {
    const single = await startRedis({ appendfsync: "everysec" });
    let one: Figures;
    try {
      one = await measure("one-node", { ...common, REDIS_URL: single.url, QUEUE_PREFIX: "{bench1}" }, fake, s.dir);
    } finally {
      await single.stop();
    }
    const cluster = await startRedisCluster();
    let three: Figures;
    let info: string;
    try {
      three = await measure("cluster", { ...common, REDIS_URL: cluster.url, REDIS_SHARDS: String(SHARDS), REDIS_WAIT_REPLICAS: "1", QUEUE_PREFIX: "{bench3}" }, fake, s.dir);
      info = await cluster.info();
    } finally {
      await cluster.stop();
    }
    log(`redis-cli --cluster info after the run:\n${info}`);
    details.oneNode = one;
    details.cluster = { ...three, shards: SHARDS, clusterInfo: info };
    const keys = [...info.matchAll(/^(\S+) \(\w+\.\.\.\) -> (\d+) keys/gm)].map((m) => `${m[1]}: ${m[2]}`);
    return [
      { figure: `10 route p50, one node vs 3-primary cluster (${RATE}/s)`, ours: ms(three.route.p50), baseline: ms(one.route.p50), ratio: x(three.route.p50 / one.route.p50), target: "-", pass: null },
      { figure: `10 route p99, one node vs 3-primary cluster (${RATE}/s)`, ours: ms(three.route.p99), baseline: ms(one.route.p99), ratio: x(three.route.p99 / one.route.p99), target: "-", pass: null },
      { figure: "10 throughput, 1 worker, one node vs 3-primary cluster", ours: `${three.perSec.toFixed(0)} incidents/s`, baseline: `${one.perSec.toFixed(0)} incidents/s`, ratio: x(three.perSec / one.perSec), target: "-", pass: null },
      { figure: `10 keys per primary after the run (${SHARDS} shards)`, ours: keys.join(", ") || "see details", baseline: "-", ratio: "-", target: "every primary holds keys", pass: keys.length === 3 && keys.every((k) => !k.endsWith(": 0")) },
    ];
  } finally {
    await fake.stop();
    s.cleanup();
  }
}

void runBench("cluster", main);
