// The Block Kit renderers against Slack's published limits: every reply kind the bot produces (from
// the real flow), the ticket card in each state, the modals, and oversized inputs that must be cut.
import { afterEach, describe, expect, it } from "vitest";
import { textAnswerModal, ticketModal } from "../../adapters/slack/blocks/modals.js";
import { renderReplies, renderReply, answeredBlocks } from "../../adapters/slack/blocks/reply.js";
import { ticketCard } from "../../adapters/slack/blocks/ticket.js";
import type { App } from "../../src/app.js";
import type { Reply } from "../../src/bot/reply.js";
import { acknowledge, draftIncident, reroute, resolve, type Incident } from "../../src/domain/incident.js";
import { testApp } from "../support/app.js";
import { changeFirst } from "../support/suggestions.js";
import { testRoster } from "../support/roster.js";

const BLOCK_TYPES = new Set(["section", "actions", "context", "header", "divider", "input", "image", "rich_text"]);
const roster = testRoster();

/** Checks one message's blocks against Slack's limits; returns the problems found. */
function problems(blocks: any[], maxBlocks = 50): string[] {
  const out: string[] = [];
  const actionIds = new Set<string>();
  const blockIds = new Set<string>();
  const text = (t: any, max: number, where: string) => {
    if (!t || typeof t.text !== "string" || !["plain_text", "mrkdwn"].includes(t.type)) out.push(`${where}: bad text object`);
    else if (t.text.length === 0 || t.text.length > max) out.push(`${where}: text length ${t.text.length} (max ${max})`);
  };
  if (blocks.length > maxBlocks) out.push(`${blocks.length} blocks (max ${maxBlocks})`);
  blocks.forEach((b, i) => {
    const at = `block ${i} (${b.type})`;
    if (!BLOCK_TYPES.has(b.type)) out.push(`${at}: unknown type`);
    if (b.block_id !== undefined) {
      if (blockIds.has(b.block_id)) out.push(`${at}: duplicate block_id ${b.block_id}`);
      blockIds.add(b.block_id);
    }
    if (b.type === "section") {
      if (!b.text && !b.fields) out.push(`${at}: neither text nor fields`);
      if (b.text) text(b.text, 3000, at);
      if (b.fields && (b.fields.length > 10 || b.fields.some((f: any) => f.text.length > 2000))) out.push(`${at}: fields too many or too long`);
    }
    if (b.type === "header") {
      text(b.text, 150, at);
      if (b.text.type !== "plain_text") out.push(`${at}: header must be plain_text`);
    }
    if (b.type === "context" && (b.elements.length < 1 || b.elements.length > 10)) out.push(`${at}: ${b.elements.length} elements`);
    if (b.type === "context") b.elements.forEach((e: any) => text(e, 3000, at));
    if (b.type === "input") {
      text(b.label, 2000, at);
      if (b.element.max_length > 3000) out.push(`${at}: max_length ${b.element.max_length}`);
      actionIds.add(b.element.action_id);
    }
    if (b.type === "actions") {
      if (b.elements.length < 1 || b.elements.length > 25) out.push(`${at}: ${b.elements.length} elements`);
      for (const e of b.elements) {
        if (actionIds.has(e.action_id)) out.push(`${at}: duplicate action_id ${e.action_id}`);
        actionIds.add(e.action_id);
        if (!e.action_id || e.action_id.length > 255) out.push(`${at}: bad action_id`);
        if (e.type === "button") {
          text(e.text, 75, `${at} button`);
          if (e.text.type !== "plain_text") out.push(`${at}: button text must be plain_text`);
          if (e.value !== undefined && e.value.length > 2000) out.push(`${at}: value too long`);
        } else if (e.type === "checkboxes") {
          if (e.options.length > 10) out.push(`${at}: ${e.options.length} checkbox options`);
          e.options.forEach((o: any) => {
            text(o.text, 75, `${at} option`);
            if (o.description) text(o.description, 75, `${at} option description`);
          });
        } else out.push(`${at}: unexpected element ${e.type}`);
      }
    }
  });
  return out;
}

