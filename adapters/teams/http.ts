// POST /api/messages on node:http: reads and limits the body, then hands botbuilder the small
// express-like request and response it expects. Authentication is botbuilder's (CloudAdapter.process).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActivityHandler, CloudAdapter, Response as BotResponse } from "botbuilder";
import type { Route } from "../../src/http.js";
import { MAX_INBOUND_BODY_BYTES } from "../../src/inbound.js";

export const MESSAGES_PATH = "/api/messages";
const MAX_BODY_BYTES = MAX_INBOUND_BODY_BYTES;

export function messagesRoute(adapter: CloudAdapter, bot: ActivityHandler): Route {
  return async (req, res) => {
    if ((req.url ?? "").split("?")[0] !== MESSAGES_PATH) return false;
    if (req.method !== "POST") {
      json(res, 405, { error: "use POST" }, { allow: "POST" });
      return true;
    }
    const body = await readJson(req);
    if (!body.ok) {
      json(res, body.status, { error: body.error }, body.status === 413 ? { connection: "close" } : {});
      return true;
    }
    const shim = new ShimResponse(res);
    await adapter.process({ method: "POST", headers: req.headers, body: body.value }, shim, (ctx) => bot.run(ctx));
    shim.finish();
    return true;
  };
}

type Body = { ok: true; value: Record<string, unknown> } | { ok: false; status: 400 | 413; error: string };

async function readJson(req: IncomingMessage): Promise<Body> {
  const tooBig = { ok: false, status: 413, error: `body larger than ${MAX_BODY_BYTES} bytes` } as const;
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
    req.resume(); // drain, so the 413 reaches the client instead of a reset
    return tooBig;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      return tooBig;
    }
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
  } catch {
    // falls through to 400
  }
  return { ok: false, status: 400, error: "body must be a JSON object (a Bot Framework activity)" };
}

/** The four calls botbuilder makes on a response: status, header, send, end. */
class ShimResponse implements BotResponse {
  readonly socket: unknown;
  private body: string | undefined;
  constructor(private readonly res: ServerResponse) {
    this.socket = res.socket;
  }
  status(code: number) {
    this.res.statusCode = code;
    return this;
  }
  header(name: string, value: unknown) {
    this.res.setHeader(name, String(value));
    return this;
  }
  send(body?: unknown) {
    if (body === undefined || body === null) return this;
    if (typeof body === "string" || Buffer.isBuffer(body)) this.body = body.toString();
    else {
      this.res.setHeader("content-type", "application/json");
      this.body = JSON.stringify(body);
    }
    return this;
  }
  end() {
    if (!this.res.writableEnded) this.res.end(this.body);
    return this;
  }
  /** process() always ends the response; this covers a path that returned without doing so. */
  finish() {
    this.end();
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}
