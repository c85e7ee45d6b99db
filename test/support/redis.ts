// A redis-server of the test's own, on a free port and a temp dir, so tests never touch a shared Redis
// (one may be running on 6379) and can kill -9 and restart it on the same append-only file.
// Each test file calls startRedis() in beforeAll and stop() in afterAll.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { spawnProc, type Proc } from "./procs.js";

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

// Generous for a busy machine: a slow start is not a failed one.
const READY_TIMEOUT_MS = 60_000;

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
      if (proc) await proc.kill();
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
      if (proc) await proc.kill();
    },
    async restart() {
      if (proc) await proc.kill();
      await launch(); // same port and dir: redis replays the same append-only file
    },
    async stop() {
      if (proc) await proc.stop("SIGTERM", 5000);
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

function spawnRedis(port: number, dir: string, appendfsync: string): Proc {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes"];
  args.push("--appendfsync", appendfsync, "--save", "", "--maxmemory-policy", "noeviction");
  // "file": a restart inside a test must outlive that test; the file's afterAll stops it.
  return spawnProc(`redis-server :${port}`, "redis-server", args, { scope: "file" });
}

async function waitReady(proc: Proc, port: number): Promise<void> {
  // Our own server's log line first: a PING alone could be answered by another run's redis that took
  // the port between our probe and our bind (ours then exits, and waitForOutput says so).
  await proc.waitForOutput(/Ready to accept connections/, `redis-server on port ${port} to be ready`, READY_TIMEOUT_MS);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!proc.alive()) throw new Error(`redis-server on port ${port} exited at start:\n${proc.output().slice(-4000)}`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms:\n${proc.output().slice(-4000)}`);
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
