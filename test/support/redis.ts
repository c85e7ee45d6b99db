// A redis-server of the test's own, on a free port and a temp dir, so tests never touch a shared Redis
// (one may be running on 6379) and can kill -9 and restart it on the same append-only file.
// Each test file calls startRedis() in beforeAll and stop() in afterAll.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  /** false for an external REDIS_URL: kill9 and restart then throw, and fault tests skip. */
  managed: boolean;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  restart(): Promise<void>;
}

const handedOut = new Set<string>();

/** A random key prefix holding a hash tag, so tests never see each other's keys. */
export function uniquePrefix(): string {
  const prefix = `{t${randomUUID().slice(0, 8)}}`;
  handedOut.add(prefix);
  return prefix;
}

/** Deletes the keys under every prefix this test file was given: an external REDIS_URL outlives us. */
export async function dropTestKeys(redis: Redis): Promise<void> {
  for (const prefix of handedOut) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  }
  handedOut.clear();
}

const READY_TIMEOUT_MS = 5000;

export async function startRedis(opts: { appendfsync?: "always" | "everysec" } = {}): Promise<RedisServer> {
  const external = process.env.REDIS_URL;
  if (external) return externalServer(external);

  const dir = mkdtempSync(join(tmpdir(), "triage-redis-"));
  let port = await freePort();
  let proc: Proc | undefined;
  const launch = async () => {
    proc = spawnRedis(port, dir, opts.appendfsync ?? "always");
    await waitReady(proc, port);
  };
  // Another process may take the free port between our probe and redis binding it: try a new one.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (e) {
      if (proc) await killAndWait(proc.child, "SIGKILL");
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw e;
      }
      port = await freePort();
    }
  }

  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    managed: true,
    async kill9() {
      if (proc) await killAndWait(proc.child, "SIGKILL");
    },
    async restart() {
      if (proc) await killAndWait(proc.child, "SIGKILL");
      await launch(); // same port and dir: redis replays the same append-only file
    },
    async stop() {
      if (proc) await killAndWait(proc.child, "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

function externalServer(url: string): RedisServer {
  const refuse = async () => {
    throw new Error("REDIS_URL is set: this Redis is not ours, so the tests cannot kill or restart it");
  };
  return { url, port: Number(new URL(url).port || 6379), dir: "", managed: false, stop: async () => {}, kill9: refuse, restart: refuse };
}

interface Proc {
  child: ChildProcess;
  /** the tail of its log, to explain a failed start. */
  log(): string;
}

function spawnRedis(port: number, dir: string, appendfsync: string): Proc {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes"];
  args.push("--appendfsync", appendfsync, "--save", "", "--maxmemory-policy", "noeviction");
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  // Reading its output also keeps the pipes from filling up and blocking redis.
  let log = "";
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-4000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  // Never leave a redis-server behind when the test process exits without stop().
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  child.once("exit", () => process.off("exit", reap));
  return { child, log: () => log };
}

async function waitReady({ child, log }: Proc, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server on port ${port} exited at start:\n${log()}`);
    }
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms:\n${log()}`);
}

/** One raw PING over TCP: true when the server answers +PONG (not LOADING or refused). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host: "127.0.0.1" });
    let reply = "";
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.on("error", () => done(false));
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (b) => {
      reply += b.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

/** A port nobody listens on right now (another process may still take it before we bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Sends `signal` and waits for the exit; a server that ignores SIGTERM for 5 s gets SIGKILL. */
function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
