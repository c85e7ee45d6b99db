// A lean Slack Web API for benchmarks, run as a child process (`spawnFakeSlack`): it answers like
// test/support/fake-slack.ts (`{ok:true,...}`, `D<user>` DM channels, timestamps in sequence) but keeps
// only what the benches read, so it stays fast at thousands of calls:
//   - the newest bot message of every DM channel (a responder clicks its buttons), with long-poll waits;
//   - every message posted to a non-DM channel (tickets, cross-domain notes), with its arrival time on the
//     monotonic clock (process.hrtime, comparable across processes), so route latency can be measured;
//   - call counts per method;
//   - with FAKE_SLACK_POST_LIMIT="<per second>,<burst>" (bench/storm.ts), Slack's posting limit: past it a
//     chat.postMessage gets 429 `ratelimited` with Retry-After, counted per channel (`rateLimited`).
// Control goes over the IPC channel: {type: "stats" | "channelPosts" | "next" | "reset"}.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { spawnTs, type Child } from "./procs.js";

export interface DmMessage {
  seq: number;
  channel: string;
  ts: string;
  text: string;
  blocks: any[];
}
export interface ChannelPost {
  channel: string;
  incidentId?: string;
  kind: "ticket" | "cross-domain" | "thread" | "other";
  atNs: string;
}
export interface FakeStats {
  calls: Record<string, number>;
  total: number;
  responses: number;
  refused: number;
  /** chat.postMessage calls refused by the posting limit, per channel. */
  rateLimited: Record<string, number>;
}

// ---------------------------------------------------------------------------------- child side

function startServer(token: string, limit?: { perSecond: number; burst: number }) {
  const calls: Record<string, number> = {};
  const rateLimited: Record<string, number> = {};
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** seconds to wait when `channel` is over the posting limit (a token is taken otherwise). */
  const overLimit = (channel: string): number | undefined => {
    if (!limit) return undefined;
    const now = Date.now();
    const b = buckets.get(channel) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.perSecond);
    b.at = now;
    buckets.set(channel, b);
    if (b.tokens >= 1) return void (b.tokens -= 1);
    return Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
  };
  let total = 0;
  let responses = 0;
  let refused = 0;
  let seq = 0;
  const dms = new Map<string, { seq: number; channel: string; ts: string; text: string; blocksRaw: string }>();
  const posts: ChannelPost[] = [];
  const waiters = new Map<string, Array<{ after: number; done: (m: DmMessage | null) => void }>>();

  const toDm = (m: { seq: number; channel: string; ts: string; text: string; blocksRaw: string }): DmMessage => ({
    seq: m.seq,
    channel: m.channel,
    ts: m.ts,
    text: m.text,
    blocks: m.blocksRaw ? JSON.parse(m.blocksRaw) : [],
  });

  const nextTs = () => `1700000000.${String(++seq).padStart(6, "0")}`;

  function answer(method: string, a: URLSearchParams | Record<string, any>): Record<string, unknown> {
    const get = (k: string): string | undefined => (a instanceof URLSearchParams ? (a.get(k) ?? undefined) : a[k] === undefined ? undefined : typeof a[k] === "string" ? a[k] : JSON.stringify(a[k]));
    switch (method) {
      case "chat.postMessage": {
        const ts = nextTs();
        const channel = get("channel") ?? "";
        const text = get("text") ?? "";
        const thread = get("thread_ts");
        if (channel.startsWith("D") && !thread) {
          const m = { seq, channel, ts, text, blocksRaw: get("blocks") ?? "" };
          dms.set(channel, m);
          const ws = waiters.get(channel);
          if (ws) {
            const keep = ws.filter((w) => {
              if (m.seq > w.after) return w.done(toDm(m)), false;
              return true;
            });
            if (keep.length) waiters.set(channel, keep);
            else waiters.delete(channel);
          }
        } else if (!channel.startsWith("D")) {
          const incidentId = /INC-\d{4}-\d{4,}/.exec(text)?.[0];
          const kind = thread ? "thread" : /^SEV\d AI /.test(text) ? "ticket" : text.startsWith(":link:") ? "cross-domain" : "other";
          posts.push({ channel, kind, atNs: process.hrtime.bigint().toString(), ...(incidentId ? { incidentId } : {}) });
        }
        return { ok: true, channel, ts, message: { text, ts } };
      }
      case "chat.update":
        return { ok: true, channel: get("channel"), ts: get("ts") };
      case "chat.postEphemeral":
        return { ok: true, message_ts: nextTs() };
      case "chat.getPermalink":
        return { ok: true, channel: get("channel"), permalink: `https://fake.slack.test/archives/${get("channel")}/p${String(get("message_ts")).replace(".", "")}` };
      case "conversations.open":
        return { ok: true, channel: { id: `D${String(get("users")).split(",")[0]}` } };
      case "views.open":
        return { ok: true, view: { id: `V${++seq}` } };
      case "auth.test":
        return { ok: true, user_id: "U0BOT", bot_id: "B0BOT", team_id: "T0TEST" };
      default:
        return { ok: true };
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString();
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const path = (req.url ?? "").split("?")[0]!;
      if (path.startsWith("/respond/")) {
        responses++;
        return json(200, { ok: true });
      }
      const method = path.replace(/^\/api\//, "");
      const type = String(req.headers["content-type"] ?? "");
      const args = type.includes("application/json") ? (raw ? JSON.parse(raw) : {}) : new URLSearchParams(raw);
      const tok = String(req.headers.authorization ?? "").replace(/^Bearer /, "") || (args instanceof URLSearchParams ? args.get("token") : args.token);
      if (tok !== token) {
        refused++;
        return json(200, { ok: false, error: "invalid_auth" });
      }
      if (method === "chat.postMessage") {
        const channel = (args instanceof URLSearchParams ? args.get("channel") : args.channel) ?? "";
        const wait = overLimit(channel);
        if (wait !== undefined) {
          rateLimited[channel] = (rateLimited[channel] ?? 0) + 1;
          res.writeHead(429, { "content-type": "application/json", "retry-after": String(wait) });
          return res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
        }
      }
      calls[method] = (calls[method] ?? 0) + 1;
      total++;
      json(200, answer(method, args));
    });
  });

  process.on("message", (m: { id: number; type: string; channel?: string; after?: number; timeoutMs?: number; since?: number }) => {
    const reply = (body: object) => process.send!({ id: m.id, ...body });
    switch (m.type) {
      case "stats":
        return reply({ calls, total, responses, refused, rateLimited } satisfies FakeStats);
      case "channelPosts":
        return reply({ posts: posts.slice(m.since ?? 0) });
      case "reset":
        for (const k of Object.keys(calls)) delete calls[k];
        total = responses = refused = 0;
        for (const k of Object.keys(rateLimited)) delete rateLimited[k];
        buckets.clear();
        posts.length = 0;
        dms.clear();
        return reply({});
      case "next": {
        const channel = m.channel ?? "";
        const after = m.after ?? 0;
        const cur = dms.get(channel);
        if (cur && cur.seq > after) return reply({ message: toDm(cur) });
        let done = false;
        const finish = (msg: DmMessage | null) => {
          if (done) return;
          done = true;
          clearTimeout(t);
          reply({ message: msg });
        };
        const t = setTimeout(() => finish(null), m.timeoutMs ?? 10_000);
        waiters.set(channel, [...(waiters.get(channel) ?? []), { after, done: finish }]);
        return;
      }
    }
  });

  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send!({ ready: true, port: (server.address() as { port: number }).port }));
  process.on("SIGTERM", () => process.exit(0));
}

