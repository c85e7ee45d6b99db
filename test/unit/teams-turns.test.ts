// Issue 13 for Teams, the parts below the processes: a Teams step as a job (it must name its chat), the
// worker handing each step to its own platform, and a step planned again after its worker died (the
// answer read back from the saved state, the pressed card edited again, which is repeatable).
import { UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { planStep, type TeamsCall } from "../../adapters/teams/turns.js";
import { createEmbeddedApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { adapterPort } from "../../src/port.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { TurnJob } from "../../src/turns/job.js";
import { byPlatform, type TurnHandler } from "../../src/turns/worker.js";
import { SAFETY_ANSWERS } from "../support/answers.js";

const user = { platform: "teams" as const, userId: "aad-rita" };
const key = "teams:tenant-0001:aad-rita";
const place = { serviceUrl: "https://smba.trafficmanager.net/teams/", conversationId: "a:personal-aad-rita", tenantId: "tenant-0001" };
const app = () => createEmbeddedApp(loadConfig({}), { notifier: new NotifierRouter([]), log: silentLogger });
const ops = (calls: TeamsCall[]) => calls.map((c) => c.op);
const said = (calls: TeamsCall[]) => JSON.stringify(calls.filter((c) => c.op === "teams-send"));

describe("a Teams step as a job", () => {
  it("names its chat, and only a Teams step does", () => {
    const step = { platform: "teams" as const, key, seq: 1, user, input: { kind: "text" as const, text: "hello" } };
    expect(TurnJob.safeParse({ ...step, teams: place }).success).toBe(true);
    expect(TurnJob.safeParse(step).success).toBe(false);
    expect(TurnJob.safeParse({ ...step, platform: "slack", teams: place }).success).toBe(false);
    expect(TurnJob.safeParse({ ...step, teams: { ...place, serviceUrl: "javascript:alert(1)" } }).success).toBe(false);
  });
});

describe("the worker's handler per platform", () => {
  const handler = (name: string, schema: z.ZodType<unknown>, seen: string[]): TurnHandler<unknown> => ({
    schema,
    plan: async () => (seen.push(`${name}:plan`), []),
    send: async () => void seen.push(`${name}:send`),
    tellFailure: async () => void seen.push(`${name}:fail`),
  });
  const slackJob = TurnJob.parse({ platform: "slack", key: "slack:T:U", seq: 1, user: { platform: "slack", userId: "U" }, input: { kind: "text", text: "x" } });
  const teamsJob = TurnJob.parse({ platform: "teams", key, seq: 1, user, input: { kind: "text", text: "x" }, teams: place });

  it("gives each step to its platform's handler, and stores either platform's calls", async () => {
    const seen: string[] = [];
    const both = byPlatform({ slack: handler("slack", z.strictObject({ op: z.literal("post") }), seen), teams: handler("teams", z.strictObject({ op: z.literal("teams-send") }), seen) })!;
    await both.plan(teamsJob, false);
    await both.tellFailure(slackJob);
    expect(seen).toEqual(["teams:plan", "slack:fail"]);
    expect(both.schema.safeParse({ op: "post" }).success).toBe(true);
    expect(both.schema.safeParse({ op: "teams-send" }).success).toBe(true);
    expect(both.schema.safeParse({ op: "other" }).success).toBe(false);
  });

  it("fails a step of a platform this worker is not configured for, for good", () => {
    const slackOnly = byPlatform({ slack: handler("slack", z.unknown(), []) })!;
    expect(() => slackOnly.plan(teamsJob, false)).toThrow(UnrecoverableError);
    expect(byPlatform({})).toBeUndefined();
  });
});

describe("a Teams step planned again after its worker died", () => {
  async function atFirstQuestion() {
    const a = app();
    const port = adapterPort(a);
    await planStep(port, { key, user, input: { kind: "start", text: String(SAFETY_ANSWERS.description) } });
    await a.bot.handleTurn({ key, user, input: { kind: "confirm-inferred", decision: "keep-all" } });
    const conv = (await a.conversations.get(key))!;
    const q = a.bot.ask(conv)[0]!;
    if (q.kind !== "question" || q.multi) throw new Error(`expected a one-answer question, got ${q.kind}`);
    const card = { conversationId: conv.id, activityId: "act-7", questionId: q.questionId };
    return { a, port, conv, q, card };
  }

  it("answers what the saved step answered: the pressed card edited and the next question", async () => {
    const { a, port, conv, q, card } = await atFirstQuestion();
    const step = { key, user, input: { kind: "answer" as const, questionId: q.questionId, value: String(SAFETY_ANSWERS[q.questionId]), rev: conv.rev }, card };
    const first = await planStep(port, step);
    expect(ops(first)).toEqual(["teams-update", "teams-send"]);
    expect(first[0]).toMatchObject({ activityId: "act-7" });
    expect(await planStep(port, step, true)).toEqual(first);
    // Not a re-run: the same press again is a stale one, a note and no edit.
    const stale = await planStep(port, step);
    expect(ops(stale)).toEqual(["teams-send"]);
    expect(said(stale)).toContain("already answered");
    await a.close();
  });

  it("a Cancel that ended the triage is answered as cancelled on its re-run, not as a stale card", async () => {
    const { a, port, conv, card } = await atFirstQuestion();
    const step = { key, user, input: { kind: "cancel" as const, rev: conv.rev }, card };
    const first = await planStep(port, step);
    expect(said(first)).toContain("Triage cancelled");
    expect(await a.conversations.get(key)).toBeUndefined();
    const again = await planStep(port, step, true);
    expect(ops(again)).toEqual(ops(first));
    expect(said(again)).toContain("Triage cancelled");
    expect(said(await planStep(port, step))).toContain("That card belongs to a triage that has ended");
    await a.close();
  });
});
