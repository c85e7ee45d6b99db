// The common part of the fake outside services (PagerDuty, Opsgenie, Jira): a local HTTP server that
// reads JSON, can fail the next requests with a status (and Retry-After), or do the work and then hold
// its answer (a sender killed in between never hears back), and keeps every request for the tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: any;
}
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class FakeHttp {
  readonly requests: FakeRequest[] = [];
  private failures: Array<{ status: number; retryAfter?: string; body?: unknown }> = [];
  private holdLeft = 0;
  private dropLeft = 0;
  private held: Array<() => void> = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(handle: (r: FakeRequest) => FakeAnswer): Promise<FakeHttp> {
    let fake: FakeHttp | undefined;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => fake!.serve(req, res, Buffer.concat(chunks).toString("utf8"), handle));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    fake = new FakeHttp(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return fake;
  }

  /** The next `n` requests get `status` (and Retry-After, if given) and change nothing. */
  failNext(n: number, status: number, retryAfter?: string, body?: unknown) {
    for (let i = 0; i < n; i++) this.failures.push({ status, ...(retryAfter !== undefined ? { retryAfter } : {}), ...(body !== undefined ? { body } : {}) });
  }
  /** The next `n` requests are carried out, but their answers wait for release(). */
  holdAfterWork(n: number) {
    this.holdLeft = n;
  }
  /** The next `n` requests are carried out, then their connection is cut: the sender never hears back. */
  dropAfterWork(n: number) {
    this.dropLeft = n;
  }
  get heldCount() {
    return this.held.length;
  }
  release() {
    this.held.splice(0).forEach((f) => f());
  }
  clear() {
    this.failures = [];
    this.holdLeft = 0;
    this.dropLeft = 0;
    this.release();
    this.requests.length = 0;
  }

  private serve(req: IncomingMessage, res: ServerResponse, raw: string, handle: (r: FakeRequest) => FakeAnswer) {
    const url = new URL(req.url ?? "/", this.url);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const r: FakeRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body };
    this.requests.push(r);
    const failure = this.failures.shift();
    const a: FakeAnswer = failure
      ? { status: failure.status, body: failure.body ?? { message: `fake failure ${failure.status}` }, headers: failure.retryAfter !== undefined ? { "retry-after": failure.retryAfter } : {} }
      : handle(r);
    const send = () => {
      if (res.destroyed || req.socket.destroyed) return;
      res.writeHead(a.status, { ...(a.body === undefined ? {} : { "content-type": "application/json" }), ...a.headers }).end(a.body === undefined ? undefined : JSON.stringify(a.body));
    };
    if (!failure && this.dropLeft > 0) {
      this.dropLeft--;
      req.socket.destroy();
      return;
    }
    if (!failure && this.holdLeft > 0) {
      this.holdLeft--;
      this.held.push(send);
      return;
    }
    send();
  }

  async stop() {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
