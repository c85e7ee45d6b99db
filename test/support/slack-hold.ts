// A pass-through in front of the fake Slack that can hold chosen Web API calls unanswered: the caller
// (a web or worker process) is then stuck at a known point, after everything before that call is done, which is
// where a crash test kills it. Separate from fake-slack.ts on purpose: that file belongs to delivery.
import { createServer, request, type IncomingMessage, type Server } from "node:http";

export interface SlackHold {
  /** what the web process should be given as SLACK_API_URL. */
  apiUrl: string;
  /** holds every later call of `method` whose form or JSON body contains `contains`. */
  hold(method: string, contains: string): void;
  held(): number;
  /** stops holding later calls (those already held stay unanswered until their caller goes away). */
  unhold(): void;
  close(): Promise<void>;
}

export async function startSlackHold(target: string): Promise<SlackHold> {
  const rules: Array<{ method: string; contains: string }> = [];
  const parked = new Set<IncomingMessage>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const method = (req.url ?? "").split("?")[0]!.replace(/^\/api\//, "");
      const text = decodeURIComponent(body.toString("utf8"));
      if (rules.some((r) => r.method === method && text.includes(r.contains))) {
        // Never answered: the caller waits here until it dies or the hold is closed.
        parked.add(req);
        req.socket.once("close", () => parked.delete(req));
        return;
      }
      const out = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on("error", () => res.writeHead(502).end());
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    hold: (method, contains) => void rules.push({ method, contains }),
    held: () => parked.size,
    unhold: () => void rules.splice(0),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