function modalProblems(v: any): string[] {
  const out = problems(v.blocks, 100);
  for (const k of ["title", "submit", "close"]) if (v[k] && (v[k].type !== "plain_text" || v[k].text.length > 24)) out.push(`${k}: ${v[k].text}`);
  if ((v.private_metadata ?? "").length > 3000) out.push("private_metadata too long");
  if (!v.callback_id) out.push("no callback_id");
  return out;
}

let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

/** Every reply kind, produced by the real bot on the real flow. */
async function realReplies(): Promise<Reply[]> {
  const { app } = testApp();
  apps.push(app);
  const user = { platform: "slack" as const, userId: "U0R", name: "R" };
  const say = (input: any, key = "slack:T:U0R") => app.bot.handle({ key, user, input });
  const seen: Reply[] = [...(await say({ kind: "start" }, "slack:T:other"))];
  let r = await say({ kind: "start", text: "An attacker <!channel> injected a prompt & the bot leaked the system prompt to many users" });
  const answers: Record<string, unknown> = { intent: "suspected", attackKind: "prompt-injection", asset: "outputs", ciaLost: ["integrity"], harm: ["financial"], ongoing: "yes", scope: "many-users", seriousEffects: [] };
  for (let i = 0; i < 20; i++) {
    seen.push(...r);
    const step = r.findLast((x) => x.kind === "question" || x.kind === "confirm-inferred");
    if (!step) break;
    r = step.kind === "confirm-inferred" ? await say(changeFirst(step)) : await say({ kind: "answer", questionId: step.questionId, value: answers[step.questionId], rev: step.rev });
  }
  seen.push(...r, ...(await say({ kind: "answer", questionId: "intent", value: "x", rev: 0 })));
  seen.push({ kind: "summary", summary: await app.summaries.build(new Date("2026-11-24T09:00:00Z"), 30) });
  return seen;
}

function incident(over: Partial<Incident> = {}): Incident {
  const d = draftIncident({
    conversationId: "slack:T:U0R:c1",
    reporter: { platform: "slack", userId: "U0R", name: "R" },
    answers: { description: "x" },
    classification: { primary: "security", provisional: true, crossDomain: ["security->safety"], severity: "SEV2", rationale: ["because"], refs: [{ framework: "atlas", id: "AML.T0051", name: "LLM Prompt Injection" }] },
    routing: { domain: "security", queue: "oncall-security", cc: ["safety"], ackMinutes: 15 },
    now: new Date("2026-11-24T09:00:00Z"),
  });
  return { ...d, id: "INC-2026-0001", rev: 1, ...over };
}
const alan = { platform: "slack" as const, userId: "U0ALAN", name: "Alan" };
const ok = (r: ReturnType<typeof acknowledge>) => {
  if (!r.ok) throw new Error(r.message);
  return r.incident;
};

