// The bot as an attack surface, at the conversation: secrets are redacted where text enters, likely
// duplicates are offered to join, and reporters over the abuse limits are filed without a page.
import { afterEach, describe, expect, it } from "vitest";
import { renderOutbound } from "../../adapters/console/render.js";
import type { App } from "../../src/app.js";
import { testApp } from "../support/app.js";
import { current, guardedBot, walkThrough } from "../support/guarded.js";
import { SAFETY_ANSWERS as SAFETY } from "../support/answers.js";
import { cleanText } from "../../src/bot/intake.js";
import { redactInput } from "../../src/turns/job.js";

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});
function setup(limits = {}) {
  const t = testApp();
  apps.push(t.app);
  return { ...t, ...guardedBot(t.app, limits) };
}

const rita = { platform: "slack" as const, userId: "U0RITA", name: "Rita" };
const sam = { platform: "slack" as const, userId: "U0SAM", name: "Sam" };
const keyOf = (u: { userId: string }, team = "T1") => `slack:${team}:${u.userId}`;
const result = (r: Awaited<ReturnType<typeof walkThrough>>) => r.find((x) => x.kind === "triage-result");

describe("secrets in what responders type", () => {
  it("never reach the store, the ticket or the pre-triage evidence; the responder is told", async () => {
    const { app, sent, bot } = setup();
    const secret = "AKIAIOSFODNN7EXAMPLE";
    const first = await bot.handle({ key: keyOf(rita), user: rita, input: { kind: "start", text: `The assistant printed its key ${secret} and password=hunter2hunter2 to a user` } });
    expect(first[0]).toMatchObject({ kind: "notice", level: "warning", text: expect.stringContaining("2 secrets (an AWS access key, a password)") });
    expect(JSON.stringify(first)).not.toContain(secret);
    const conv = await app.conversations.get(keyOf(rita));
    expect(conv?.state.answers.description).toBe("The assistant printed its key [REDACTED:aws-access-key] and password=[REDACTED:password] to a user");
    expect(conv?.redactions?.map((n) => n.kind)).toEqual(["aws-access-key", "password"]);

    const done = await walkThrough(bot, rita, keyOf(rita), SAFETY, { kind: "text", text: "n" });
    const incident = result(done)?.kind === "triage-result" ? (result(done) as { incident: { id: string } }).incident : undefined;
    const stored = (await app.incidents.get(incident!.id))!;
    expect(stored.redactions).toEqual([
      { question: "description", kind: "aws-access-key", count: 1 },
      { question: "description", kind: "password", count: 1 },
    ]);
    await app.idle();
    expect(JSON.stringify(sent.sent)).not.toContain(secret);
    expect(renderOutbound(sent.sent.find((m) => m.kind === "ticket")!)).toContain("2 secrets redacted");
  });

  it("a text answer re-given after Back replaces its notes; reasons and notes on tickets are redacted too", async () => {
    const { app, bot } = setup();
    await bot.handle({ key: keyOf(rita), user: rita, input: { kind: "start", text: "token ghp_JcHRaZAEEzgcxhDK40L9NhpTBAKyd2GkdlNt leaked" } });
    await bot.handle({ key: keyOf(rita), user: rita, input: { kind: "back" } });
    const again = await bot.handle({ key: keyOf(rita), user: rita, input: { kind: "text", text: "The model leaked a customer list" } });
    expect(again.some((r) => r.kind === "notice" && /secret/.test(r.text))).toBe(false);
    expect((await app.conversations.get(keyOf(rita)))?.redactions).toBeUndefined();

    const done = await walkThrough(bot, rita, keyOf(rita), SAFETY, { kind: "text", text: "n" });
    const id = (result(done) as { incident: { id: string } }).incident.id;
    const out = await app.actions.act(id, { kind: "resolve", note: "rotated xoxb-537035914190-6116881741586-sOXFufXxbeIGZ4YLDJwZAGAj" }, { platform: "slack", userId: "U0ADA" });
    expect(out).toMatchObject({ ok: true, incident: { timeline: expect.arrayContaining([expect.objectContaining({ type: "resolved", note: "rotated [REDACTED:slack-token]" })]) } });
    expect(await app.actions.act(id, { kind: "reroute", reason: "x".repeat(2001) }, { platform: "slack", userId: "U0ADA" })).toMatchObject({ ok: false, code: "TOO_LONG" });
  });
});

