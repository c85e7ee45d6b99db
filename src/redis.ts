// Redis connections, one factory for the stores and BullMQ alike: a single server, a Redis Cluster or a
// Sentinel-watched primary (src/redis-target.ts). Workers need `maxRetriesPerRequest: null` (BullMQ's
// blocking commands); the stores fail fast instead, so a web request answers with an error rather
// than hanging while Redis is away. On a cluster the same split holds for failovers: a worker waits
// out a primary's failover (about cluster-node-timeout plus an election), a store call gives up after
// a few seconds and the responder's retry files once (creation is idempotent).
import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { Logger } from "./log.js";
import { watchRedis } from "./redis-log.js";
import { parseRedisTarget } from "./redis-target.js";

/** What the stores, the heartbeat and BullMQ are given: a plain client or a cluster client. */
export type RedisClient = Redis | Cluster;
export type ConnectionRole = "store" | "queue" | "worker";

const retryStrategy = (times: number) => Math.min(50 * 2 ** times, 2000);
// After a Sentinel failover the old primary comes back as a replica and answers writes with READONLY:
// reconnect (to the new primary) and send the command again instead of failing it.
const reconnectOnError = (err: Error) => (err.message.startsWith("READONLY") ? 2 : false);

export function connect(url: string, log: Logger, role: ConnectionRole): RedisClient {
  const target = parseRedisTarget(url);
  const common: RedisOptions = {
    maxRetriesPerRequest: role === "store" ? 3 : null,
    enableOfflineQueue: true,
    enableReadyCheck: true,
    connectionName: `ai-incident-triage:${role}`,
    retryStrategy,
  };
  let redis: RedisClient;
  switch (target.kind) {
    case "single":
      redis = new Redis(target.url, common);
      break;
    case "sentinel":
      redis = new Redis({
        ...common,
        sentinels: target.sentinels,
        name: target.name,
        role: "master",
        ...auth(target),
        ...(target.password ? { sentinelPassword: target.password } : {}),
        ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
        sentinelRetryStrategy: retryStrategy,
        // Not `failoverDetector`: in ioredis 6 its subscriptions to the sentinels outlive quit() and
        // keep the process alive. A failover is followed on the next error instead (the old primary
        // refuses the connection, or answers READONLY once it is a replica).
        reconnectOnError,
      });
      break;
    case "cluster":
      redis = new Cluster(target.nodes, {
        redisOptions: { ...common, ...auth(target), ...(target.tls ? { tls: {} } : {}), reconnectOnError },
        enableReadyCheck: true,
        enableOfflineQueue: true,
        clusterRetryStrategy: retryStrategy,
        // Commands to a primary that just died are retried every 200 ms while its replica takes over:
        // about 3 s for a store call, a minute for workers and queues (which must not give up).
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        retryDelayOnTryAgain: 200,
        maxRedirections: role === "store" ? 16 : 300,
        // Managed clusters (ElastiCache, Memorystore) announce hostnames a TLS check must see as is.
        ...(target.tls ? { dnsLookup: (address: string, cb: (err: Error | null, addr: string) => void) => cb(null, address) } : {}),
        slotsRefreshTimeout: 2000,
      });
      break;
  }
  // One line per state change (src/redis-log.ts), not one per reconnect attempt.
  watchRedis(redis, log, role);
  return redis;
}

const auth = (t: { username?: string; password?: string }) => ({
  ...(t.username ? { username: t.username } : {}),
  ...(t.password ? { password: t.password } : {}),
});

/** True for an ioredis Cluster client (a cluster is probed and scanned node by node). */
export const isCluster = (r: RedisClient): r is Cluster => (r as Cluster).isCluster === true;
