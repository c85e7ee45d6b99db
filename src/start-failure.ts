// How a Procfile process (web, worker) says it cannot start: one JSON line, like every other line it
// writes, so a log pipeline reads the reason; exit 2 for configuration the operator must fix.
import { createLogger } from "./log.js";

export function refuseStart(proc: "web" | "worker", err: unknown, code = 2): never {
  const e = err instanceof Error ? err : new Error(String(err));
  createLogger("info").fatal({ proc, code: (e as { code?: string }).code }, `${proc}: ${e.message.replace(/\n\s*/g, "; ")}`);
  process.exit(code);
}
