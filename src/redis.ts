// Redis connections. Workers need `maxRetriesPerRequest: null` (BullMQ's blocking commands); the
// stores fail fast instead, so a web request answers with an error rather than hanging while Redis is away.
import { Redis } from "ioredis";
import type { Logger } from "./log.js";
import { watchRedis } from "./redis-log.js";

export function connect(url: string, log: Logger, role: "store" | "queue" | "worker"): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === "store" ? 3 : null,
    enableOfflineQueue: true,
    connectionName: `ai-incident-triage:${role}`,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
  });
  // One line per state change (src/redis-log.ts), not one per reconnect attempt.
  watchRedis(redis, log, role);
  return redis;
}
