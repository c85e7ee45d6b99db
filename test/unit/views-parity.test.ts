// Issue 14: one description of every outgoing message, rendered twice. Each view (ticket in every
// state, answered step, multi-choice check, the presser's outcome) is rendered as Block Kit and as an
// Adaptive Card from the same value; both must show the same facts and offer the same actions, with
// the same references carried back. The views themselves are pure and checked here too.
import { describe, expect, it } from "vitest";
import { renderTicket as slackTicket } from "../../adapters/slack/blocks/ticket.js";
import { answeredBlocks, resultBlocks } from "../../adapters/slack/blocks/reply.js";
import { TicketButtonRef } from "../../adapters/slack/ids.js";
import { renderTicket as teamsTicket } from "../../adapters/teams/cards/ticket.js";
import { answeredCard } from "../../adapters/teams/cards/index.js";
import { resultCard } from "../../adapters/teams/cards/result.js";
import { resultView } from "../../src/views/result.js";
import { acknowledge, draftIncident, reroute, resolve, type Incident } from "../../src/domain/incident.js";
import { answeredView } from "../../src/views/answered.js";
import { NONE_VALUE, pickedChoices } from "../../src/views/choices.js";
import { deliveries, pagePosts, ticketLink, ticketPost, ticketPosts } from "../../src/views/deliveries.js";
import { ticketView, type TicketView } from "../../src/views/ticket.js";
import { postStatus } from "../../src/domain/status.js";
import { defs } from "../support/defs.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();
const ada = { platform: "slack" as const, userId: "U0ADA", name: "Ada" };
const ok = (r: ReturnType<typeof acknowledge>) => {
  if (!r.ok) throw new Error(r.message);
  return r.incident;
};

function incident(over: Partial<Incident> = {}): Incident {
  const d = draftIncident({
    conversationId: "conv-1",
    reporter: { platform: "teams", userId: "aad-rita", name: "Rita <b>" },
    answers: { description: "The bot told a customer to *double* their dose [see](https://x.example)", intent: "none", asset: "outputs" },
    classification: {
      primary: "safety",
      provisional: false,
      crossDomain: ["safety->security"],
      severity: "SEV2",
      rationale: ["Unintentional harmful output & no adversary", "Reaches security: data exposure"],
      refs: [{ framework: "nist-ai-600-1", id: "NIST-AI-600-1-2.2", name: "Dangerous content" }],
    },
    routing: { domain: "safety", queue: "oncall-safety", cc: ["security"], ackMinutes: 30 },
    now: new Date("2026-12-01T10:00:00Z"),
  });
  const i = { ...d, id: "INC-2026-0042", rev: 1, ...over } as Incident;
  return i;
}

/** Text as a reader sees it: no markup, escapes or entities. */
const readable = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\\(.)/g, "$1")
    .replace(/\]\s*\(/g, "](")
    .replace(/\*/g, "");

function slackText(blocks: unknown): string {
  const out: string[] = [];
  JSON.stringify(blocks, (k, v) => (k === "text" && typeof v === "string" ? (out.push(v), v) : v));
  return readable(out.join("\n"));
}
function teamsText(card: unknown): string {
  const out: string[] = [];
  JSON.stringify(card, (k, v) => {
    if ((k === "text" || k === "value" || k === "title" || k === "label") && typeof v === "string") out.push(v);
    return v;
  });
  return readable(out.join("\n"));
}

const SLACK_OP: Record<string, string> = { ticket_acknowledge: "acknowledge", ticket_escalate: "escalate", ticket_reroute: "reroute", ticket_resolve: "resolve" };

function slackActions(blocks: any[]) {
  return blocks
    // The lifecycle buttons (block "ticket"); Draft report and Postmortem are checked on their own below.
    .filter((b) => b.type === "actions" && b.block_id === "ticket")
    .flatMap((b) => b.elements)
    .map((e: any) => {
      const ref = TicketButtonRef.parse(e.value);
      return { op: SLACK_OP[e.action_id], incidentId: ref.incidentId, route: ref.seenRoute, gen: ref.seenGen };
    });
}
function teamsActions(card: any) {
  const all = (acts: any[] = []): any[] => acts.flatMap((a) => (a.type === "Action.ShowCard" ? all(a.card.actions) : [a]));
  return all(card.actions)
    .filter((a) => a.data?.action === "ticket")
    .map((a) => ({ op: a.data.op, incidentId: a.data.incidentId, route: a.data.route, gen: a.data.gen }));
}
const viewActions = (v: TicketView) => v.actions.map((a) => ({ op: a.op, incidentId: a.incidentId, route: a.route, gen: a.gen }));

