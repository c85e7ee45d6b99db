// A Redis Cluster and a Sentinel set-up of the test's own, from plain redis-server processes on free
// ports in a temp dir (test/support/procs.ts kills them when the file ends, passed or failed):
//   startRedisCluster(): 3 primaries, one replica each (redis-cli --cluster create), a low
//     cluster-node-timeout so a killed primary's replica takes over in a few seconds;
//   startRedisSentinel(): a primary, one replica, three sentinels (quorum 2) watching it as "triage".
// Each hands out the URL form the bot reads (redis+cluster://..., redis+sentinel://.../triage), the
// ports, and kill9() of a primary for failover tests. clusterSupport() says why not, when not.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster, Redis } from "ioredis";
import { spawnProc, type Proc } from "./procs.js";
import { freePort } from "./redis.js";

const READY_TIMEOUT_MS = 60_000;

/** undefined when this machine can run a local cluster and sentinels (redis-server >= 5 with redis-cli), else why not. */
export function clusterSupport(): string | undefined {
  const v = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  const major = Number(/v=(\d+)/.exec(v.stdout ?? "")?.[1]);
  if (!(major >= 5)) return `redis-server >= 5 is needed for a local cluster (found: ${v.stdout?.trim() || v.error?.message || "none"})`;
  const cli = spawnSync("redis-cli", ["--version"], { encoding: "utf8" });
  if (cli.status !== 0) return "redis-cli is not on PATH (it creates the cluster)";
  return undefined;
}

interface Node {
  port: number;
  proc: Proc;
  dir: string;
}

export interface LocalCluster {
  url: string;
  ports: number[];
  /** the ports of the nodes that are primaries now. */
  primaries(): Promise<number[]>;
  /** kill -9 of one node. */
  kill9(port: number): Promise<void>;
  /** the port of the primary serving `key`'s slot now. */
  primaryOf(key: string): Promise<number>;
  /** keys matching `pattern` per primary port, counted on each node. */
  keysPerPrimary(pattern: string): Promise<Map<number, number>>;
  /** true once every live node says cluster_state:ok. */
  healthy(): Promise<boolean>;
  /** a cluster client of the test's own (closed by stop()). */
  client(): Cluster;
  /** keys per primary, as `redis-cli --cluster info` prints them. */
  info(): Promise<string>;
  stop(): Promise<void>;
}

function spawnNode(name: string, port: number, dir: string, extra: string[]): Proc {
  mkdirSync(dir, { recursive: true });
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction", ...extra];
  return spawnProc(`${name} :${port}`, "redis-server", args, { scope: "file" });
}

async function startNode(name: string, dir: string, extra: (port: number) => string[], ready = /Ready to accept connections/): Promise<Node> {
  // Another process may take the free port between our probe and the bind: try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const nodeDir = join(dir, String(port));
    const proc = spawnNode(name, port, nodeDir, extra(port));
    try {
      await proc.waitForOutput(ready, `${name} on port ${port} to be ready`, READY_TIMEOUT_MS);
      return { port, proc, dir: nodeDir };
    } catch (e) {
      await proc.kill();
      if (attempt >= 3) throw e;
    }
  }
}

/** Runs redis-cli to its end through the one place tests start processes. */
async function redisCli(args: string[]): Promise<string> {
  const proc = spawnProc("redis-cli", "redis-cli", args, { scope: "file" });
  await proc.exited;
  if (proc.child.exitCode !== 0) throw new Error(`redis-cli ${args.join(" ")} failed:\n${proc.output().slice(-4000)}`);
  return proc.output();
}

/** One command to one node (no cluster redirects, no retries): its reply, or the error's message for a dead node. */
export async function nodeCommand(port: number, ...args: string[]): Promise<unknown> {
  const r = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  r.on("error", () => {});
  try {
    await r.connect();
    return await r.call(args[0]!, ...args.slice(1));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  } finally {
    r.disconnect();
  }
}
const text = async (port: number, ...args: string[]) => String(await nodeCommand(port, ...args));

