// Issue 13: a queued step run again after its worker died. The worker records a step's Slack calls
// before sending them, but between the bot saving the step and that record there is one Redis round
// trip: a worker that dies there leaves a successor whose own run of the step finds it "already
// answered". The successor must answer what the step answered (read back from the saved state), and
// only for its own step: a genuine double click still gets the private "already answered" line.
import { describe, expect, it } from "vitest";
import { planTurn, type SlackCall } from "../../adapters/slack/turns.js";
import { createEmbeddedApp } from "../../src/app.js";
import { adapterPort } from "../../src/port.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { TurnJob, type TurnRequestJob } from "../../src/turns/job.js";
import { SAFETY_ANSWERS } from "../support/answers.js";

const user = { platform: "slack" as const, userId: "U0RITA" };
const base = { platform: "slack" as const, key: "slack:T0TEST:U0RITA", user, dm: "DU0RITA" };
const app = () => createEmbeddedApp(loadConfig({}), { notifier: new NotifierRouter([]), log: silentLogger });

/** The step answering the walk-through's current question, as a click on the message that asked it. */
async function clickOn(a: ReturnType<typeof app>): Promise<TurnRequestJob> {
  const conv = (await a.conversations.get(base.key))!;
  const q = a.bot.ask(conv)[0]!;
  if (q.kind !== "question" || q.multi) throw new Error(`expected a one-answer question, got ${q.kind}`);
  const value = String(SAFETY_ANSWERS[q.questionId]);
  return { ...base, input: { kind: "answer", questionId: q.questionId, value, rev: conv.rev }, origin: { channel: base.dm, ts: "1.000100", conversationId: conv.id, questionId: q.questionId }, whisper: { responseUrl: "http://127.0.0.1:9/respond/x" } };
}

const ops = (calls: SlackCall[]) => calls.map((c) => c.op);

describe("a step run again after its worker died", () => {
  it("answers what the saved step answered: the clicked question marked answered and the next one", async () => {
    const a = app();
    await planTurn({ app: adapterPort(a) }, { ...base, input: { kind: "start" } });
    await a.bot.handleTurn({ key: base.key, user, input: { kind: "text", text: String(SAFETY_ANSWERS.description) } });
    await a.bot.handleTurn({ key: base.key, user, input: { kind: "confirm-inferred", decision: "keep-all" } });
    const step = await clickOn(a);
    TurnJob.parse({ ...step, seq: 1 }); // what the web process would enqueue
    const first = await planTurn({ app: adapterPort(a) }, step);
    expect(ops(first)).toEqual(["update", "post"]);
    // The worker died after the bot saved the step: its successor's run.
    const again = await planTurn({ app: adapterPort(a) }, step, true);
    expect(again).toEqual(first);
    // Without knowing it is a re-run, the same click is a stale one, answered privately.
    expect(ops(await planTurn({ app: adapterPort(a) }, step))).toEqual(["whisper"]);
    await a.close();
  });

  it("a re-run of a click that was stale already stays a private line, never a second question", async () => {
    const a = app();
    await planTurn({ app: adapterPort(a) }, { ...base, input: { kind: "start", text: String(SAFETY_ANSWERS.description) } });
    await a.bot.handleTurn({ key: base.key, user, input: { kind: "confirm-inferred", decision: "keep-all" } });
    const step = await clickOn(a);
    await planTurn({ app: adapterPort(a) }, step);
    await a.bot.handleTurn({ key: base.key, user, input: { kind: "back" } }); // the walk-through moved on twice since
    await a.bot.handleTurn({ key: base.key, user, input: { kind: "back" } });
    expect(ops(await planTurn({ app: adapterPort(a) }, step, true))).toEqual(["whisper"]);
    await a.close();
  });
});
