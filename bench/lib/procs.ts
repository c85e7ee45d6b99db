// Child processes of a bench: the project's own entries (built, as the Procfile runs them; see
// entry.ts) and the bench's helpers (through tsx). Their logs go to a file in a temporary directory
// (no pipe for this process to drain), and CPU time and RSS come from /proc.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { appEntry, ensureBuilt, type Role } from "./entry.js";
import { sleep } from "./stats.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** A scratch directory for logs, rosters and CPU profiles; removed by `cleanup()`. */
export function scratch(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "triage-bench-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** VmRSS of a process in kB (0 when it is gone). */
export function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU time of a process in ms (0 when it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** the child's IPC answer to `msg` (helpers answer `{id, ...}`). */
  ask<T>(msg: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  logTail(bytes?: number): string;
  alive(): boolean;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  args?: string[];
  /** node flags before the entry, e.g. --expose-gc, --cpu-prof. */
  nodeArgs?: string[];
  /** where stdout and stderr go (a file); required so nothing blocks on a full pipe. */
  logFile: string;
}

let askSeq = 0;

/** `node --import tsx <entry>` from the repository root, with an IPC channel: the bench's helpers. */
export function spawnTs(name: string, entry: string, o: SpawnOptions): Child {
  return spawnNode(name, ["--import", "tsx", ...(o.nodeArgs ?? []), entry], o);
}

/** The project's `web` or `worker` as the Procfile runs it (`node dist/src/<role>.js`; tsx with --tsx). */
export function spawnApp(role: Role, o: SpawnOptions): Child {
  ensureBuilt(ROOT);
  const { loader, entry } = appEntry(role);
  return spawnNode(role, [...loader, ...(o.nodeArgs ?? []), entry], o);
}

function spawnNode(name: string, nodeArgs: string[], o: SpawnOptions): Child {
  const fd = openSync(o.logFile, "a");
  const proc = spawn(process.execPath, [...nodeArgs, ...(o.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdio: ["ignore", fd, fd, "ipc"],
  });
  closeSync(fd);
  const reap = () => proc.kill("SIGKILL");
  process.once("exit", reap);
  const exited = new Promise<void>((r) => proc.once("exit", () => (process.off("exit", reap), r())));
  const pending = new Map<number, (v: unknown) => void>();
  proc.on("message", (m: { id?: number }) => {
    if (typeof m?.id === "number") pending.get(m.id)?.(m), pending.delete(m.id);
  });
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return {
    name,
    proc,
    pid: proc.pid!,
    alive,
    ask<T>(msg: Record<string, unknown>, timeoutMs = 30_000) {
      const id = ++askSeq;
      return new Promise<T>((resolve, reject) => {
        const t = setTimeout(() => (pending.delete(id), reject(new Error(`${name}: no answer to ${JSON.stringify(msg)} in ${timeoutMs} ms\n${tail(o.logFile)}`))), timeoutMs);
        pending.set(id, (v) => (clearTimeout(t), resolve(v as T)));
        proc.send({ ...msg, id });
      });
    },
    logTail: (bytes = 4000) => tail(o.logFile, bytes),
    async stop() {
      if (!alive()) return;
      proc.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
      if (alive()) {
        proc.kill("SIGKILL");
        await exited;
      }
    },
  };
}

function tail(file: string, bytes = 4000): string {
  try {
    const text = readFileSync(file, "utf8");
    return text.slice(-bytes);
  } catch {
    return "";
  }
}

export { freePort } from "../../test/support/redis.js";

/** Polls `url` until it answers 200 (or the child dies, or the time is up). */
export async function waitHttp(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.alive()) throw new Error(`${child.name} exited at start:\n${child.logTail()}`);
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms:\n${child.logTail()}`);
}

/** The newest .cpuprofile files in a directory (written when a child started with --cpu-prof exits). */
export function profiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => join(dir, f))
      .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  } catch {
    return [];
  }
}

/** Resolves with the first `{ready: true, ...}` message a helper child sends. */
export function readyMessage<T extends object>(child: Child, timeoutMs = 30_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${child.name} did not become ready in ${timeoutMs} ms:\n${child.logTail()}`)), timeoutMs);
    const onMsg = (m: { ready?: boolean }) => {
      if (!m?.ready) return;
      clearTimeout(t);
      child.proc.off("message", onMsg);
      resolve(m as T);
    };
    child.proc.on("message", onMsg);
    child.proc.once("exit", () => reject(new Error(`${child.name} exited at start:\n${child.logTail()}`)));
  });
}