async function waitUntil(what: string, check: () => Promise<boolean>, ms = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`no sign of ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when every live node says the cluster is ok (all slots served). */
async function clusterOk(ports: number[]): Promise<boolean> {
  const infos = await Promise.all(ports.map((p) => text(p, "CLUSTER", "INFO")));
  return infos.every((i) => i.includes("cluster_state:ok"));
}

export async function startRedisCluster(opts: { nodeTimeoutMs?: number } = {}): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), "triage-cluster-"));
  const timeout = String(opts.nodeTimeoutMs ?? 1000);
  const nodes: Node[] = [];
  const clients: Cluster[] = [];
  const stop = async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    await Promise.all(nodes.map((n) => n.proc.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 6; i++) {
      nodes.push(await startNode("redis-cluster-node", dir, () => ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", timeout]));
    }
    // Primaries are the first three given, each other node a replica of one of them.
    await redisCli(["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", "1", "--cluster-yes"]);
    const ports = nodes.map((n) => n.port);
    await waitUntil("the cluster's state ok on every node", () => clusterOk(ports));
    // Replicas must have synced before a failover test may count on them.
    await waitUntil("every replica in sync", async () => {
      const roles = await Promise.all(ports.map((p) => text(p, "INFO", "replication")));
      return roles.every((r) => !r.includes("role:slave") || r.includes("master_link_status:up"));
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const ports = nodes.map((n) => n.port);
  const cluster: LocalCluster = {
    url: `redis+cluster://${ports.slice(0, 3).map((p) => `127.0.0.1:${p}`).join(",")}`,
    ports,
    async primaries() {
      const alive = nodes.filter((n) => n.proc.alive()).map((n) => n.port);
      const roles = await Promise.all(alive.map(async (p) => [p, await nodeCommand(p, "ROLE")] as const));
      return roles.filter(([, r]) => Array.isArray(r) && r[0] === "master").map(([p]) => p);
    },
    async kill9(port) {
      await nodes.find((n) => n.port === port)?.proc.kill();
    },
    async primaryOf(key) {
      const alive = nodes.filter((n) => n.proc.alive()).map((n) => n.port);
      const slot = Number(await nodeCommand(alive[0]!, "CLUSTER", "KEYSLOT", key));
      // CLUSTER NODES: "<id> <ip:port@bus> <flags> <primary> <ping> <pong> <epoch> <link> <slot ranges>..."
      for (const line of (await text(alive[0]!, "CLUSTER", "NODES")).split("\n")) {
        const f = line.split(" ");
        if (!f[2]?.includes("master") || f[2].includes("fail")) continue;
        for (const range of f.slice(8)) {
          const [a, b] = range.split("-").map(Number);
          if (slot >= a! && slot <= (b ?? a)!) return Number(f[1]!.split("@")[0]!.split(":")[1]);
        }
      }
      throw new Error(`no primary serves slot ${slot} of ${key}`);
    },
    async keysPerPrimary(pattern) {
      const out = new Map<number, number>();
      for (const port of await cluster.primaries()) {
        const r = new Redis({ port, host: "127.0.0.1" });
        try {
          let n = 0;
          let cursor = "0";
          do {
            const [next, keys] = await r.scan(cursor, "MATCH", pattern, "COUNT", 1000);
            n += keys.length;
            cursor = next;
          } while (cursor !== "0");
          out.set(port, n);
        } finally {
          r.disconnect();
        }
      }
      return out;
    },
    healthy: () => clusterOk(nodes.filter((n) => n.proc.alive()).map((n) => n.port)),
    client() {
      const c = new Cluster(ports.slice(0, 3).map((port) => ({ host: "127.0.0.1", port })), { retryDelayOnFailover: 200, maxRedirections: 100 });
      c.on("error", () => {}); // a killed node's connection errors are the point of a failover test
      clients.push(c);
      return c;
    },
    async info() {
      const alive = nodes.find((n) => n.proc.alive())!;
      return redisCli(["--cluster", "info", `127.0.0.1:${alive.port}`]);
    },
    stop,
  };
  return cluster;
}

export interface LocalSentinel {
  url: string;
  primaryPort: number;
  replicaPort: number;
  sentinelPorts: number[];
  /** the port of the primary the sentinels name now. */
  currentPrimary(): Promise<number>;
  kill9(port: number): Promise<void>;
  stop(): Promise<void>;
}

export const SENTINEL_NAME = "triage";

export async function startRedisSentinel(opts: { downAfterMs?: number } = {}): Promise<LocalSentinel> {
  const dir = mkdtempSync(join(tmpdir(), "triage-sentinel-"));
  const nodes: Node[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.proc.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const primary = await startNode("redis-primary", dir, () => []);
    nodes.push(primary);
    const replica = await startNode("redis-replica", dir, () => ["--replicaof", "127.0.0.1", String(primary.port)]);
    nodes.push(replica);
    await waitUntil("the replica in sync", async () => (await text(replica.port, "INFO", "replication")).includes("master_link_status:up"));
    for (let i = 0; i < 3; i++) {
      // A sentinel rewrites its own config file: each gets one in its own directory.
      const sentinelDir = join(dir, `sentinel-${i}`);
      mkdirSync(sentinelDir, { recursive: true });
      const conf = join(sentinelDir, "sentinel.conf");
      for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        writeFileSync(
          conf,
          [
            `port ${port}`,
            "bind 127.0.0.1",
            `dir ${sentinelDir}`,
            `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${primary.port} 2`,
            `sentinel down-after-milliseconds ${SENTINEL_NAME} ${opts.downAfterMs ?? 1000}`,
            `sentinel failover-timeout ${SENTINEL_NAME} 10000`,
            `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
            "",
          ].join("\n"),
        );
        const proc = spawnProc(`redis-sentinel :${port}`, "redis-server", [conf, "--sentinel"], { scope: "file" });
        try {
          await proc.waitForOutput(/Sentinel ID is|Ready to accept connections/, `sentinel on port ${port}`, READY_TIMEOUT_MS);
          nodes.push({ port, proc, dir: sentinelDir });
          break;
        } catch (e) {
          await proc.kill();
          if (attempt >= 3) throw e;
        }
      }
    }
    const sentinels = nodes.slice(2);
    // Every sentinel must know the replica and the other sentinels before a failover can be agreed.
    await waitUntil("the sentinels to know each other and the replica", async () => {
      const views = await Promise.all(sentinels.map((s) => nodeCommand(s.port, "SENTINEL", "MASTER", SENTINEL_NAME)));
      const field = (v: unknown, name: string) => (Array.isArray(v) ? v[v.indexOf(name) + 1] : undefined);
      return views.every((v) => field(v, "num-other-sentinels") === "2" && field(v, "num-slaves") === "1");
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const [primary, replica, ...sentinels] = nodes;
  return {
    url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(",")}/${SENTINEL_NAME}`,
    primaryPort: primary!.port,
    replicaPort: replica!.port,
    sentinelPorts: sentinels.map((s) => s.port),
    async currentPrimary() {
      const addr = await nodeCommand(sentinels.find((s) => s.proc.alive())!.port, "SENTINEL", "get-master-addr-by-name", SENTINEL_NAME);
      return Array.isArray(addr) ? Number(addr[1]) : NaN;
    },
    async kill9(port) {
      await nodes.find((n) => n.port === port)?.proc.kill();
    },
    stop,
  };
}