/** The facts a ticket view holds, as words a reader must find on either platform. */
function facts(v: TicketView): string[] {
  return [
    v.id,
    v.severity,
    v.title,
    v.statusText,
    v.queue,
    `${v.ackMinutes} min`,
    ...v.crossDomain,
    ...v.notes.map((n) => n.text),
    ...v.sections.flatMap((s) => [s.title, ...s.lines]),
    ...v.history.map((h) => (h.kind === "rerouted" ? h.reason : h.note)),
    ...(v.oncall ? [`level ${v.oncall.level + 1}`] : []),
    ...(v.statusLine ? [v.statusLine] : []),
  ];
}

const open = incident({ redactions: [{ question: "description", kind: "openai-api-key", count: 2 }], limited: true });
const acked = ok(acknowledge(incident(), roster, ada, new Date("2026-12-01T10:05:00Z")));
const closed = ok(resolve(acked, roster, ada, "Patched the <prompt> & reviewed", new Date("2026-12-01T11:00:00Z")));
const moved = ok(reroute(incident(), roster, ada, "An attacker crafted it after all", new Date("2026-12-01T10:10:00Z")));

const updated = ok(postStatus(incident(), roster, ada, "Rolled back the <prompt> & watching", new Date("2026-12-01T10:20:00Z")));

const cases: Array<[string, TicketView]> = [
  ["with a status update", ticketView(updated, { roster })],
  ["open, redacted and over the limit", ticketView(open, { roster })],
  ["acknowledged", ticketView(acked, { roster })],
  ["resolved", ticketView(closed, { roster })],
  ["the old card after a reroute", ticketView(moved, { roster, route: 1 })],
  ["the new card after a reroute", ticketView(moved, { roster })],
];

