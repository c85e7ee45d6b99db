// After a crash between filing and answering (item 6 of issue 12) the reporter can always get back to
// the incident, and nothing is filed twice. The two crash points are reproduced in process here by
// a conversation store that loses a write; test/integration/web-crash.test.ts kills a real web process.
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import type { Input } from "../../src/bot/conversation.js";
import type { Reply } from "../../src/bot/reply.js";
import type { Conversation } from "../../src/store/types.js";
import { testApp } from "../support/app.js";
import { changeFirst } from "../support/suggestions.js";
import { HALLUCINATION_REPORT } from "../support/answers.js";

const user = { platform: "slack" as const, userId: "U0REPORTER", name: "Rita" };
const key = "slack:T1:U0REPORTER";
const answers: Record<string, unknown> = { ...HALLUCINATION_REPORT, description: "The support bot invented a refund policy and customers are quoting it" };
const step = (r: Reply[]) => r.findLast((x) => x.kind === "question" || x.kind === "text-prompt" || x.kind === "confirm-inferred");

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

function setup() {
  const t = testApp();
  apps.push(t.app);
  let conversationId: string | undefined;
  const say = async (input: Input) => {
    const r = await t.app.bot.handle({ key, user, input, ...(conversationId && input.kind !== "start" ? { conversationId } : {}) });
    const s = step(r);
    if (s && "conversationId" in s) conversationId = s.conversationId;
    return r;
  };
  /** Answers until only the last answer is left; returns that last input without sending it. */
  const upToLast = async (): Promise<Input> => {
    let r = await say({ kind: "start" });
    for (let i = 0; i < 20; i++) {
      const q = step(r)!;
      const input: Input = q.kind === "confirm-inferred" ? changeFirst(q) : { kind: "answer", questionId: q.questionId, value: answers[q.questionId], rev: q.rev };
      if (q.kind === "question" && q.questionId === "scope") return input;
      r = await say(input);
    }
    throw new Error("never reached the last question");
  };
  const all = () => t.app.incidents.list({ from: new Date(0), to: new Date(8e15) });
  return { ...t, say, upToLast, all, conversationId: () => conversationId! };
}

describe("a lost reply after filing", () => {
  it("the conversation was saved but the reply never arrived: clicking the old message again shows the incident and its status", async () => {
    const t = setup();
    const last = await t.upToLast();
    await t.say(last); // filed and saved; pretend this reply was lost
    const again = await t.say(last);
    expect(again[0]).toMatchObject({ kind: "notice", text: expect.stringContaining("INC-2026-0001: open, with the safety on-call") });
    expect(again[1]).toMatchObject({ kind: "triage-result", incident: { id: "INC-2026-0001" } });
    // Every other button of that walk-through answers the same, and none of them changes anything.
    for (const input of [{ kind: "file-new", rev: 1 }, { kind: "back", rev: 1 }, { kind: "confirm-inferred", decision: "keep-all", rev: 2 }] as Input[]) {
      expect((await t.say(input)).some((r) => r.kind === "triage-result")).toBe(true);
    }
    expect(await t.all()).toHaveLength(1);
  });

  it("the incident was stored but the conversation was not: starting again says it is filed and files nothing twice", async () => {
    const t = setup();
    const last = await t.upToLast();
    // The process dies after IncidentStore.create and before the conversation is saved.
    const conversations = t.app.conversations;
    const put = conversations.put.bind(conversations);
    conversations.put = async (conv: Conversation, rev: number | undefined) => {
      if (conv.incidentId) throw new Error("killed");
      return put(conv, rev);
    };
    await expect(t.say(last)).rejects.toThrow("killed");
    conversations.put = put;
    expect(await t.all()).toHaveLength(1);

    const restarted = await t.say({ kind: "start" });
    expect(restarted[0]).toMatchObject({ kind: "notice", text: expect.stringContaining("Your last report is filed as INC-2026-0001: open") });
    expect(step(restarted)).toMatchObject({ kind: "text-prompt", questionId: "description" });
    expect(await t.all()).toHaveLength(1);
  });

  it("a click on a message of an earlier, filed walk-through answers with that incident after a new one started", async () => {
    const t = setup();
    const last = await t.upToLast();
    const old = t.conversationId();
    await t.say(last);
    await t.say({ kind: "start" }); // a new walk-through replaces the filed one
    const r = await t.app.bot.handle({ key, user, input: last, conversationId: old });
    expect(r[0]).toMatchObject({ kind: "notice", text: expect.stringContaining("This report is filed as INC-2026-0001") });
    expect(r[1]).toMatchObject({ kind: "triage-result" });
    // Someone else's click on it learns no more than the id and status.
    const other = await t.app.bot.handle({ key: "slack:T1:U0OTHER", user: { platform: "slack", userId: "U0OTHER" }, input: last, conversationId: old });
    expect(other.map((x) => x.kind)).toEqual(["notice"]);
    expect(await t.all()).toHaveLength(1);
  });
});
