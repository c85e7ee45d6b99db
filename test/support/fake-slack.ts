// A local Slack Web API for tests: `POST /api/<method>` with form or JSON bodies and a bearer token,
// answered the way Slack does (`{ok:true,...}` or `{ok:false,error}`), every call recorded. Messages
// are kept per channel so tests can read a card as it is now (after chat.update). It can be told to
// rate-limit (HTTP 429 + Retry-After) or refuse the next calls of a method. Response URLs land here too,
// and so do file uploads: files.getUploadURLExternal hands out `<url>/upload/<file id>`, the bytes POSTed
// there are recorded in `uploads`, and files.completeUploadExternal shares the file (with the comment).
// It is as strict as Slack where delivery depends on it: message `metadata` is stored and returned by
// conversations.history / conversations.replies (only with include_all_metadata, honouring channel,
// oldest, limit and cursor), unknown methods are refused, and so are channels the bot is not in. For
// crash tests it can store a message and then hold its answer (holdAfterStore), and simulate an outage.
// Like Slack (docs.slack.dev/apis/web-api/rate-limits: "chat.postMessage generally allows posting one
// message per second per channel", short bursts tolerated), it refuses chat.postMessage past one a
// second per channel with a burst of 3: HTTP 429, `ratelimited`, Retry-After. On by default; a test
// that posts in bursts on purpose turns it off with `postLimit: false`. It counts what it accepted
// per channel and second (`maxPostsPerSecond`) and what it refused (`rateLimited`). Incident channels:
// conversations.create refuses names Slack refuses (invalid_name_*, name_taken; takeName() plays
// someone else's channel), conversations.invite refuses per Slack's rules, pins.add refuses a message
// that is not there or already pinned, and conversations.list finds the channels with their creator.
// chat.postMessage and chat.update refuse blocks past Block Kit's limits (invalid_blocks, blocksProblem).
import { createServer, type IncomingMessage, type Server } from "node:http";

export interface FakeCall {
  method: string;
  args: Record<string, any>;
  at: number;
}
export interface FakeMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: any[];
  thread_ts?: string;
  /** Slack message metadata ({event_type, event_payload}), as chat.postMessage was given it. */
  metadata?: { event_type: string; event_payload?: Record<string, unknown> };
  edits: number;
  /** files shared with the message (files.completeUploadExternal). */
  files?: Array<{ id: string; title?: string }>;
}
export interface FakeUpload {
  fileId: string;
  /** the file's bytes (the file part of a multipart body, or the raw body). */
  bytes: number;
  contentType: string;
  at: number;
}
interface Failure {
  left: number;
  status?: number;
  retryAfter?: number;
  error?: string;
  when?: (args: Record<string, any>) => boolean;
}

/** Channels the bot is a member of unless a test says otherwise (the ids the tests' rosters use). */
export const BOT_CHANNELS = ["C0SAFETY", "C0SECURITY", "C0MANAGERS", "C0FALLBACK", "C0LIMITED", "C0MLOPS", "C0GENERAL"];

/** The Web API methods this fake knows; any other is refused with unknown_method, as Slack does. */
const METHODS = new Set([
  "auth.test",
  "chat.postMessage",
  "chat.update",
  "chat.postEphemeral",
  "chat.getPermalink",
  "conversations.open",
  "conversations.history",
  "conversations.replies",
  "views.open",
  "views.update",
  "views.push",
  "views.publish",
  "files.getUploadURLExternal",
  "files.completeUploadExternal",
  "conversations.create",
  "conversations.invite",
  "conversations.list",
  "pins.add",
]);
/** Methods that act in a channel, and the argument naming it: refused where the bot is not a member. */
const IN_CHANNEL: Record<string, string> = {
  "chat.postMessage": "channel",
  "chat.update": "channel",
  "conversations.history": "channel",
  "conversations.replies": "channel",
  "files.completeUploadExternal": "channel_id",
  "conversations.invite": "channel",
  "pins.add": "channel",
};