describe("secrets in a step queued for a worker", () => {
  const KEY = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
  it("are redacted before the step is queued, and the bot still counts them as removed", () => {
    const queued = redactInput({ kind: "typed", text: `the bot printed ${KEY} in a reply` });
    expect(JSON.stringify(queued)).not.toContain(KEY);
    const clean = cleanText((queued as { text: string }).text);
    expect(clean.hits.map((h) => h.kind)).toHaveLength(1);
    expect(clean.text).not.toContain(KEY);
    // A chosen option has nothing to redact and is left alone.
    expect(redactInput({ kind: "answer", questionId: "ciaLost", value: ["confidentiality"] })).toEqual({ kind: "answer", questionId: "ciaLost", value: ["confidentiality"] });
  });
});

describe("duplicate reports", () => {
  it("offers to join a similar open incident; joining adds to its timeline and pages nobody again", async () => {
    const { app, sent, bot } = setup();
    const first = result(await walkThrough(bot, rita, keyOf(rita), SAFETY, { kind: "start" }));
    await app.idle();
    const pages = () => sent.sent.filter((m) => m.kind === "page").length;
    expect(pages()).toBe(1);

    const similar = { ...SAFETY, description: "Support bot told someone to double the dose of their medication" };
    const r = await walkThrough(bot, sam, keyOf(sam), similar);
    const step = current(r);
    expect(step).toMatchObject({ kind: "duplicate", incident: { id: "INC-2026-0001", status: "open", similarity: expect.any(Number) }, canBack: true });
    if (step?.kind !== "duplicate") throw new Error("expected the duplicate step");
    const joined = await bot.handle({ key: keyOf(sam), user: sam, input: { kind: "join", incidentId: step.incident.id, rev: step.rev } });
    expect(joined.at(-1)).toMatchObject({ kind: "triage-result", joined: true, incident: { id: "INC-2026-0001" } });
    await app.idle();
    expect(pages()).toBe(1);
    const stored = (await app.incidents.get("INC-2026-0001"))!;
    // The channel note about it is recorded after it (a delivered update), so look the join up by type.
    expect(stored.timeline.findLast((e) => e.type === "joined")).toMatchObject({ type: "joined", by: { userId: "U0SAM" }, description: similar.description });
    expect(sent.sent.at(-1)).toMatchObject({ kind: "update", text: expect.stringContaining("reported the same incident (2 reports so far)") });
    expect(await app.incidents.list({ from: new Date(0), to: new Date(8e15) })).toHaveLength(1);
    // A repeated click changes nothing and says where the report went.
    expect(await bot.handle({ key: keyOf(sam), user: sam, input: { kind: "join", incidentId: step.incident.id, rev: step.rev } })).toEqual([
      expect.objectContaining({ kind: "notice", text: expect.stringContaining("INC-2026-0001: open") }),
      expect.objectContaining({ kind: "triage-result", joined: true }),
    ]);
    expect(first).toBeDefined();
  });

  it("files a new one on request, goes back from the question, and ignores resolved or unlike incidents", async () => {
    const { app, clock, bot } = setup();
    await walkThrough(bot, rita, keyOf(rita), SAFETY);
    const r = await walkThrough(bot, sam, keyOf(sam), SAFETY);
    const step = current(r)!;
    expect(step.kind).toBe("duplicate");
    const back = await bot.handle({ key: keyOf(sam), user: sam, input: { kind: "back", rev: step.rev } });
    expect(current(back)).toMatchObject({ kind: "question", questionId: "scope" });
    const again = await bot.handle({ key: keyOf(sam), user: sam, input: { kind: "answer", questionId: "scope", value: "one-user" } });
    const dup = current(again)!;
    const typed = await bot.handle({ key: keyOf(sam), user: sam, input: { kind: "text", text: "new" } });
    expect(typed.at(-1)).toMatchObject({ kind: "triage-result", incident: { id: "INC-2026-0002" } });
    expect(dup.kind).toBe("duplicate");

    // Other words, another asset, or past the two-hour window: no question.
    const other = { platform: "slack" as const, userId: "U0OTHER" };
    expect(result(await walkThrough(bot, other, keyOf(other), { ...SAFETY, description: "Our image model produces biased results for darker skin tones" }))).toBeDefined();
    clock.advance(2 * 3_600_000 + 1000);
    const late = { platform: "slack" as const, userId: "U0LATE" };
    expect(result(await walkThrough(bot, late, keyOf(late), SAFETY))).toMatchObject({ incident: { id: "INC-2026-0004" } });
    expect(app).toBeDefined();
  });

  it("joining an incident resolved in the meantime files a new one instead", async () => {
    const { app, bot } = setup();
    await walkThrough(bot, rita, keyOf(rita), SAFETY);
    const step = current(await walkThrough(bot, sam, keyOf(sam), SAFETY))!;
    await app.actions.act("INC-2026-0001", { kind: "resolve", note: "fixed the prompt" }, { platform: "slack", userId: "U0ADA" });
    if (step.kind !== "duplicate") throw new Error("expected the duplicate step");
    const r = await bot.handle({ key: keyOf(sam), user: sam, input: { kind: "join", incidentId: "INC-2026-0001", rev: step.rev } });
    expect(r[0]).toMatchObject({ kind: "notice", text: expect.stringContaining("resolved in the meantime") });
    expect(r.at(-1)).toMatchObject({ kind: "triage-result", incident: { id: "INC-2026-0002" } });
  });
});

