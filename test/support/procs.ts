// The one place tests start child processes (redis-server, web, worker, the CLI). Each child leads its
// own process group (`detached: true`) so a kill reaches anything it forked (redis-server's AOF rewrite
// child) with `process.kill(-pid, "SIGKILL")`. Children started inside a test are killed when that test
// finishes, even when it failed or timed out; the rest when the file ends (test/support/setup-procs.ts)
// or when this process exits. Every pid is also written to the run's registry so the orphan check
// (test/support/orphan-check.ts) can fail a run that left one alive.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { REGISTRY_ENV, startTimeOf } from "./proc-registry.js";

/** Ceiling for a child to reach an event: generous, because a busy CI machine is slow, not stuck. */
export const START_CEILING_MS = 90_000;

export interface Proc {
  child: ChildProcess;
  pid: number;
  name: string;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  exited: Promise<void>;
  alive(): boolean;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitForOutput(pattern: RegExp, what: string, ms?: number): Promise<RegExpExecArray>;
  /** SIGKILL to the whole group; resolves once the leader has exited. */
  kill(): Promise<void>;
  /** `signal` to the leader, then SIGKILL to the group after `graceMs` if it has not exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const live = new Set<Proc>();

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  stdin?: "pipe" | "ignore";
  /** "test" (default inside a test): killed when the test finishes; "file": killed when the file ends. */
  scope?: "test" | "file";
}

export function spawnProc(name: string, cmd: string, args: string[], opts: SpawnOptions = {}): Proc {
  const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: [opts.stdin ?? "ignore", "pipe", "pipe"], detached: true });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  const pid = child.pid;
  record(pid);
  let out = "";
  const listeners = new Set<() => void>();
  const keep = (b: Buffer) => {
    out += b.toString();
    for (const l of listeners) l();
  };
  // Reading the pipes also keeps a chatty child from blocking on a full pipe.
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const alive = () => child.exitCode === null && child.signalCode === null;

  const proc: Proc = {
    child,
    pid,
    name,
    output: () => out,
    exited,
    alive,
    waitForOutput(pattern, what, ms = START_CEILING_MS) {
      return new Promise((resolve, reject) => {
        const done = (err?: Error, m?: RegExpExecArray) => {
          listeners.delete(check);
          child.off("exit", onExit);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve(m!);
        };
        const check = () => {
          const m = pattern.exec(out);
          if (m) done(undefined, m);
        };
        const onExit = () => done(new Error(`${name} exited before ${what}:\n${out.slice(-4000)}`));
        const timer = setTimeout(() => done(new Error(`${name}: no sign of ${what} within ${ms} ms:\n${out.slice(-4000)}`)), ms);
        listeners.add(check);
        child.once("exit", onExit);
        check();
        if (!alive()) onExit();
      });
    },
    async kill() {
      killGroup(pid);
      if (alive()) await exited;
      live.delete(proc);
    },
    async stop(signal = "SIGTERM", graceMs = 10_000) {
      if (alive()) {
        child.kill(signal);
        const grace = new Promise<void>((r) => setTimeout(r, graceMs).unref());
        await Promise.race([exited, grace]);
      }
      // The leader may be gone while something it forked is not: the group goes either way.
      await proc.kill();
    },
  };
  live.add(proc);
  child.once("exit", () => {
    // A group whose leader exited by itself may still hold children: sweep it.
    killGroup(pid);
    live.delete(proc);
  });
  if ((opts.scope ?? "test") === "test") killWhenTestEnds(proc);
  return proc;
}

/** Kills every child this test file still has; the setup file calls it after each file. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill()));
}

function killWhenTestEnds(proc: Proc): void {
  try {
    onTestFinished(() => proc.kill());
  } catch {
    // Not inside a test (beforeAll, module scope): the file-level sweep covers it.
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

function record(pid: number): void {
  const dir = process.env[REGISTRY_ENV];
  if (!dir) return; // run outside vitest's global setup (a single file by hand): no orphan check
  appendFileSync(join(dir, `${process.pid}.pids`), `${pid} ${startTimeOf(pid) ?? "?"}\n`);
}

// A test process that exits without running its hooks still takes its children with it (a SIGKILLed
// one cannot: the orphan check catches those).
process.once("exit", () => {
  for (const p of live) killGroup(p.pid);
});