/** The bot's own user id, as auth.test answers it: the creator of the channels it creates. */
export const BOT_USER = "U0BOT";
/** Slack's channel name rules (docs.slack.dev conversations.create): at most 80, lower case, letters, digits, - and _. */
const NAME_MAX = 80;

export interface FakeChannel {
  id: string;
  name: string;
  creator: string;
  is_private: boolean;
  /** members besides the bot, invited with conversations.invite. */
  invited: string[];
  pins: string[];
}

/** Slack's posting limit per channel: `perSecond` on average, `burst` back to back. */
export interface PostLimit {
  perSecond: number;
  burst: number;
}
export const SLACK_POST_LIMIT: PostLimit = { perSecond: 1, burst: 3 };

interface Outage {
  ms: number;
  /** set by the first call the outage meets. */
  until?: number;
  methods: Set<string>;
  answers: Array<{ status: number; retryAfter?: number }>;
  n: number;
}

export class FakeSlack {
  readonly calls: FakeCall[] = [];
  /** bodies POSTed to response URLs (ephemeral replies to commands and clicks). */
  readonly responses: Array<{ path: string; body: any }> = [];
  /** bytes POSTed to upload URLs from files.getUploadURLExternal. */
  readonly uploads: FakeUpload[] = [];
  readonly messages = new Map<string, FakeMessage>();
  /** calls refused with 429 or an error, so tests can check what was retried. */
  readonly refused: FakeCall[] = [];
  private failures = new Map<string, Failure[]>();
  /** channel ids the bot is in: BOT_CHANNELS or those passed to start() (DMs with the bot always). */
  readonly members: Set<string>;
  private holds: Array<{ method: string; left: number; when?: (args: Record<string, any>) => boolean }> = [];
  private lostAnswers = new Map<string, number>();
  private heldAnswers: Array<() => void> = [];
  private outages: Outage[] = [];
  private seq = 0;
  private pendingFiles = new Map<string, { filename?: string; length?: number }>();
  /** per channel: the bucket's tokens and when it was last filled. */
  private buckets = new Map<string, { tokens: number; at: number }>();
  /** accepted chat.postMessage calls per channel and whole second. */
  private perSecond = new Map<string, Map<number, number>>();
  /** chat.postMessage calls refused by the posting limit, per channel. */
  readonly rateLimited = new Map<string, number>();
  /** channels created with conversations.create or by takeName(), by id. */
  readonly channels = new Map<string, FakeChannel>();
  /** user ids Slack does not know (conversations.invite answers user_not_found). */
  readonly unknownUsers = new Set<string>();
  private constructor(private readonly server: Server, readonly url: string, private readonly token: string, channels: string[], readonly postLimit: PostLimit | false) {
    this.members = new Set(channels);
  }