describe("abuse limits on reports", () => {
  it("a reporter over the limit is filed and posted but nobody is paged, and is told so", async () => {
    const { app, sent, bot } = setup({ incidentsPerReporter: 1 });
    await walkThrough(bot, rita, keyOf(rita), SAFETY);
    const r = await walkThrough(bot, rita, keyOf(rita), { ...SAFETY, description: "A different thing entirely: the image model crops faces", failureKind: "bias" });
    expect(r.find((x) => x.kind === "notice")).toMatchObject({ level: "warning", text: expect.stringContaining("nobody was paged") });
    const limited = (await app.incidents.get("INC-2026-0002"))!;
    expect(limited).toMatchObject({ limited: true });
    expect(limited.timeline.find((e) => e.type === "limited")).toMatchObject({ limit: "incidents-per-reporter" });
    await app.idle();
    const forSecond = sent.sent.filter((m) => m.incident.id === "INC-2026-0002").map((m) => m.kind);
    // Posted as its reporter's group message of over-limit reports, not as a ticket card.
    expect(forSecond).toEqual(["group"]);
    // Someone else in the workspace is not limited by Rita.
    await walkThrough(bot, sam, keyOf(sam), { ...SAFETY, description: "Translation feature swaps the meaning of negations", failureKind: "bug-or-misconfiguration" });
    expect((await app.incidents.get("INC-2026-0003"))?.limited).toBeUndefined();
  });

  it("counts per workspace, and lets reports through again after the window", async () => {
    const { app, clock, bot } = setup({ incidentsPerWorkspace: 2 });
    const users = ["U01", "U02", "U03"].map((id) => ({ platform: "slack" as const, userId: id }));
    const descriptions = ["The chatbot invents refund rules", "Image model crops faces out of photos", "Translation swaps negations in French"];
    for (const [n, u] of users.entries()) await walkThrough(bot, u, keyOf(u), { ...SAFETY, description: descriptions[n] });
    expect((await app.incidents.get("INC-2026-0003"))?.limited).toBe(true);
    const other = { platform: "slack" as const, userId: "U09" };
    await walkThrough(bot, other, keyOf(other, "T2"), { ...SAFETY, description: "Summaries drop the last paragraph" });
    expect((await app.incidents.get("INC-2026-0004"))?.limited).toBeUndefined();
    clock.advance(2 * 3_600_000);
    await walkThrough(bot, users[0]!, keyOf(users[0]!), { ...SAFETY, description: "Search answers cite pages that do not exist" });
    expect((await app.incidents.get("INC-2026-0005"))?.limited).toBeUndefined();
  });
});
