// The test app with the abuse limits wired the way src/app.ts wires them in production: one limiter
// shared by the bot (reports) and the ticket processor (pages).
import type { App } from "../../src/app.js";
import { TriageBot, type Input } from "../../src/bot/conversation.js";
import type { Reply } from "../../src/bot/reply.js";
import type { Actor } from "../../src/domain/incident.js";
import { DEFAULT_LIMITS, type LimitPolicy } from "../../src/domain/limits.js";
import { MemoryRateLimiter } from "../../src/store/rate-limiter.js";
import { changeFirst } from "./suggestions.js";

export function guardedBot(app: App, limits: Partial<LimitPolicy> = {}) {
  const limiter = new MemoryRateLimiter();
  const policy = { ...DEFAULT_LIMITS, ...limits };
  const bot = new TriageBot({ ...app.defs, conversations: app.conversations, incidents: app.incidents, tickets: app.actions, clock: app.clock, limiter, limits: policy });
  return { bot, limiter, limits: policy };
}

export const current = (r: Reply[]) => r.findLast((x) => x.kind === "question" || x.kind === "text-prompt" || x.kind === "confirm-inferred" || x.kind === "duplicate");

/** Answers a walk-through to its end (changing each suggestion, so every question is asked), returning the last replies. */
export async function walkThrough(bot: TriageBot, user: Actor, key: string, answers: Record<string, unknown>, start: Input = { kind: "start" }): Promise<Reply[]> {
  let r = await bot.handle({ key, user, input: start });
  for (let i = 0; i < 25; i++) {
    const q = current(r);
    if (!q || q.kind === "duplicate") return r;
    const input: Input =
      q.kind === "confirm-inferred" ? changeFirst(q) : { kind: "answer", questionId: q.questionId, value: answers[q.questionId], rev: q.rev };
    r = await bot.handle({ key, user, input });
  }
  throw new Error("the walk-through did not finish");
}
