// A local webhook receiver standing in for a destination outside this machine. A delivery counts when
// the receiver answers it; requests whose sender went away first (a killed worker) are not counted.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export interface Received {
  path: string;
  key: string;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeWebhook {
  url: string;
  received: Received[];
  /** Holds the next `n` requests open until release() (or until the sender disconnects). */
  hold(n: number): void;
  held(): number;
  release(): void;
  /** Answers the next `n` requests with this status (and Retry-After seconds, if given). */
  failNext(n: number, status: number, retryAfterSeconds?: number): void;
  attempts: number;
  close(): Promise<void>;
}

export async function startWebhook(): Promise<FakeWebhook> {
  const received: Received[] = [];
  let holdCount = 0;
  let failures: { n: number; status: number; retryAfter?: number } = { n: 0, status: 500 };
  const waiting: Array<() => void> = [];
  const fake = { attempts: 0 } as FakeWebhook;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      fake.attempts++;
      const accept = () => {
        if (res.destroyed || req.socket.destroyed) return; // the sender died: not delivered
        received.push({ path: req.url ?? "/", key: String(req.headers["idempotency-key"]), body: JSON.parse(Buffer.concat(chunks).toString("utf8")), at: Date.now() });
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      };
      if (failures.n > 0) {
        failures.n--;
        const headers: Record<string, string> = failures.retryAfter !== undefined ? { "retry-after": String(failures.retryAfter) } : {};
        res.writeHead(failures.status, headers).end();
        return;
      }
      if (holdCount > 0) {
        holdCount--;
        waiting.push(accept);
        return;
      }
      accept();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    received,
    hold: (n: number) => void (holdCount = n),
    held: () => waiting.length,
    release: () => waiting.splice(0).forEach((w) => w()),
    failNext: (n: number, status: number, retryAfter?: number) => void (failures = { n, status, ...(retryAfter !== undefined ? { retryAfter } : {}) }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

/** Polls until `check` holds, or fails with `what` after `ms` (generous: a busy machine is slow, not stuck). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