describe("one ticket view, rendered for Slack and for Teams", () => {
  it.each(cases)("%s: the same facts on both", (_, v) => {
    const slack = slackText(slackTicket(v));
    const teams = teamsText(teamsTicket(v));
    for (const f of facts(v)) {
      expect(slack, `Slack shows "${f}"`).toContain(readable(f));
      expect(teams, `Teams shows "${f}"`).toContain(readable(f));
    }
    // People: Slack mentions them where it knows their Slack id (the name shows then), Teams names them.
    for (const p of [v.assignee, v.oncall].filter((x) => x !== undefined)) {
      expect(slack).toContain(p.slack ? `<@${p.slack}>` : p.name);
      expect(teams).toContain(p.name);
    }
  });

  it.each(cases)("%s: the same actions on both, carrying the incident, its routing and generation", (_, v) => {
    expect(slackActions(slackTicket(v) as any[])).toEqual(viewActions(v));
    expect(teamsActions(teamsTicket(v))).toEqual(viewActions(v));
  });

  it.each(cases)("%s: Postmortem on both exactly when the view offers it (the current card of a resolved incident)", (_, v) => {
    const slack = (slackTicket(v) as any[]).filter((b) => b.type === "actions").flatMap((b) => b.elements).filter((e: any) => e.action_id === "ticket_postmortem");
    const teams = (teamsTicket(v).actions ?? []).filter((a: any) => a.data?.action === "postmortem");
    expect(v.postmortem).toBe(v.status === "resolved" && !v.superseded);
    expect(slack.map((e: any) => e.value)).toEqual(v.postmortem ? [v.id] : []);
    expect(teams.map((a: any) => a.data.incidentId)).toEqual(v.postmortem ? [v.id] : []);
  });

  it.each(cases)("%s: Post update and Subscribe on both exactly when the view offers them, carrying the incident", (_, v) => {
    const SLACK_FOLLOW: Record<string, string> = { ticket_status: "post-status", ticket_subscribe: "subscribe" };
    const slack = (slackTicket(v) as any[]).filter((b) => b.type === "actions").flatMap((b) => b.elements).filter((e: any) => SLACK_FOLLOW[e.action_id]).map((e: any) => ({ op: SLACK_FOLLOW[e.action_id], incidentId: e.value }));
    const teams = JSON.stringify(teamsTicket(v)).match(/"action":"(status|subscribe)","incidentId":"[^"]+"/g) ?? [];
    const want = v.follow.map((f) => ({ op: f.op, incidentId: f.incidentId }));
    expect(slack).toEqual(want);
    expect(teams.map((t) => JSON.parse(`{${t}}`)).map((d: any) => ({ op: d.action === "status" ? "post-status" : "subscribe", incidentId: d.incidentId }))).toEqual(want.flatMap((w) => [w, w])); // each an Action.Execute and its Action.Submit fallback
    expect(v.follow.length > 0).toBe(v.status !== "resolved" && !v.superseded);
  });

  it("the reporting clocks, the storm and the full report: the same words and a Draft report button on both", () => {
    const obligations = [{ regimeId: "eu-ai-act", state: "open" as const, text: "EU AI Act Art. 73: report by 2026-12-16 10:00 UTC (15 d left)", warnings: ["Do not alter the AI system"] }];
    const stormy = incident({ storm: { reports: 12, incidents: 7, listed: 0, since: "2026-12-01T09:58:00.000Z" } });
    const v = ticketView(stormy, { roster, obligations });
    expect(v.notes.map((n) => n.kind)).toContain("storm");
    const slack = slackText(slackTicket(v));
    const teams = teamsText(teamsTicket(v));
    const words = [obligations[0]!.text, ...obligations[0]!.warnings, ...v.notes.map((n) => n.text), v.report.description, ...v.report.answers];
    for (const w of words) {
      expect(slack, `Slack shows "${w}"`).toContain(readable(w));
      expect(teams, `Teams shows "${w}"`).toContain(readable(w));
    }
    const slackDraft = (slackTicket(v) as any[]).filter((b) => b.type === "actions").flatMap((b) => b.elements).filter((e: any) => e.action_id === "ticket_report");
    const teamsDraft = JSON.stringify(teamsTicket(v)).match(/"action":"draft-report","incidentId":"([^"]+)"/g) ?? [];
    expect(slackDraft.map((e: any) => e.value)).toEqual([v.id]);
    expect(teamsDraft).toEqual([`"action":"draft-report","incidentId":"${v.id}"`]);
    // Without clocks, neither offers it.
    const none = ticketView(incident(), { roster });
    expect(JSON.stringify(slackTicket(none))).not.toContain("ticket_report");
    expect(JSON.stringify(teamsTicket(none))).not.toContain("draft-report");
  });

  it("offers what each state allows: four live, no Acknowledge once acknowledged, none when resolved or moved", () => {
    const ops = (v: TicketView) => v.actions.map((a) => a.op);
    expect(ops(cases[1]![1])).toEqual(["acknowledge", "escalate", "reroute", "resolve"]);
    expect(ops(cases[2]![1])).toEqual(["escalate", "reroute", "resolve"]);
    expect(ops(cases[3]![1])).toEqual([]);
    expect(ops(cases[4]![1])).toEqual([]);
    expect(cases[4]![1]).toMatchObject({ superseded: true, statusText: "Rerouted to security" });
    expect(ops(cases[5]![1])).toEqual(["acknowledge", "escalate", "reroute", "resolve"]);
    expect(cases[5]![1].actions.every((a) => a.route === 2)).toBe(true);
  });

  it("names who may press the buttons (the domain's roster and the incident managers), and nobody once nothing can be pressed", () => {
    const names = (v: TicketView) => v.responders.map((p) => p.name).sort();
    const safetyIds = new Set([...roster.domains.safety.levels.flat(), ...roster.incidentManagers]);
    expect(names(cases[1]![1])).toEqual(roster.people.filter((p) => safetyIds.has(p.id)).map((p) => p.name).sort());
    expect(names(cases[1]![1])).toContain("Radia");
    expect(names(cases[1]![1])).not.toContain("Maya");
    expect(cases[3]![1].responders).toEqual([]);
  });

  it("notes on the report: redactions and the report limit, in the same words", () => {
    expect(cases[1]![1].notes.map((n) => n.text)).toEqual(["2 secrets redacted from the report", "Filed over the report limit: nobody was paged"]);
  });

  it("people's text stays inert on both: no mention, link or markup of theirs", () => {
    const v = cases[3]![1];
    expect(JSON.stringify(slackTicket(v))).not.toMatch(/<prompt>/);
    expect(JSON.stringify(slackTicket(cases[0]![1]))).not.toMatch(/<prompt>/);
    expect(JSON.stringify(teamsTicket(v))).not.toMatch(/\[see\]\(https/);
  });
});

describe("the reporter's result, the same on both", () => {
  const outcomes = [
    ["filed", { duplicate: false }],
    ["joined", { duplicate: false, joined: true }],
    ["already filed", { duplicate: true }],
    ["waiting for a worker", { duplicate: false, queued: true }],
  ] as const;
  it.each(outcomes)("%s: every fact and line of the view shows on both", (_, o) => {
    const i = incident({ limited: true });
    const v = resultView(i, o);
    const slack = slackText(resultBlocks(i, o.duplicate, "joined" in o, "queued" in o));
    const teams = teamsText(resultCard(i, o.duplicate, "joined" in o, "queued" in o));
    for (const f of [v.heading, v.title, v.told, ...v.facts.flatMap((x) => [x.label, x.value]), ...v.sections.flatMap((x) => [x.title, ...x.lines])]) {
      expect(slack, `Slack shows "${f}"`).toContain(readable(f));
      expect(teams, `Teams shows "${f}"`).toContain(readable(f));
    }
  });
  it("says only what is true: notified, joined, or waiting for a worker", () => {
    expect(resultView(incident(), { duplicate: false }).told).toBe("The safety on-call has been notified. Quote INC-2026-0042 in follow-ups.");
    expect(resultView(incident({ limited: true }), { duplicate: false }).told).toContain("not paged: too many reports");
    expect(resultView(incident(), { duplicate: false, queued: true }).told).toContain("as soon as a ticket worker is running");
  });
});