describe("Slack Block Kit renderers", () => {
  it("render every reply kind of a real walk-through within Slack's limits", async () => {
    const replies = await realReplies();
    const kinds = new Set(replies.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(["confirm-inferred", "notice", "question", "summary", "text-prompt", "triage-result"]);
    expect(replies.some((r) => r.kind === "question" && r.multi)).toBe(true);
    expect(replies.some((r) => r.kind === "question" && r.suggestion)).toBe(true);
    for (const r of replies) expect(problems(renderReply(r).blocks), r.kind).toEqual([]);
    for (const m of renderReplies(replies)) expect(problems(m.blocks)).toEqual([]);
    const q = renderReply(replies.find((r) => r.kind === "question")!);
    expect(JSON.stringify(q.blocks)).toMatch(/Question \d+ of \d+/);
  });

  it("buttons carry ids only: conversation, revision, question and option", async () => {
    const q = (await realReplies()).find((r) => r.kind === "question" && !r.multi)!;
    for (const b of renderReply(q).blocks.flatMap((x: any) => (x.type === "actions" ? x.elements : []))) {
      expect(Object.keys(JSON.parse(b.value)).every((k) => ["c", "r", "q", "v"].includes(k))).toBe(true);
    }
  });

  it("escapes people's text so it cannot mention @channel or inject links", () => {
    const i = incident({ title: "<!channel> see <https://evil.example|this> & that" });
    const json = JSON.stringify(ticketCard(i, { routeCount: 1 }));
    expect(json).not.toContain("<!channel>");
    expect(json).toContain("&lt;!channel&gt;");
    expect(JSON.stringify(answeredBlocks("Q", "<@U123> hi").blocks)).toContain("&lt;@U123&gt;");
  });

  it("renders the ticket card in every state, with the actions each state allows", () => {
    const open = incident();
    const acked = ok(acknowledge(open, roster, alan, new Date()));
    const moved = ok(reroute(open, roster, alan, "it was an accident after all", new Date()));
    const closed = ok(resolve(acked, roster, alan, "patched", new Date()));
    const ids = (i: Incident, routeCount = i.routeCount) =>
      ticketCard(i, { routeCount, roster }).flatMap((b: any) => (b.type === "actions" ? b.elements.map((e: any) => e.action_id) : []));
    // Post update and Subscribe (issue 16, point 4) while it is open, after the lifecycle buttons.
    expect(ids(open)).toEqual(["ticket_acknowledge", "ticket_escalate", "ticket_reroute", "ticket_resolve", "ticket_status", "ticket_subscribe"]);
    expect(ids(acked)).toEqual(["ticket_escalate", "ticket_reroute", "ticket_resolve", "ticket_status", "ticket_subscribe"]);
    expect(ids(moved, 1)).toEqual([]);
    expect(ids(closed)).toEqual(["ticket_postmortem"]);
    expect(JSON.stringify(ticketCard(acked, { routeCount: 1, roster }))).toContain("<@U0ALAN>");
    expect(JSON.stringify(ticketCard(open, { routeCount: 1, reportLink: "https://x.slack.com/archives/C1/p1" }))).toContain("|Reported message>");
    for (const i of [open, acked, closed]) expect(problems(ticketCard(i, { routeCount: i.routeCount, roster }))).toEqual([]);
    expect(problems(ticketCard(moved, { routeCount: 1 }))).toEqual([]);
  });

  it("cuts oversized content to fit: long rationale, many refs, long titles", () => {
    const huge = incident({
      title: "t".repeat(120),
      classification: {
        ...incident().classification,
        rationale: Array.from({ length: 200 }, (_, n) => `reason ${n} ${"x".repeat(400)}`),
        refs: Array.from({ length: 100 }, (_, n) => ({ framework: "atlas" as const, id: `AML.T${n}`, name: "n".repeat(120) })),
      },
    });
    expect(problems(ticketCard(huge, { routeCount: 1 }))).toEqual([]);
    const options = Array.from({ length: 25 }, (_, n) => ({ value: `o${n}`, label: "L".repeat(75), hint: "h".repeat(150) }));
    const base = { conversationId: "c".repeat(300), rev: 99, questionId: "q".repeat(64), prompt: "p".repeat(300), help: "h".repeat(500), progress: { index: 3, total: 9 }, canBack: true };
    expect(problems(renderReply({ kind: "question", ...base, options, multi: false }).blocks)).toEqual([]);
    expect(problems(renderReply({ kind: "question", ...base, options, multi: true, noneLabel: "N".repeat(75) }).blocks)).toEqual([]);
    const items = Array.from({ length: 50 }, (_, n) => ({ questionId: `q${n}`, prompt: "p".repeat(300), value: "v", labels: ["l".repeat(75)], confidence: 0.8, evidence: ["e".repeat(200)], changeable: n % 2 === 0 }));
    expect(problems(renderReply({ kind: "confirm-inferred", ...base, items }).blocks)).toEqual([]);
  });

  it("modals stay within limits and cap the text box at Slack's 3000 characters", () => {
    const text = textAnswerModal({ prompt: "What happened?", help: "Paste it", maxLength: 4000 }, { c: "c", r: 1, q: "description", ch: "D1", ts: "1.2" });
    expect(modalProblems(text)).toEqual([]);
    expect((text.blocks[0] as any).element.max_length).toBe(3000);
    for (const kind of ["reroute", "resolve"] as const) {
      const m = ticketModal(kind, incident({ id: "INC-2026-123456" }), { i: "INC-2026-123456", ch: "C1" });
      expect(modalProblems(m)).toEqual([]);
      expect(JSON.parse(m.private_metadata!)).toEqual({ i: "INC-2026-123456", ch: "C1" });
    }
  });
});
