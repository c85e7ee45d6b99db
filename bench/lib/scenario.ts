// Responders and their answers, and walking conversations forward without HTTP (set-up only: the bot
// of an app on the same Redis, exactly what the web process would store), then rendering the step a
// responder would be looking at in Slack so a signed click on it can be sent through the web process.
import { randomUUID } from "node:crypto";
import { turnKey } from "../../adapters/slack/deps.js";
import { renderReplies } from "../../adapters/slack/blocks/reply.js";
import type { App } from "../../src/app.js";
import type { Reply } from "../../src/bot/reply.js";
import type { Conversation } from "../../src/store/types.js";
import type { Answers, PostedMessage, User } from "./slack.js";
import { TEAM } from "./slack.js";

export interface Case {
  kind: "safety" | "security" | "cross";
  description: string;
  answers: Answers;
}

// Every responder describes a different incident: a case sentence plus details of its own (synthetic
// words from a seeded generator), so that the duplicate check (character-trigram similarity with open
// incidents of the same asset and kind) files each report as its own incident, as distinct reports are.
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
function details(n: number, words = 40): string {
  let seed = (n + 1) * 2654435761;
  const next = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 2246822519) + 0x9e3779b9) | 0) >>> 0) % LETTERS.length;
  const out: string[] = [];
  for (let w = 0; w < words; w++) out.push(Array.from({ length: 6 }, () => LETTERS[next()]).join(""));
  return `Details: ${out.join(" ")}.`;
}

export const CASES: Array<(n: number) => Case> = [
  (n) => ({
    kind: "safety",
    description: `The support chatbot keeps making up refund rules after the last update; customers quote them to agents. ${details(n)}`,
    answers: { intent: "none", failureKind: "hallucination", asset: "outputs", ciaLost: [], exploitable: "no", harm: ["financial"], ongoing: "yes", scope: "many-users", seriousEffects: [], personalData: "no", awareness: "at-report" },
  }),
  (n) => ({
    kind: "security",
    description: `Prompt injection in a shared document made the assistant email out customer records. ${details(n)}`,
    answers: { intent: "deliberate", attackKind: "prompt-injection", asset: "user-data", ciaLost: ["confidentiality"], harm: [], ongoing: "no", scope: "some-users", seriousEffects: [], personalData: "no", awareness: "at-report" },
  }),
  (n) => ({
    kind: "safety",
    description: `The loan model rejects applicants from one postcode far more often since the retrain. ${details(n)}`,
    answers: { intent: "none", failureKind: "bias", asset: "model", ciaLost: [], exploitable: "unknown", harm: ["rights-or-fairness"], ongoing: "yes", scope: "some-users", seriousEffects: [], personalData: "no", awareness: "at-report" },
  }),
  (n) => ({
    kind: "cross",
    description: `Someone made the shopping assistant quote fake prices to customers. ${details(n)}`,
    answers: { intent: "suspected", attackKind: "prompt-injection", asset: "outputs", ciaLost: ["integrity"], harm: ["financial"], ongoing: "yes", scope: "some-users", seriousEffects: [], personalData: "no", awareness: "at-report" },
  }),
];
export const caseFor = (i: number): Case => CASES[i % CASES.length]!(i);

export const responder = (i: number, tag = "R"): User => ({ id: `U0${tag}${String(i).padStart(5, "0")}`, name: `responder${i}` });
export const dmOf = (u: User) => `D${u.id}`;
export const keyOf = (u: User) => turnKey(TEAM.id, u.id);
const actor = (u: User) => ({ platform: "slack" as const, userId: u.id, name: u.name });

/** The step a conversation is at, as Slack would show it in the responder's DM. */
export function messageOf(replies: Reply[], u: User, ts: string): PostedMessage {
  const m = renderReplies(replies).at(-1);
  if (!m) throw new Error("no message to show");
  return { channel: dmOf(u), ts, text: m.text, blocks: m.blocks };
}

/**
 * Starts a triage for `u` with the case's description and answers (changing each suggestion, so
 * every question is asked) until the step `stopAt` (a question id) is next. Returns what the responder
 * sees then.
 */
export async function walkTo(app: App, u: User, c: Case, stopAt: string, ts = "1700000000.000001"): Promise<PostedMessage> {
  const key = keyOf(u);
  let replies = await app.bot.handle({ key, user: actor(u), input: { kind: "start", text: c.description } });
  for (let i = 0; i < 20; i++) {
    const step = replies.findLast((r) => r.kind === "question" || r.kind === "confirm-inferred" || r.kind === "text-prompt");
    if (!step) throw new Error(`walk of ${u.id} ended before ${stopAt}: ${JSON.stringify(replies.map((r) => r.kind))}`);
    if (step.kind === "question" && step.questionId === stopAt) return messageOf(replies, u, ts);
    if (step.kind === "confirm-inferred") {
      // Change the first changeable suggestion: its question is asked next, answered from the case.
      const item = step.items.find((i) => i.changeable) ?? step.items[0]!;
      replies = await app.bot.handle({ key, user: actor(u), input: { kind: "confirm-inferred", decision: "change", questionId: item.questionId, rev: step.rev } });
    } else if (step.kind === "question") {
      const value = c.answers[step.questionId];
      if (value === undefined) throw new Error(`case ${c.kind} has no answer for ${step.questionId}`);
      replies = await app.bot.handle({ key, user: actor(u), input: { kind: "answer", questionId: step.questionId, value, rev: step.rev } });
    } else {
      replies = await app.bot.handle({ key, user: actor(u), input: { kind: "answer", questionId: step.questionId, value: c.description, rev: step.rev } });
    }
  }
  throw new Error(`walk of ${u.id} did not reach ${stopAt}`);
}

/** What the responder sees now (after the web process moved the conversation on). */
export async function currentMessage(app: App, u: User, ts = "1700000000.000002"): Promise<PostedMessage> {
  const conv = await app.conversations.get(keyOf(u));
  if (!conv) throw new Error(`no conversation for ${u.id}`);
  return messageOf(app.bot.ask(conv), u, ts);
}

/**
 * Puts `users` at step `stopAt` of their case quickly: one conversation per case is walked by the bot,
 * the others are copies of it under each user's own key and a fresh conversation id (what the store
 * would hold had each user answered the same). Returns what each user sees.
 */
export async function prepareAt(app: App, users: User[], caseOf: (i: number) => Case, stopAt: string): Promise<PostedMessage[]> {
  const templates = new Map<string, Conversation>();
  const out: PostedMessage[] = new Array(users.length);
  const now = new Date().toISOString();
  for (let i = 0; i < users.length; i++) {
    const c = caseOf(i);
    const u = users[i]!;
    let t = templates.get(c.kind);
    if (!t) {
      out[i] = await walkTo(app, u, c, stopAt);
      t = (await app.conversations.get(keyOf(u)))!;
      templates.set(c.kind, t);
      continue;
    }
    const key = keyOf(u);
    const state = { ...t.state, answers: { ...t.state.answers, description: c.description } };
    const conv: Conversation = { ...t, state, id: `${key}:${randomUUID()}`, key, user: actor(u), startedAt: now, updatedAt: now };
    if (!(await app.conversations.put(conv, undefined))) throw new Error(`conversation of ${u.id} exists already`);
    out[i] = messageOf(app.bot.ask(conv), u, "1700000000.000001");
  }
  return out;
}
