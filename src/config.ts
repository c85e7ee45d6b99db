// Configuration: the environment, parsed once, with errors that name the variable.
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

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
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[a-zA-Z0-9_-]{1,40}\}$/, "must be a Redis Cluster hash tag such as {triage}")
    .default("{triage}"),
  FLOW_FILE: file("flows/triage.yaml"),
  SIGNALS_FILE: file("flows/signals.yaml"),
  REFS_FILE: file("flows/refs.yaml"),
  ONCALL_CONFIG: file("config/oncall.example.yaml"),
  CONVERSATION_TTL_SECONDS: int(86_400, 60, 30 * 86_400),
  PORT: int(3000, 0, 65_535),
  WORKER_CONCURRENCY: int(10, 1, 500),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type Config = z.infer<typeof Env>;

export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set": shells and .env files often leave them so.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = Env.safeParse(cleaned);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n  - ${lines.join("\n  - ")}`);
}