const postLimit = (v = "") => {
  const [perSecond, burst] = v.split(",").map(Number);
  return perSecond && burst ? { perSecond, burst } : undefined;
};
if (process.argv[1] && /fake-slack\.[tj]s$/.test(process.argv[1]) && process.send) startServer(process.env.FAKE_SLACK_TOKEN ?? "", postLimit(process.env.FAKE_SLACK_POST_LIMIT));

// ---------------------------------------------------------------------------------- parent side

export class FakeSlackProc {
  private constructor(readonly child: Child, readonly url: string) {}

  /** `postLimit`: enforce Slack's posting limit per channel (off unless given). */
  static async start(token: string, dir: string, postLimit?: { perSecond: number; burst: number }): Promise<FakeSlackProc> {
    const env = { FAKE_SLACK_TOKEN: token, ...(postLimit ? { FAKE_SLACK_POST_LIMIT: `${postLimit.perSecond},${postLimit.burst}` } : {}) };
    const child = spawnTs("fake-slack", "bench/lib/fake-slack.ts", { env, logFile: join(dir, "fake-slack.log") });
    const { port } = await new Promise<{ port: number }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`fake slack did not start:\n${child.logTail()}`)), 30_000);
      child.proc.on("message", (m: { ready?: boolean; port: number }) => m.ready && (clearTimeout(t), resolve(m)));
    });
    return new FakeSlackProc(child, `http://127.0.0.1:${port}`);
  }

  get apiUrl() {
    return `${this.url}/api/`;
  }
  responseUrl(id: string) {
    return `${this.url}/respond/${id}`;
  }
  stats() {
    return this.child.ask<FakeStats>({ type: "stats" });
  }
  async channelPosts(since = 0) {
    return (await this.child.ask<{ posts: ChannelPost[] }>({ type: "channelPosts", since })).posts;
  }
  reset() {
    return this.child.ask({ type: "reset" });
  }
  /** The newest bot message in a DM channel newer than `after` (a seq), waiting for it; null on timeout. */
  async next(channel: string, after: number, timeoutMs = 10_000): Promise<DmMessage | null> {
    return (await this.child.ask<{ message: DmMessage | null }>({ type: "next", channel, after, timeoutMs }, timeoutMs + 30_000)).message;
  }
  stop() {
    return this.child.stop();
  }
}
