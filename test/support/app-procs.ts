// The Procfile's two processes, started as children of a test: `web` and `worker` run from source
// through tsx, in their own process groups (test/support/procs.ts). Each is ready when it logs so
// ("web listening" with its port, "worker started"), not after a fixed time.
import type { ChildProcess } from "node:child_process";
import { spawnProc, type Proc } from "./procs.js";

export interface WorkerProc {
  proc: ChildProcess;
  output: () => string;
  /** Resolves once the worker logs "worker started" (its BullMQ workers are listening). */
  ready(): Promise<void>;
  kill9(): Promise<void>;
  /** SIGTERM, up to 10 s to finish its jobs, then SIGKILL to its group. */
  stop(): Promise<void>;
}

/** `triage worker` in its own process, as the Procfile runs it. */
export function spawnWorker(env: Record<string, string>): WorkerProc {
  // info, so "worker started" is there to wait for.
  const p = appProc("worker", { LOG_LEVEL: "info", WORKER_LOCK_MS: "2000", ...env });
  return {
    proc: p.child,
    output: p.output,
    ready: async () => void (await p.waitForOutput(/worker started/, "the worker to start")),
    kill9: () => p.kill(),
    stop: () => p.stop("SIGTERM", 10_000),
  };
}

export interface WebProc {
  proc: Proc;
  port: number;
  url: string;
}

/** `triage web` as the Procfile runs it (PORT 0 unless given); resolves once it listens. */
export async function startWeb(env: Record<string, string>): Promise<WebProc> {
  const proc = appProc("web", { PORT: "0", LOG_LEVEL: "info", ...env });
  const m = await proc.waitForOutput(/"port":(\d+)[^\n]*"web listening"|"web listening"[^\n]*"port":(\d+)/, "the web process to listen");
  const port = Number(m[1] ?? m[2]);
  return { proc, port, url: `http://127.0.0.1:${port}` };
}

function appProc(role: "web" | "worker", env: Record<string, string>): Proc {
  return spawnProc(role, process.execPath, ["--import", "tsx", `src/${role}.ts`], { env: { ...process.env, ...env } });
}