describe("the timeline's delivery keys, read in one place", () => {
  const t = (to: string, ref?: string, extra: object = {}) => ({ type: "delivered" as const, at: "2026-12-01T10:00:00.000Z", to, level: 0, ...(ref ? { ref } : {}), ...extra });
  const base = incident();
  const i: Incident = {
    ...base,
    routeCount: 2,
    timeline: [
      { type: "routed", at: base.createdAt, queue: "oncall-safety", domain: "safety" },
      t("r1:ticket:slack:C12", "C12/1.1"),
      t("r1:ticket:slack:C1", "C1/1.2", { link: "https://slack/old" }),
      t("r1:page:teams:aad-ada", "a%3Achat/p1", { person: "ada" }),
      t("p1:page:teams:aad-ada", "a%3Achat/p2", { person: "ada" }),
      { type: "routed", at: base.createdAt, queue: "oncall-security", domain: "security" },
      t("r2:ticket:teams:19:sec", "19%3Asec/t2", { link: "https://teams/new" }),
      t("p2:page:slack:U0HEDY", "D1/2.1", { person: "hedy", level: 1 }),
      t("group:slack:C1", "C1/9.9"),
    ],
  };
  it("finds cards by platform, routing and exact address", () => {
    expect(ticketPosts(i, "slack", 1, "C1").map((d) => d.ref)).toEqual(["C1/1.2"]);
    expect(ticketPosts(i, "slack", 1).map((d) => d.ref)).toEqual(["C12/1.1", "C1/1.2"]);
    expect(ticketPost(i, "teams", "19:sec")?.ref).toBe("19%3Asec/t2");
    // For the current routing, a card not posted yet leaves the latest one there to edit; an older routing has its own.
    expect(ticketPost(i, "slack", "C1", 2)?.ref).toBe("C1/1.2");
    expect(ticketPost(i, "teams", "19:sec", 1)).toBeUndefined();
  });
  it("pages belong to the routing current when they were sent", () => {
    expect(pagePosts(i, "teams", 1).map((d) => d.ref)).toEqual(["a%3Achat/p1", "a%3Achat/p2"]);
    expect(pagePosts(i, "slack", 2).map((d) => d.person)).toEqual(["hedy"]);
    expect(ticketLink(i)).toBe("https://teams/new");
    expect(deliveries(i).some((d) => d.ref === "C1/9.9")).toBe(false);
  });
  it("the card's on-call is the last page of the current routing", () => {
    expect(ticketView(i, { roster }).oncall).toMatchObject({ name: "Hedy", slack: "U0HEDY", level: 1 });
  });
});

describe("answered steps and the multi-choice check, the same on both", () => {
  const flow = defs().flow;
  const many = flow.questions.find((q) => q.kind === "many")!;
  const text = flow.questions.find((q) => q.kind === "text")!;
  const inputs = [
    { kind: "answer" as const, questionId: many.id, value: [] },
    { kind: "answer" as const, questionId: text.id, value: "our key is sk-proj-Abcdefghij1234567890XYZabc" },
    { kind: "back" as const },
    { kind: "cancel" as const },
    { kind: "join" as const, incidentId: "INC-2026-0001" },
    { kind: "confirm-inferred" as const, decision: "keep-all" as const },
  ];
  it.each(inputs)("%o reads the same in Slack and Teams", (input) => {
    const v = answeredView(flow, input, many.id);
    const slack = slackText(answeredBlocks(v.question, v.answer).blocks);
    const teams = teamsText(answeredCard(v.question, v.answer));
    for (const part of [v.question, v.answer]) {
      expect(slack).toContain(readable(part));
      expect(teams).toContain(readable(part));
    }
    expect(v.answer).not.toContain("sk-proj-Abc");
  });
  it("none alone is the empty answer; nothing ticked, or options with none, are refused with what to do", () => {
    expect(pickedChoices([NONE_VALUE])).toEqual({ ok: true, value: [] });
    expect(pickedChoices(["a", " b", "a", ""])).toEqual({ ok: true, value: ["a", "b"] });
    expect(pickedChoices([])).toMatchObject({ ok: false, message: expect.stringContaining("Tick at least one") });
    expect(pickedChoices(["a", NONE_VALUE])).toMatchObject({ ok: false, message: expect.stringContaining("one or the other") });
  });
});
