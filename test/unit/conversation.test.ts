import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { TriageBot, type Input } from "../../src/bot/conversation.js";
import type { Reply } from "../../src/bot/reply.js";
import { testApp } from "../support/app.js";
import { changeFirst } from "../support/suggestions.js";

const user = { platform: "slack" as const, userId: "U0REPORTER", name: "Rita" };
const key = "slack:T1:U0REPORTER";
let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

function setup() {
  const t = testApp();
  apps.push(t.app);
  const say = (input: Input, bot: TriageBot = t.app.bot) => bot.handle({ key, user, input });
  return { ...t, say };
}
const current = (r: Reply[]) => r.findLast((x) => x.kind === "question" || x.kind === "text-prompt" || x.kind === "confirm-inferred")!;
const answers: Record<string, unknown> = {
  description: "The assistant started quoting a competitor's price list",
  intent: "suspected",
  attackKind: "prompt-injection",
  asset: "outputs",
  ciaLost: ["integrity"],
  harm: ["financial"],
  ongoing: "yes",
  scope: "some-users",
  seriousEffects: [],
  personalData: "no",
};

async function answerAll(say: ReturnType<typeof setup>["say"], start: Reply[]) {
  let r = start;
  for (let i = 0; i < 20; i++) {
    const q = current(r);
    if (!q) return r;
    if (q.kind === "confirm-inferred") r = await say(changeFirst(q));
    else r = await say({ kind: "answer", questionId: q.questionId, value: answers[q.questionId], rev: q.rev });
  }
  throw new Error("flow did not finish");
}

