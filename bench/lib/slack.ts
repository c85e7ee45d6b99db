// Signed Slack requests in Slack's wire shapes (as test/support/slack-sign.ts builds them), sent over a
// keep-alive node:http agent so the load generator costs little CPU. Latency is measured from just
// before the request is written to the end of the response body.
import { Agent, request } from "node:http";
import { randomUUID } from "node:crypto";
import { TEAM, blockActionsPayload, commandFields, signature } from "../../test/support/slack-sign.js";
import { msSince, nowNs } from "./stats.js";

export const SECRET = "bench-signing-secret-0123456789";
export const TOKEN = "xoxb-bench-token";
export const EVENTS_PATH = "/slack/events";
export { TEAM };

export interface User {
  id: string;
  name: string;
}
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}
export interface Sent {
  status: number;
  ms: number;
  /** when the request was started, on the monotonic clock. */
  startNs: bigint;
  body: string;
}

export function sign(body: string, contentType = "application/x-www-form-urlencoded", ts = Math.floor(Date.now() / 1000)): SignedRequest {
  return {
    body,
    headers: {
      "content-type": contentType,
      "content-length": String(Buffer.byteLength(body)),
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signature(SECRET, ts, body),
    },
  };
}

/** `/incident <text>` as Slack posts it. */
export function commandBody(user: User, text: string, responseUrl: string): string {
  return new URLSearchParams(commandFields(user, text, `${responseUrl}cmd-${randomUUID()}`)).toString();
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: any[];
}

/** A `block_actions` click on a button of a bot message, with the message (and its blocks) echoed like Slack does. */
export function clickBody(user: User, msg: PostedMessage, button: { action_id: string; value?: string; text?: unknown }, state: Record<string, any>, responseUrl: string): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(user, msg, button, state, (id) => `${responseUrl}click-${id}`)) }).toString();
}

// ---- reading a bot message like a person would (same rules as test/e2e/slack.test.ts) -----------------

export const elements = (m: { blocks?: any[] }) => (m.blocks ?? []).flatMap((b: any) => (b.type === "actions" ? b.elements : []));
export const buttonsOf = (m: { blocks?: any[] }) => elements(m).filter((e: any) => e.type === "button");
export function button(m: { blocks?: any[] }, actionId: string) {
  const b = buttonsOf(m).find((x: any) => x.action_id === actionId);
  if (!b) throw new Error(`no button ${actionId} in message "${(m as { text?: string }).text}"`);
  return b;
}

export type Answers = Record<string, string | string[]>;

/** The click that answers the step shown in `m` from `answers`, or undefined when `m` is the result. */
export function nextClick(m: PostedMessage, answers: Answers, acceptSuggestions = false): { button: any; state: Record<string, any> } | undefined {
  const ids = buttonsOf(m).map((b: any) => b.action_id as string);
  if (/^(Filed|Already filed) INC-/.test(m.text ?? "")) return undefined;
  if (ids.includes("triage_confirm_yes")) {
    // Keep them all, or change the first one that can be changed (its question is answered next).
    const change = ids.find((id) => id.startsWith("triage_change:"));
    return { button: button(m, acceptSuggestions || !change ? "triage_confirm_yes" : change), state: {} };
  }
  if (ids.includes("triage_multi_next")) {
    const q = JSON.parse(button(m, "triage_multi_next").value).q as string;
    const want = (answers[q] as string[] | undefined) ?? [];
    if (!want.length) return { button: button(m, "triage_multi_none"), state: {} };
    const boxes = elements(m).filter((e: any) => e.type === "checkboxes");
    const state = { choices: Object.fromEntries(boxes.map((cb: any) => [cb.action_id, { type: "checkboxes", selected_options: cb.options.filter((o: any) => want.includes(o.value)) }])) };
    return { button: button(m, "triage_multi_next"), state };
  }
  const answer = buttonsOf(m).find((b: any) => b.action_id.startsWith("triage_answer:"));
  if (!answer) throw new Error(`cannot answer message "${m.text}" (buttons ${ids.join(", ")})`);
  const q = JSON.parse(answer.value).q as string;
  return { button: button(m, `triage_answer:${answers[q]}`), state: {} };
}

// ---- the HTTP client ---------------------------------------------------------------------------------

export class SlackClient {
  readonly agent: Agent;
  constructor(readonly port: number, maxSockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 30_000 });
  }

  send(r: SignedRequest, path = EVENTS_PATH): Promise<Sent> {
    return new Promise((resolve) => {
      const startNs = nowNs();
      const req = request({ host: "127.0.0.1", port: this.port, path, method: "POST", headers: r.headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: msSince(startNs), startNs, body: Buffer.concat(chunks).toString() }));
        res.on("error", (e) => resolve({ status: 0, ms: msSince(startNs), startNs, body: String(e) }));
      });
      req.on("error", (e) => resolve({ status: 0, ms: msSince(startNs), startNs, body: String(e) }));
      req.end(r.body);
    });
  }

  close() {
    this.agent.destroy();
  }
}

/** Runs `n` tasks with at most `concurrency` in flight, in order of index. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) await task(next++);
  });
  await Promise.all(lanes);
}