  static async start(token: string, opts: { channels?: string[]; postLimit?: PostLimit | false } = {}): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res.writeHead.bind(res), (b) => res.end(b), () => res.destroyed || req.socket.destroyed));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    fake = new FakeSlack(server, `http://127.0.0.1:${port}`, token, opts.channels ?? BOT_CHANNELS, opts.postLimit ?? SLACK_POST_LIMIT);
    return fake;
  }

  /** The most chat.postMessage calls accepted in `channel` within one whole second (0 if none). */
  maxPostsPerSecond(channel: string): number {
    return Math.max(0, ...(this.perSecond.get(channel)?.values() ?? []));
  }
  /** chat.postMessage calls to `channel` refused by the posting limit (429). */
  rateLimitedIn(channel: string): number {
    return this.rateLimited.get(channel) ?? 0;
  }

  /** Takes a token of the channel's bucket, or says how many seconds until one is there. */
  private overLimit(channel: string, now: number): number | undefined {
    const l = this.postLimit;
    if (!l) return undefined;
    const b = this.buckets.get(channel) ?? { tokens: l.burst, at: now };
    b.tokens = Math.min(l.burst, b.tokens + ((now - b.at) / 1000) * l.perSecond);
    b.at = now;
    this.buckets.set(channel, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / l.perSecond));
  }

  /**
   * The next `n` calls of `method` (matching `when`) are carried out (a message is stored) but their
   * answer is held until release(): the moment a worker can die after Slack has acted.
   */
  holdAfterStore(method: string, n: number, when?: (args: Record<string, any>) => boolean) {
    this.holds.push({ method, left: n, ...(when ? { when } : {}) });
  }
  /**
   * The next `n` calls of `method` are carried out but answered `internal_error` (HTTP 500), as Slack
   * documents it may ("some aspect of the operation succeeded before the error was raised"): the
   * caller cannot tell it happened, like a worker that died before reading the answer.
   */
  loseAnswer(method: string, n: number) {
    this.lostAnswers.set(method, (this.lostAnswers.get(method) ?? 0) + n);
  }

  /** Answers held back by holdAfterStore so far (still waiting, or whose caller went away). */
  get held() {
    return this.heldAnswers.length;
  }
  release() {
    for (const answer of this.heldAnswers.splice(0)) answer();
  }

  /**
   * For `ms` from the first call it meets, answers every call of `methods` with these statuses in turn
   * (500s, 429 + Retry-After seconds): an outage as the caller sees it, however long it took to start.
   */
  outage(ms: number, methods: string[], answers: Array<{ status: number; retryAfter?: number }>) {
    this.outages.push({ ms, methods: new Set(methods), answers, n: 0 });
  }

  /** What the Web API client should be given as slackApiUrl. */
  get apiUrl() {
    return `${this.url}/api/`;
  }
  responseUrl(id = "r") {
    return `${this.url}/respond/${id}`;
  }

  /** Answers the next `n` calls of `method` (that match `when`) with 429 + Retry-After, or an error. */
  failNext(method: string, n: number, f: Omit<Failure, "left"> = { status: 429, retryAfter: 1 }) {
    this.failures.set(method, [...(this.failures.get(method) ?? []), { left: n, ...f }]);
  }

  /** A channel someone else created with this name: conversations.create answers name_taken for it. */
  takeName(name: string, creator = "U0SOMEONE"): FakeChannel {
    const c: FakeChannel = { id: `C0TAKEN${++this.seq}`, name, creator, is_private: false, invited: [], pins: [] };
    this.channels.set(c.id, c);
    return c;
  }
  /** The channel named `name`, if one was created. */
  channelNamed(name: string): FakeChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  /** Forgets messages, calls and failures: a fresh workspace for the next test. */
  reset() {
    this.clearFailures();
    this.release();
    this.holds = [];
    this.lostAnswers.clear();
    this.messages.clear();
    for (const list of [this.calls, this.refused, this.responses, this.uploads]) list.length = 0;
    for (const map of [this.buckets, this.perSecond, this.rateLimited, this.channels]) map.clear();
    this.unknownUsers.clear();
  }

  /** Forgets every pending failNext and outage: Slack is healthy again. */
  clearFailures() {
    this.failures.clear();
    this.outages = [];
  }

  callsOf(method: string) {
    return this.calls.filter((c) => c.method === method);
  }
  /** Messages in a channel (top level, oldest first), as they are now. */
  channel(id: string) {
    return [...this.messages.values()].filter((m) => m.channel === id && !m.thread_ts);
  }
  thread(channel: string, ts: string) {
    return [...this.messages.values()].filter((m) => m.channel === channel && m.thread_ts === ts);
  }
  dmOf(userId: string) {
    return this.channel(`D${userId}`);
  }
  get totalCalls() {
    return this.calls.length + this.responses.length;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, head: (s: number, h?: Record<string, string>) => unknown, end: (b?: string) => void, gone: () => boolean) {
    const body = await new Promise<Buffer>((r) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => r(Buffer.concat(chunks)));
    });
    const raw = body.toString("utf8");
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      head(status, { "content-type": "application/json", ...headers });
      end(JSON.stringify(body));
    };
    const path = (req.url ?? "").split("?")[0]!;
    if (path.startsWith("/respond/")) {
      this.responses.push({ path, body: JSON.parse(raw || "{}") });
      return json(200, { ok: true });
    }
    if (path.startsWith("/upload/")) {
      // Like Slack's upload URLs: no bot token needed, an unknown file id is a 404.
      const fileId = decodeURIComponent(path.slice("/upload/".length));
      if (!this.pendingFiles.has(fileId)) {
        head(404, { "content-type": "text/plain" });
        return end("not found");
      }
      const contentType = String(req.headers["content-type"] ?? "");
      this.uploads.push({ fileId, bytes: await uploadedBytes(body, contentType), contentType, at: Date.now() });
      head(200, { "content-type": "text/plain" });
      return end(`OK - ${body.length}`);
    }
    const method = path.replace(/^\/api\//, "");
    const args = parseBody(raw, String(req.headers["content-type"] ?? ""));
    const call = { method, args, at: Date.now() };
    const token = String(req.headers.authorization ?? "").replace(/^Bearer /, "") || args.token;
    if (token !== this.token) return json(200, { ok: false, error: "invalid_auth" });
    const f = (this.failures.get(method) ?? []).find((x) => x.left > 0 && (!x.when || x.when(args)));
    if (f) {
      f.left--;
      this.refused.push(call);
      if (f.status === 429) return json(429, { ok: false, error: "ratelimited" }, { "retry-after": String(f.retryAfter ?? 1) });
      return json(f.status ?? 200, { ok: false, error: f.error ?? "internal_error" });
    }
    const down = this.outages.find((o) => o.methods.has(method) && (o.until ??= Date.now() + o.ms) > Date.now());
    if (down) {
      const a = down.answers[down.n++ % down.answers.length]!;
      this.refused.push(call);
      return json(a.status, { ok: false, error: a.status === 429 ? "ratelimited" : "internal_error" }, a.retryAfter !== undefined ? { "retry-after": String(a.retryAfter) } : {});
    }
    if (!METHODS.has(method)) return json(200, { ok: false, error: "unknown_method" });
    const where = IN_CHANNEL[method] ? args[IN_CHANNEL[method]!] : undefined;
    // A D… channel is a DM with the bot (someone wrote to it, or it opened one): the bot is in it.
    if (where !== undefined && !String(where).startsWith("D") && !this.members.has(String(where))) return json(200, { ok: false, error: "not_in_channel" });
    if (method === "chat.postMessage") {
      const channel = String(args.channel);
      const wait = this.overLimit(channel, call.at);
      if (wait !== undefined) {
        this.refused.push(call);
        this.rateLimited.set(channel, (this.rateLimited.get(channel) ?? 0) + 1);
        return json(429, { ok: false, error: "ratelimited" }, { "retry-after": String(wait) });
      }
      const seconds = this.perSecond.get(channel) ?? new Map<number, number>();
      this.perSecond.set(channel, seconds);
      const second = Math.floor(call.at / 1000);
      seconds.set(second, (seconds.get(second) ?? 0) + 1);
    }
    this.calls.push(call);
    const answer = this.answer(method, args);
    const lost = this.lostAnswers.get(method) ?? 0;
    if (lost > 0 && answer.ok) {
      this.lostAnswers.set(method, lost - 1);
      return json(500, { ok: false, error: "internal_error" });
    }
    const hold = this.holds.find((h) => h.method === method && h.left > 0 && (!h.when || h.when(args)));
    if (hold) {
      hold.left--;
      // Slack has acted; the answer waits. A caller killed meanwhile never learns the outcome.
      return void this.heldAnswers.push(() => void (gone() ? undefined : json(200, answer)));
    }
    json(200, answer);
  }

  /** conversations.create: a public or private channel the bot created and is in, or Slack's refusal. */
  private create(a: Record<string, any>): Record<string, unknown> {
    const problem = nameProblem(a.name);
    if (problem) return { ok: false, error: problem };
    if (this.channelNamed(a.name)) return { ok: false, error: "name_taken" };
    const c: FakeChannel = { id: `C0ROOM${String(++this.seq).padStart(4, "0")}`, name: a.name, creator: BOT_USER, is_private: a.is_private === true || a.is_private === "true", invited: [], pins: [] };
    this.channels.set(c.id, c);
    this.members.add(c.id);
    return { ok: true, channel: { id: c.id, name: c.name, is_channel: true, is_private: c.is_private, creator: c.creator, is_member: true, is_archived: false } };
  }

  /**
   * conversations.invite: like Slack, one refused user fails the whole call (without `force`):
   * the bot itself (cant_invite_self), an unknown id (user_not_found), a member (already_in_channel).
   */
  private invite(a: Record<string, any>): Record<string, unknown> {
    const c = this.channels.get(String(a.channel));
    if (!c) return { ok: false, error: "channel_not_found" };
    const users = String(a.users ?? "").split(",").filter(Boolean);
    if (!users.length) return { ok: false, error: "no_user" };
    for (const u of users) {
      if (u === BOT_USER) return { ok: false, error: "cant_invite_self" };
      if (!/^[UW][A-Z0-9]{2,20}$/.test(u) || this.unknownUsers.has(u)) return { ok: false, error: "user_not_found" };
      if (c.invited.includes(u)) return { ok: false, error: "already_in_channel" };
    }
    c.invited.push(...users);
    return { ok: true, channel: { id: c.id, name: c.name } };
  }

  /** Real time, like Slack's ts, so `oldest` means what it says; the sequence keeps them unique. */
  private nextTs() {
    this.seq++;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, "0")}`;
  }

  /** conversations.history (top level) and conversations.replies (a thread, its parent first). */
  private read(a: Record<string, any>, thread?: string): Record<string, unknown> {
    const oldest = Number(a.oldest ?? 0);
    const limit = Math.min(Math.max(Number(a.limit ?? 100), 1), 999);
    const all = [...this.messages.values()]
      .filter((m) => m.channel === a.channel && (thread ? m.ts === thread || m.thread_ts === thread : !m.thread_ts) && Number(m.ts) >= oldest)
      .sort((x, y) => Number(x.ts) - Number(y.ts));
    // history is newest first, replies oldest first, as in Slack.
    if (!thread) all.reverse();
    const start = Number(a.cursor ?? 0);
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    const withMeta = a.include_all_metadata === true || a.include_all_metadata === "true";
    const messages = page.map((m) => ({
      type: "message",
      ts: m.ts,
      text: m.text,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
    }));
    return { ok: true, messages, has_more: more, ...(more ? { response_metadata: { next_cursor: String(start + limit) } } : {}) };
  }

  private answer(method: string, a: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case "chat.postMessage": {
        if (blocksProblem(a.blocks)) return { ok: false, error: "invalid_blocks", errors: [blocksProblem(a.blocks)] };
        const ts = this.nextTs();
        if (a.thread_ts && !this.messages.has(`${a.channel}/${a.thread_ts}`)) return { ok: false, error: "thread_not_found" };
        const metadata = typeof a.metadata === "string" ? tryJson(a.metadata) : a.metadata;
        this.messages.set(`${a.channel}/${ts}`, { channel: a.channel, ts, text: a.text, blocks: a.blocks, thread_ts: a.thread_ts, edits: 0, ...(metadata ? { metadata } : {}) });
        return { ok: true, channel: a.channel, ts, message: { text: a.text, ts } };
      }
      case "chat.update": {
        if (blocksProblem(a.blocks)) return { ok: false, error: "invalid_blocks", errors: [blocksProblem(a.blocks)] };
        const m = this.messages.get(`${a.channel}/${a.ts}`);
        if (!m) return { ok: false, error: "message_not_found" };
        Object.assign(m, { text: a.text, blocks: a.blocks, edits: m.edits + 1 });
        return { ok: true, channel: a.channel, ts: a.ts };
      }
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.nextTs() };
      case "chat.getPermalink":
        return { ok: true, channel: a.channel, permalink: `https://fake.slack.test/archives/${a.channel}/p${String(a.message_ts).replace(".", "")}` };
      case "conversations.open": {
        return { ok: true, channel: { id: `D${String(a.users).split(",")[0]}` } };
      }
      case "conversations.history":
        return this.read(a);
      case "conversations.replies":
        if (!this.messages.has(`${a.channel}/${a.ts}`)) return { ok: false, error: "thread_not_found" };
        return this.read(a, String(a.ts));
      case "views.open": {
        // As docs.slack.dev/reference/views/modal-views says a modal must be: refused otherwise.
        const problem = modalProblem(a);
        if (problem) return { ok: false, error: "invalid_arguments", response_metadata: { messages: [problem] } };
        return { ok: true, view: { id: `V${this.seq++}`, ...(a.view ?? {}) } };
      }
      case "files.getUploadURLExternal": {
        const id = `F${String(++this.seq).padStart(8, "0")}`;
        this.pendingFiles.set(id, { filename: a.filename, length: a.length === undefined ? undefined : Number(a.length) });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const files: Array<{ id: string; title?: string }> = (Array.isArray(a.files) ? a.files : []).map((f: { id: string; title?: string }) => ({ id: f.id, ...(f.title ? { title: f.title } : {}) }));
        if (!files.length || files.some((f) => !this.uploads.some((u) => u.fileId === f.id))) return { ok: false, error: "file_not_found" };
        if (a.channel_id) {
          const ts = this.nextTs();
          this.messages.set(`${a.channel_id}/${ts}`, { channel: a.channel_id, ts, text: a.initial_comment, thread_ts: a.thread_ts, edits: 0, files });
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? this.pendingFiles.get(f.id)?.filename })) };
      }
      case "auth.test":
        return { ok: true, user_id: BOT_USER, bot_id: "B0BOT", team_id: "T0TEST" };
      case "conversations.create":
        return this.create(a);
      case "conversations.invite":
        return this.invite(a);
      case "conversations.list": {
        const limit = Math.min(Math.max(Number(a.limit ?? 100), 1), 1000);
        const start = Number(a.cursor ?? 0);
        const all = [...this.channels.values()].filter((c) => !c.is_private);
        const page = all.slice(start, start + limit).map((c) => ({ id: c.id, name: c.name, is_channel: true, is_private: false, is_archived: false, creator: c.creator, is_member: this.members.has(c.id) }));
        const more = start + limit < all.length;
        return { ok: true, channels: page, response_metadata: { next_cursor: more ? String(start + limit) : "" } };
      }
      case "pins.add": {
        if (!a.timestamp) return { ok: false, error: "no_item_specified" };
        if (!this.messages.has(`${a.channel}/${a.timestamp}`)) return { ok: false, error: "message_not_found" };
        const c = this.channels.get(String(a.channel));
        if (!c) return { ok: true }; // a BOT_CHANNELS channel: pins are not tracked there
        if (c.pins.includes(String(a.timestamp))) return { ok: false, error: "already_pinned" };
        c.pins.push(String(a.timestamp));
        return { ok: true };
      }
      default:
        return { ok: true };
    }
  }
}

