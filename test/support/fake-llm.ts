// An OpenAI-compatible /chat/completions endpoint on localhost: records what the bot sends and answers
// however the test says (a reply, a status, garbage, or nothing at all until it is closed).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LlmRequest {
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
}
export type LlmBehaviour =
  | { kind: "answer"; content: unknown }
  | { kind: "status"; status: number; body?: string }
  | { kind: "raw"; body: string }
  | { kind: "hang" };

export interface FakeLlm {
  /** the API root to put in LLM_BASE_URL */
  url: string;
  requests: LlmRequest[];
  behave(b: LlmBehaviour): void;
  close(): Promise<void>;
}

/** A chat completion whose message content is `content` (an object is sent as its JSON text). */
export const completion = (content: unknown) =>
  JSON.stringify({
    id: "chatcmpl-test",
    object: "chat.completion",
    choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: typeof content === "string" ? content : JSON.stringify(content) } }],
  });

export async function startFakeLlm(): Promise<FakeLlm> {
  const requests: LlmRequest[] = [];
  let behaviour: LlmBehaviour = { kind: "status", status: 500 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString() || "null") });
      respond(res, behaviour);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    behave: (b) => (behaviour = b),
    close: () =>
      new Promise<void>((resolve) => {
        // A hanging request would keep close() waiting forever: cut the sockets first.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(res: ServerResponse, b: LlmBehaviour) {
  const json = { "content-type": "application/json" };
  switch (b.kind) {
    case "answer":
      return res.writeHead(200, json).end(completion(b.content));
    case "status":
      return res.writeHead(b.status, json).end(b.body ?? JSON.stringify({ error: { message: `status ${b.status}` } }));
    case "raw":
      return res.writeHead(200, json).end(b.body);
    case "hang":
      return; // never answers; the client must give up on its own
  }
}