describe("triage conversation", () => {
  it("walks the flow with buttons, files one incident and delivers its tickets", async () => {
    const { app, sent, say } = setup();
    const r = await answerAll(say, await say({ kind: "start" }));
    const result = r.find((x) => x.kind === "triage-result");
    expect(result).toMatchObject({ kind: "triage-result", incident: { id: "INC-2026-0001", classification: { primary: "security", crossDomain: ["security->safety"], severity: "SEV2" } } });
    await app.idle();
    const kinds = sent.sent.map((m) => `${m.kind}:${m.to.address}`);
    // 2026-11-24 is an odd day of the daily security rotation: hedy is on call.
    expect(kinds).toEqual(["ticket:#security", "page:@hedy", "cross-domain:#safety"]);
    const stored = await app.incidents.get("INC-2026-0001");
    expect(stored?.timeline.map((e) => e.type)).toEqual(["created", "routed", "delivered", "delivered", "cross-domain-noted"]);
  });

  it("says so when the description gave nothing to suggest, or not the intent", async () => {
    const notes = (r: Reply[]) => r.filter((x) => x.kind === "notice").map((x) => (x as Extract<Reply, { kind: "notice" }>).text);
    const thin = setup();
    expect(notes(await thin.say({ kind: "start", text: "URGENT model issue, details to follow" }))).toEqual([expect.stringContaining("nothing to suggest from it")]);
    const unsure = setup();
    const r = await unsure.say({ kind: "start", text: "The assistant started quoting a competitor's price list to customers on the pricing page" });
    expect(current(r).kind).not.toBe("text-prompt");
    expect(notes(r)).toEqual([expect.stringContaining("can't tell yet from your description whether someone did this on purpose")]);
  });

  it("a stale or double-clicked answer changes nothing and files nothing twice", async () => {
    const { app, say } = setup();
    const first = current(await say({ kind: "start" }));
    const r1 = await say({ kind: "answer", questionId: "description", value: "model weights on a torrent site", rev: first.rev });
    const again = await say({ kind: "answer", questionId: "description", value: "something else", rev: first.rev });
    expect(again).toEqual([expect.objectContaining({ kind: "notice", text: expect.stringContaining("already answered") })]);
    const done = await answerAll(say, r1);
    const last = done.find((x) => x.kind === "triage-result");
    expect(last).toBeDefined();
    const conv = await app.conversations.get(key);
    // Once filed, a late click or typed text answers with the incident and where it stands.
    const replayed = await say({ kind: "answer", questionId: "scope", value: "some-users", rev: conv!.rev - 1 });
    expect(replayed).toEqual([expect.objectContaining({ kind: "notice", text: expect.stringMatching(/^INC-2026-0001: open/) }), expect.objectContaining({ kind: "triage-result", duplicate: true })]);
    const typed = await say({ kind: "text", text: "many" });
    expect(typed[1]).toMatchObject({ kind: "triage-result", duplicate: true });
    expect(await app.incidents.list({ from: new Date(0), to: new Date(8e15) })).toHaveLength(1);
  });

  it("a click from an earlier walk-through changes nothing, even when its rev matches again", async () => {
    const { app, say } = setup();
    const first = current(await say({ kind: "start" }));
    await say({ kind: "cancel" });
    const second = current(await say({ kind: "start" }));
    const old = await app.bot.handleTurn({ key, user, input: { kind: "answer", questionId: "description", value: "stale", rev: second.rev }, conversationId: first.conversationId });
    expect(old).toEqual({ moved: false, replies: [expect.objectContaining({ kind: "notice", text: expect.stringContaining("earlier triage") })] });
    expect((await app.conversations.get(key))!.state.answers.description).toBeUndefined();
    const fresh = await app.bot.handleTurn({ key, user, input: { kind: "answer", questionId: "description", value: "the model leaked a key", rev: second.rev }, conversationId: second.conversationId });
    expect(fresh.moved).toBe(true);
  });

  it("a second bot process on the same stores takes the next answer", async () => {
    const { app, say } = setup();
    const other = new TriageBot({ ...app.defs, conversations: app.conversations, incidents: app.incidents, tickets: { dispatch: (i) => app.actions.dispatch(i) }, clock: app.clock });
    const q = current(await say({ kind: "start" }));
    const r = await say({ kind: "answer", questionId: "description", value: answers.description, rev: q.rev }, other);
    expect(current(r)).toBeDefined();
    expect((await app.conversations.get(key))?.state.answers.description).toBe(answers.description);
  });

  it("invalid answers get a clear message and the same question again", async () => {
    const { say } = setup();
    let r = await say({ kind: "start", text: "the chatbot told a user to stop taking their medication" });
    const q = current(r);
    r = await say({ kind: "answer", questionId: "intent", value: "perhaps" });
    expect(r[0]).toMatchObject({ kind: "notice", level: "warning" });
    expect(current(r)).toMatchObject({ rev: q.rev });
  });

  it("cancel files nothing; back and cancel on nothing say so", async () => {
    const { app, say } = setup();
    expect((await say({ kind: "back" }))[0]).toMatchObject({ kind: "notice", text: expect.stringContaining("no triage in progress") });
    await say({ kind: "start" });
    const back = await say({ kind: "back" });
    expect(back[0]).toMatchObject({ kind: "notice", text: expect.stringContaining("first question") });
    const c = await say({ kind: "cancel" });
    expect(c[0]).toMatchObject({ kind: "notice", text: expect.stringContaining("Nothing was filed") });
    expect(await app.conversations.get(key)).toBeUndefined();
  });

  it("expired conversations are gone", async () => {
    const { clock, say } = setup();
    await say({ kind: "start" });
    clock.advance(86_400_000 + 1);
    expect((await say({ kind: "text", text: "hello" }))[0]).toMatchObject({ kind: "notice", text: expect.stringContaining("expired") });
  });

  it("a description typed with the command is pre-triaged and its suggestions confirmed, not assumed", async () => {
    const { say } = setup();
    const r = await say({ kind: "start", text: "An attacker got the support bot to ignore its instructions and reveal the system prompt" });
    const step = current(r);
    expect(step.kind).toBe("confirm-inferred");
    if (step.kind !== "confirm-inferred") return;
    expect(step.items.map((i) => i.questionId)).toContain("intent");
    const accepted = await say({ kind: "confirm-inferred", decision: "keep-all", rev: step.rev });
    const next = current(accepted);
    expect(next.kind).toBe("question");
  });

  it("keeps suggestions one by one or all at once, changes one, and files what was proposed against what was chosen", async () => {
    const { app, say } = setup();
    let step = current(await say({ kind: "start", text: "An attacker hid instructions in an uploaded PDF and the assistant leaked its system prompt" }));
    if (step.kind !== "confirm-inferred") throw new Error(`expected suggestions, got ${step.kind}`);
    const proposed = Object.fromEntries(step.items.map((i) => [i.questionId, i.value]));
    expect(proposed).toMatchObject({ intent: "deliberate", asset: "prompts-or-inputs" });
    const confirm = step;

    // Change intent: only that question is asked, with its suggestion marked.
    step = current(await say({ kind: "confirm-inferred", decision: "change", questionId: "intent", rev: step.rev }));
    expect(step).toMatchObject({ kind: "question", questionId: "intent", suggestion: { value: "deliberate" } });
    // A click on the old list (an older rev) is stale and changes nothing.
    const stale = await say({ kind: "confirm-inferred", decision: "keep-all", rev: confirm.rev });
    expect(stale).toEqual([expect.objectContaining({ kind: "notice", text: expect.stringContaining("already answered") })]);
    step = current(await say({ kind: "answer", questionId: "intent", value: "suspected", rev: step.rev }));
    // Back to the other suggestions, which kept theirs.
    if (step.kind !== "confirm-inferred") throw new Error(`expected suggestions, got ${step.kind}`);
    expect(step.items.map((i) => i.questionId)).toEqual(confirm.items.map((i) => i.questionId).filter((q) => q !== "intent"));
    step = current(await say({ kind: "confirm-inferred", decision: "keep", questionId: "asset", rev: step.rev }));
    if (step.kind === "confirm-inferred") step = current(await say({ kind: "confirm-inferred", decision: "keep-all", rev: step.rev }));
    const r = await answerAll(say, [step]);
    const filed = r.find((x) => x.kind === "triage-result");
    if (filed?.kind !== "triage-result") throw new Error("not filed");
    const stored = (await app.incidents.get(filed.incident.id))!;
    expect(stored.answers).toMatchObject({ intent: "suspected", asset: "prompts-or-inputs" });
    const proposals = stored.pretriage!.proposals;
    expect(Object.keys(proposals).sort()).toEqual(Object.keys(proposed).sort());
    expect(proposals.intent).toMatchObject({ value: "deliberate", chosen: "suspected", accepted: false, confidence: expect.any(Number), evidence: expect.arrayContaining(["attacker"]) });
    expect(proposals.asset).toEqual(expect.objectContaining({ value: "prompts-or-inputs", chosen: "prompts-or-inputs", accepted: true }));
    for (const [qid, p] of Object.entries(proposals)) if (qid !== "intent") expect(p, qid).toMatchObject({ chosen: p.value, accepted: true });
  });

  it("typed at the suggestions: a number changes that one, keep and a number keeps it, y keeps the rest", async () => {
    const { app, say } = setup();
    const first = current(await say({ kind: "start", text: "An attacker hid instructions in an uploaded PDF and the assistant leaked its system prompt" }));
    if (first.kind !== "confirm-inferred") throw new Error(`expected suggestions, got ${first.kind}`);
    const [one, two] = first.items.map((i) => i.questionId);
    expect(current(await say({ kind: "text", text: "1" }))).toMatchObject({ kind: "question", questionId: one, suggestion: { value: first.items[0]!.value } });
    await say({ kind: "back" });
    const kept = current(await say({ kind: "text", text: "keep 1" }));
    expect(kept.kind === "confirm-inferred" && kept.items.map((i) => i.questionId)).not.toContain(one);
    expect((await app.conversations.get(key))!.state.answers[one!]).toEqual(first.items[0]!.value);
    const huh = await say({ kind: "text", text: "maybe" });
    expect(huh[0]).toMatchObject({ kind: "notice", text: expect.stringContaining("Type y to keep all") });
    const rest = current(await say({ kind: "text", text: "y" }));
    expect(rest.kind).toBe("question");
    expect((await app.conversations.get(key))!.state.answers[two!]).toEqual(first.items[1]!.value);
  });
});