/**
 * Why Slack would refuse views.open (docs.slack.dev/reference/views/modal-views): no trigger id, a
 * title, submit or close over 24 characters, more than 100 blocks, private_metadata over 3000, a
 * callback_id over 255, or an input block without a submit button. Undefined when it would open.
 */
function modalProblem(a: Record<string, any>): string | undefined {
  const v = a.view;
  if (!a.trigger_id) return "[ERROR] missing required field: trigger_id";
  if (!v || v.type !== "modal") return "[ERROR] view type must be modal";
  for (const k of ["title", "submit", "close"] as const) {
    const t = v[k]?.text;
    if (k === "title" && typeof t !== "string") return "[ERROR] missing required field: title";
    if (typeof t === "string" && t.length > 24) return `[ERROR] must be less than 25 characters [json-pointer:/view/${k}/text]`;
  }
  if (!Array.isArray(v.blocks) || v.blocks.length > 100) return "[ERROR] blocks: at most 100";
  if (typeof v.private_metadata === "string" && v.private_metadata.length > 3000) return "[ERROR] private_metadata: at most 3000 characters";
  if (typeof v.callback_id === "string" && v.callback_id.length > 255) return "[ERROR] callback_id: at most 255 characters";
  if (v.blocks.some((b: any) => b.type === "input") && !v.submit) return "[ERROR] submit is required when an input block is present";
  return undefined;
}

const BLOCK_TYPES = new Set(["section", "actions", "context", "header", "divider", "input", "image", "rich_text", "file", "video"]);

/**
 * Why Slack would answer invalid_blocks (Block Kit's published limits, the ones our messages come
 * near): more than 50 blocks, an unknown block type, a repeated block_id, a section over 3,000
 * characters, a header over 150 or not plain text, a context with 0 or over 10 elements, an actions
 * block with 0 or over 25, a button text over 75. Undefined: Slack takes them.
 */
export function blocksProblem(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return "blocks is not an array";
  if (blocks.length > 50) return `${blocks.length} blocks (max 50)`;
  const ids = new Set<string>();
  for (const [i, b] of blocks.entries()) {
    const at = `block ${i} (${b?.type})`;
    if (!BLOCK_TYPES.has(b?.type)) return `${at}: unknown type`;
    if (b.block_id !== undefined) {
      if (ids.has(b.block_id)) return `${at}: duplicate block_id`;
      ids.add(b.block_id);
    }
    if (b.type === "section" && typeof b.text?.text === "string" && b.text.text.length > 3000) return `${at}: text over 3000`;
    if (b.type === "section" && !b.text && !b.fields) return `${at}: neither text nor fields`;
    if (b.type === "header" && (b.text?.type !== "plain_text" || String(b.text?.text ?? "").length > 150)) return `${at}: header text`;
    if (b.type === "context" && (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > 10)) return `${at}: elements`;
    if (b.type === "actions" && (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > 25)) return `${at}: elements`;
    if (b.type === "actions" && b.elements.some((e: any) => e.type === "button" && String(e.text?.text ?? "").length > 75)) return `${at}: button text over 75`;
  }
  return undefined;
}

/** The name rules conversations.create enforces, with the errors Slack answers (methods/conversations.create). */
function nameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name === "") return "invalid_name_required";
  if (name.length > NAME_MAX) return "invalid_name_maxlength";
  if (/[^a-z0-9_-]/.test(name)) return "invalid_name_specials";
  if (/^[-_]+$/.test(name)) return "invalid_name_punctuation";
  return undefined;
}

/** The uploaded file's size: the file part of a multipart/form-data body, else the whole body. */
async function uploadedBytes(body: Buffer, contentType: string): Promise<number> {
  if (!contentType.includes("multipart/form-data")) return body.length;
  const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  for (const [, v] of form) if (typeof v !== "string") return v.size;
  return 0;
}

/** Form bodies carry nested values (blocks, view) as JSON strings, like Slack's own clients send them. */
function parseBody(raw: string, type: string): Record<string, any> {
  if (!raw) return {};
  if (type.includes("application/json")) return JSON.parse(raw);
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = /^[[{]/.test(v) ? tryJson(v) : v;
  }
  return out;
}
const tryJson = (v: string) => {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};
