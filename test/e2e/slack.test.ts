// End to end through the real Bolt HTTP receiver: signed requests in, a fake Slack Web API out, the
// embedded app (memory stores, in-process jobs) in between. What Slack would show is read back from
// the fake's messages, and buttons are clicked the way Slack sends them.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adapterPort } from "../../src/port.js";
import { createSlackAdapter, type SlackAdapter } from "../../adapters/slack/index.js";
import type { App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { onCall } from "../../src/domain/roster.js";
import { silentLogger } from "../../src/log.js";
import { startWeb } from "../../src/http.js";
import { FakeSlack, type FakeMessage } from "../support/fake-slack.js";
import { testRoster } from "../support/roster.js";
import { SlackRequests, TEAM, nowSeconds, type User } from "../support/slack-sign.js";
import { INJECTION_CHOICES as SECURITY, SAFETY_ANSWERS as SAFETY } from "../support/answers.js";
import { startEmbeddedSlack, type EmbeddedSlack } from "../support/embedded-slack.js";

const SECRET = "e2e-signing-secret-0123456789";
const TOKEN = "xoxb-e2e-test-token";
const REPORTER: User = { id: "U0REPORTER", name: "rita" };
const MAYA: User = { id: "U0MAYA", name: "maya" }; // a manager, on no on-call roster
const RADIA: User = { id: "U0RADIA", name: "radia" }; // level 2 of both domains, incident manager
const keyOf = (u: User) => `slack:${TEAM.id}:${u.id}`;

type Answers = Record<string, string | string[]>;
const CROSS: Answers = {
  intent: "suspected",
  attackKind: "prompt-injection",
  asset: "outputs",
  ciaLost: ["integrity"],
  harm: ["financial"],
  ongoing: "yes",
  scope: "some-users",
  seriousEffects: [],
};

let stack: EmbeddedSlack;
let fake: FakeSlack;
let app: App;
let slack: SlackAdapter;
let req: SlackRequests;
let clock: ManualClock;
const roster = testRoster({ destinations: { safety: { slack: { channel: "C0SAFETY" } }, security: { slack: { channel: "C0SECURITY" } } } });

beforeEach(async () => {
  clock = new ManualClock();
  stack = await startEmbeddedSlack({ secret: SECRET, token: TOKEN, roster, clock });
  ({ fake, app, slack, req } = stack);
});

afterEach(async () => {
  await stack?.stop();
});

// ---- reading what Slack would show ---------------------------------------------------------------

const elements = (m: { blocks?: any[] }) => (m.blocks ?? []).flatMap((b) => (b.type === "actions" ? b.elements : []));
const buttonsOf = (m: { blocks?: any[] }) => elements(m).filter((e: any) => e.type === "button");
const button = (m: { blocks?: any[] }, actionId: string) => {
  const b = buttonsOf(m).find((x: any) => x.action_id === actionId);
  if (!b) throw new Error(`no button ${actionId} in ${JSON.stringify(m.blocks?.map((x) => x.type))}`);
  return b;
};
const textOf = (m: { text?: string; blocks?: any[] }) => JSON.stringify([m.text, m.blocks]);
const lastDm = (u: User) => fake.dmOf(u.id).at(-1)!;
const lastView = () => fake.callsOf("views.open").at(-1)!.args.view;
const ok = async (r: Promise<Response>) => {
  const res = await r;
  expect(res.status).toBe(200);
  await slack.idle();
  return res;
};
const allIncidents = () => app.incidents.list({ from: new Date(0), to: new Date(8e15) });

/** Answers the walk-through from the DM until the result, clicking like a person would. */
async function walk(user: User, answers: Answers, opts: { accept?: boolean } = {}): Promise<FakeMessage> {
  for (let i = 0; i < 20; i++) {
    const m = lastDm(user);
    const ids = buttonsOf(m).map((b: any) => b.action_id as string);
    if (textOf(m).includes("Filed INC-")) return m;
    if (ids.includes("triage_text_open")) {
      await ok(req.click(user, m, button(m, "triage_text_open")));
      const view = lastView();
      await ok(req.submit(user, view, { input: { value: String(answers.description) } }));
    } else if (ids.includes("triage_confirm_yes")) {
      // Keep them all, or change the first one that can be changed (then its question is answered below).
      const change = ids.find((id) => id.startsWith("triage_change:"));
      await ok(req.click(user, m, button(m, opts.accept || !change ? "triage_confirm_yes" : change)));
    } else if (ids.includes("triage_multi_next")) {
      const q = JSON.parse(button(m, "triage_multi_next").value).q as string;
      const want = answers[q] as string[];
      if (!want.length) await ok(req.click(user, m, button(m, "triage_multi_none")));
      else {
        const boxes = elements(m).filter((e: any) => e.type === "checkboxes");
        const state = { choices: Object.fromEntries(boxes.map((cb: any) => [cb.action_id, { type: "checkboxes", selected_options: cb.options.filter((o: any) => want.includes(o.value)) }])) };
        await ok(req.click(user, m, button(m, "triage_multi_next"), state));
      }
    } else {
      const q = JSON.parse(buttonsOf(m).find((b: any) => b.action_id.startsWith("triage_answer:")).value).q as string;
      await ok(req.click(user, m, button(m, `triage_answer:${answers[q]}`)));
    }
  }
  throw new Error("the walk-through did not finish");
}

async function file(answers: Answers, text = "") {
  await ok(req.command(REPORTER, text));
  const result = await walk(REPORTER, answers);
  await slack.idle();
  const id = /Filed (INC-\d{4}-\d{4})/.exec(textOf(result))![1]!;
  return { id, result, incident: (await app.incidents.get(id))! };
}

const card = (channel: string) => fake.channel(channel).find((m) => /^SEV\d AI /.test(m.text ?? ""))!;
const cardNow = (c: FakeMessage) => fake.messages.get(`${c.channel}/${c.ts}`)!;
const userOf = (id: string): User => ({ id: roster.people.find((p) => p.id === id)!.slack!, name: id });

// ---- the walk-through and the tickets ------------------------------------------------------------

describe("Slack: reporting an incident", () => {
  it("walks a safety case privately in a DM and posts the ticket card to the safety channel", async () => {
    const res = await ok(req.command(REPORTER, ""));
    expect(await res.json()).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("direct message") });
    const first = lastDm(REPORTER);
    expect(textOf(first)).toContain("Question 1 of");
    expect(buttonsOf(first).map((b: any) => b.action_id)).toEqual(["triage_text_open", "triage_cancel"]);

    const result = await walk(REPORTER, SAFETY);
    // The same facts as the Teams card (src/views/result.ts): owner, severity, routing.
    expect(textOf(result)).toContain("AI safety (unintentional failure)");
    expect(textOf(result)).toMatch(/Severity.{1,6}SEV\d/);
    expect(textOf(result)).toContain("INC-2026-0001");
    // Every answered question was edited in place: no live buttons left above the result.
    const dms = fake.dmOf(REPORTER.id);
    expect(dms.slice(0, -1).every((m) => buttonsOf(m).length === 0 && m.edits === 1)).toBe(true);
    expect(fake.callsOf("conversations.open").some((c) => c.args.users === REPORTER.id)).toBe(true);

    await slack.idle();
    const incident = (await app.incidents.get("INC-2026-0001"))!;
    expect(incident.routing.domain).toBe("safety");
    const ticket = card("C0SAFETY");
    expect(textOf(ticket)).toContain("INC-2026-0001");
    expect(buttonsOf(ticket).map((b: any) => [b.action_id, b.value])).toEqual([
      // The routing the card shows (#1): a press on it after a reroute changes nothing.
      ["ticket_acknowledge", "INC-2026-0001#1"],
      ["ticket_escalate", "INC-2026-0001@0#1"], // with the escalation generation the card shows,
      ["ticket_reroute", "INC-2026-0001#1"],
      ["ticket_resolve", "INC-2026-0001#1"],
      // Status updates and subscribing (issue 16, point 4): the incident id alone.
      ["ticket_status", "INC-2026-0001"],
      ["ticket_subscribe", "INC-2026-0001"],
    ]);
    expect(fake.channel("C0SECURITY")).toHaveLength(0);
    const oncall = onCall(roster, "safety", 0, clock.now());
    expect(fake.dmOf(oncall.slack!).at(-1)?.text).toContain(`<@${oncall.slack}>`);
    const delivered = incident.timeline.find((e) => e.type === "delivered" && e.to === "r1:ticket:slack:C0SAFETY");
    expect(delivered).toMatchObject({ ref: `C0SAFETY/${ticket.ts}`, link: expect.stringContaining("C0SAFETY") });
  });

  it("routes a security case typed with the command to the security channel, showing the suggested answers", async () => {
    await ok(req.command(REPORTER, "An attacker hid instructions in an uploaded PDF and the assistant leaked its system prompt"));
    const confirm = lastDm(REPORTER);
    expect(textOf(confirm)).toMatch(/% confident, from “/);
    const items = confirm.blocks!.filter((b: any) => b.type === "actions" && b.block_id.startsWith("suggestion:")).map((b: any) => b.block_id.slice("suggestion:".length));
    expect(items).toEqual(expect.arrayContaining(["intent", "asset"]));
    expect(buttonsOf(confirm).map((b: any) => b.action_id)).toEqual([
      ...items.flatMap((q: string) => [`triage_keep:${q}`, ...(q === "attackKind" ? [] : [`triage_change:${q}`])]),
      "triage_confirm_yes",
      "triage_back",
      "triage_cancel",
    ]);
    await walk(REPORTER, SECURITY);
    await slack.idle();
    const [incident] = await allIncidents();
    expect(incident).toMatchObject({ routing: { domain: "security", cc: [] } });
    expect(textOf(card("C0SECURITY"))).toContain(incident!.id);
    expect(fake.channel("C0SAFETY")).toHaveLength(0);
  });

  it("changes one suggestion, keeps the others, and stores what was proposed against what was chosen", async () => {
    await ok(req.command(REPORTER, "An attacker hid instructions in an uploaded PDF and the assistant leaked its system prompt"));
    const confirm = lastDm(REPORTER);
    await ok(req.click(REPORTER, confirm, button(confirm, "triage_change:intent")));
    // The list is marked answered in place; only the intent question is asked, its suggestion marked.
    expect(textOf(fake.messages.get(`${confirm.channel}/${confirm.ts}`)!)).toContain("Changing the suggested answer");
    const intent = lastDm(REPORTER);
    expect(textOf(intent)).toContain("Suggested: *Yes, someone did this on purpose*");
    expect(button(intent, "triage_answer:deliberate").style).toBe("primary");
    await ok(req.click(REPORTER, intent, button(intent, "triage_answer:suspected")));
    // Back to the remaining suggestions, which kept theirs.
    const rest = lastDm(REPORTER);
    expect(buttonsOf(rest).map((b: any) => b.action_id)).toContain("triage_keep:asset");
    expect(buttonsOf(rest).map((b: any) => b.action_id)).not.toContain("triage_keep:intent");
    await ok(req.click(REPORTER, rest, button(rest, "triage_keep:asset")));
    const left = lastDm(REPORTER);
    if (buttonsOf(left).some((b: any) => b.action_id === "triage_confirm_yes")) await ok(req.click(REPORTER, left, button(left, "triage_confirm_yes")));
    await walk(REPORTER, { ...SECURITY, intent: "suspected" });
    const [incident] = await allIncidents();
    expect(incident!.answers).toMatchObject({ intent: "suspected", asset: "prompts-or-inputs" });
    const proposals = incident!.pretriage!.proposals;
    expect(proposals.intent).toMatchObject({ value: "deliberate", chosen: "suspected", accepted: false, evidence: expect.arrayContaining(["attacker"]) });
    expect(proposals.asset).toMatchObject({ value: "prompts-or-inputs", chosen: "prompts-or-inputs", accepted: true });
    for (const [q, p] of Object.entries(proposals)) if (q !== "intent") expect(p, q).toMatchObject({ chosen: p.value, accepted: true });
  });

  it("copies a cross-domain case to the other channel with a link to the ticket", async () => {
    const { incident } = await file({ ...CROSS, description: "Someone made the shopping assistant quote fake prices to customers" });
    expect(incident.classification.crossDomain).toEqual(["security->safety"]);
    const ticket = card("C0SECURITY");
    const link = (await app.incidents.get(incident.id))!.timeline.find((e) => e.type === "delivered" && e.to.startsWith("r1:ticket:slack:"));
    const [note] = fake.channel("C0SAFETY");
    expect(note?.text).toContain(incident.id);
    expect(note?.text).toContain(`<${(link as { link: string }).link}|See the ticket>`);
    expect(ticket.ts).toBeDefined();
  });

  it("the message shortcut takes the message as the description and links it on the ticket", async () => {
    const reported = { channel: "C0MLOPS", ts: "1699990000.000100", text: "The support chatbot told a customer to double their medication dose", user: "U0OTHER" };
    await ok(req.messageShortcut(REPORTER, "report_message_as_incident", reported));
    expect(fake.callsOf("chat.getPermalink")[0]?.args).toMatchObject({ channel: "C0MLOPS", message_ts: reported.ts });
    const conv = await app.conversations.get(keyOf(REPORTER));
    expect(conv?.state.answers.description).toBe(reported.text);
    expect(conv?.link).toBe("https://fake.slack.test/archives/C0MLOPS/p1699990000000100");
    expect(buttonsOf(lastDm(REPORTER)).some((b: any) => b.action_id === "triage_text_open")).toBe(false);
    await walk(REPORTER, SAFETY);
    await slack.idle();
    expect(textOf(card("C0SAFETY"))).toContain(`<${conv!.link}|Reported message>`);
  });

  it("the global shortcut opens the walk-through in a DM; help explains", async () => {
    await ok(req.globalShortcut(REPORTER, "report_incident"));
    expect(buttonsOf(lastDm(REPORTER))[0]?.action_id).toBe("triage_text_open");
    const help = await ok(req.command(REPORTER, "help"));
    expect(((await help.json()) as { text: string }).text).toContain("/incident summary");
  });

  it("a stale click (an older revision) gets a polite note and changes nothing", async () => {
    await ok(req.command(REPORTER, "The model keeps inventing refund policies"));
    const old = structuredClone(lastDm(REPORTER));
    await ok(req.click(REPORTER, old, buttonsOf(old).find((b: any) => b.action_id.startsWith("triage_change:"))));
    const before = { conv: await app.conversations.get(keyOf(REPORTER)), dms: fake.dmOf(REPORTER.id).length, updates: fake.callsOf("chat.update").length };
    await ok(req.click(REPORTER, old, button(old, "triage_confirm_yes")));
    expect(fake.responses.at(-1)?.body).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("already answered") });
    expect(await app.conversations.get(keyOf(REPORTER))).toEqual(before.conv);
    expect(fake.dmOf(REPORTER.id)).toHaveLength(before.dms);
    expect(fake.callsOf("chat.update")).toHaveLength(before.updates);
  });
});

describe("Slack: on-call actions on the ticket card", () => {
  it("acknowledge and escalate update the card in place and post to its thread", async () => {
    const { id } = await file(SAFETY);
    const ticket = card("C0SAFETY");
    const oncall = userOf(onCall(roster, "safety", 0, clock.now()).id);

    await ok(req.click(oncall, ticket, button(ticket, "ticket_acknowledge")));
    expect((await app.incidents.get(id))?.status).toBe("acknowledged");
    expect(cardNow(ticket).edits).toBe(1);
    expect(textOf(cardNow(ticket))).toContain("Acknowledged");
    expect(buttonsOf(cardNow(ticket)).map((b: any) => b.action_id)).not.toContain("ticket_acknowledge");
    expect(fake.thread("C0SAFETY", ticket.ts).at(-1)?.text).toContain("acknowledged");

    await ok(req.click(oncall, cardNow(ticket), button(cardNow(ticket), "ticket_escalate")));
    expect((await app.incidents.get(id))).toMatchObject({ status: "escalated", level: 1 });
    expect(cardNow(ticket).edits).toBe(2);
    expect(textOf(cardNow(ticket))).toContain("Escalated");
    expect(fake.dmOf(RADIA.id).at(-1)?.text).toContain(`<@${RADIA.id}>`);
    expect(fake.thread("C0SAFETY", ticket.ts).at(-1)?.text).toContain("Escalated to level 2");
    expect(fake.channel("C0SAFETY")).toHaveLength(1);

    // The paged person can acknowledge from the page itself.
    const page = fake.dmOf(RADIA.id).at(-1)!;
    await ok(req.click(RADIA, page, button(page, "ticket_acknowledge")));
    expect(await app.incidents.get(id)).toMatchObject({ status: "acknowledged", assignee: "radia" });
    expect(cardNow(ticket).edits).toBe(3);
  });

  it("reroute asks for a reason in a modal, marks the old card and posts a new one; resolve asks for a note", async () => {
    const { id } = await file(SAFETY);
    const ticket = card("C0SAFETY");
    const oncall = userOf(onCall(roster, "safety", 0, clock.now()).id);

    await ok(req.click(oncall, ticket, button(ticket, "ticket_reroute")));
    const modal = lastView();
    expect(modal).toMatchObject({ callback_id: "ticket_reroute_reason", type: "modal" });
    const empty = await ok(req.submit(oncall, modal, { input: { value: "  " } }));
    expect(await empty.json()).toMatchObject({ response_action: "errors", errors: { input: expect.any(String) } });
    expect((await app.incidents.get(id))?.routeCount).toBe(1);

    await ok(req.submit(oncall, modal, { input: { value: "The customer says a competitor planted the prompt" } }));
    expect((await app.incidents.get(id))).toMatchObject({ routing: { domain: "security" }, routeCount: 2, status: "open" });
    expect(textOf(cardNow(ticket))).toContain("Rerouted to *security*");
    expect(buttonsOf(cardNow(ticket))).toHaveLength(0);
    const moved = card("C0SECURITY");
    expect(textOf(moved)).toContain(id);

    const hedy = userOf(onCall(roster, "security", 0, clock.now()).id);
    await ok(req.click(hedy, moved, button(moved, "ticket_resolve")));
    const resolveModal = lastView();
    expect(resolveModal.callback_id).toBe("ticket_resolve_note");
    await ok(req.submit(hedy, resolveModal, { input: { value: "Prompt filter deployed; customer informed" } }));
    expect((await app.incidents.get(id))?.status).toBe("resolved");
    expect(textOf(cardNow(moved))).toContain("Resolved by");
    // Resolved: no lifecycle button left, only Postmortem (issue 16).
    expect(buttonsOf(cardNow(moved)).map((b: any) => b.action_id)).toEqual(["ticket_postmortem"]);
    expect(fake.thread("C0SECURITY", moved.ts).at(-1)?.text).toContain("resolved");
  });

  it("a press on a card of an older routing is refused privately and changes nothing, as in Teams", async () => {
    const { id } = await file(SAFETY);
    const ticket = card("C0SAFETY");
    // What the old card showed before the reroute edited it: a client that has not refreshed still offers these.
    const old = JSON.parse(JSON.stringify(ticket));
    const oncall = userOf(onCall(roster, "safety", 0, clock.now()).id);
    await ok(req.click(oncall, ticket, button(ticket, "ticket_reroute")));
    await ok(req.submit(oncall, lastView(), { input: { value: "An attacker planted the prompt" } }));
    await slack.idle();
    const rerouted = (await app.incidents.get(id))!;
    expect(rerouted).toMatchObject({ routeCount: 2, status: "open" });

    const views = fake.callsOf("views.open").length;
    await ok(req.click(RADIA, old, button(old, "ticket_acknowledge")));
    expect(fake.responses.at(-1)?.body).toMatchObject({ response_type: "ephemeral", replace_original: false, text: expect.stringContaining("from before") });
    await ok(req.click(RADIA, old, button(old, "ticket_resolve")));
    expect(fake.responses.at(-1)?.body).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("Use the ticket in the security channel") });
    expect(fake.callsOf("views.open")).toHaveLength(views);
    await slack.idle();
    expect(await app.incidents.get(id)).toEqual(rerouted);
  });

  it("someone off the roster clicking Acknowledge is refused privately and nothing changes", async () => {
    const { id, incident } = await file(SAFETY);
    const ticket = card("C0SAFETY");
    const updates = fake.callsOf("chat.update").length;
    await ok(req.click(MAYA, ticket, button(ticket, "ticket_acknowledge")));
    expect(fake.responses.at(-1)?.body).toMatchObject({ response_type: "ephemeral", replace_original: false, text: expect.stringContaining("Only the safety on-call roster") });
    expect(await app.incidents.get(id)).toEqual(incident);
    expect(fake.callsOf("chat.update")).toHaveLength(updates);
    await ok(req.click(MAYA, ticket, button(ticket, "ticket_resolve")));
    expect(fake.callsOf("views.open").some((c) => c.args.view.callback_id === "ticket_resolve_note")).toBe(false);
  });

  it("a 429 from chat.postMessage is retried after Retry-After and the ticket is delivered once", async () => {
    fake.failNext("chat.postMessage", 1, { status: 429, retryAfter: 1, when: (a) => a.channel === "C0SAFETY" });
    const { id } = await file(SAFETY);
    // Only the channel's refusals: the walk-through clicks faster than a person, and the fake's posting
    // limit may refuse (and the bot retry) a reply in the reporter's DM too.
    const refused = fake.refused.filter((c) => c.args.channel === "C0SAFETY");
    expect(refused).toHaveLength(1);
    const posts = fake.callsOf("chat.postMessage").filter((c) => c.args.channel === "C0SAFETY");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.at - refused[0]!.at).toBeGreaterThanOrEqual(900);
    const incident = (await app.incidents.get(id))!;
    expect(incident.timeline.filter((e) => e.type === "delivered" && e.to.startsWith("r1:ticket:"))).toHaveLength(1);
    expect(await app.queue.failed()).toEqual([]);
  });
});

describe("Slack: managers", () => {
  it("refuses the summary to a non-manager and gives it to a manager", async () => {
    await ok(req.command(REPORTER, "summary 30d"));
    expect(fake.responses.at(-1)?.body).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("Summaries are for the managers") });
    await ok(req.command(MAYA, "summary 30d security"));
    const body = fake.responses.at(-1)?.body;
    expect(body.response_type).toBe("ephemeral");
    expect(JSON.stringify(body.blocks)).toMatch(/last 30 days \(security\)/);
    expect(await app.conversations.get(keyOf(MAYA))).toBeUndefined();
  });
});

describe("Slack: start-up", () => {
  it("makes no auth.test call at construction without bot ids, and one at the first request", async () => {
    const lazy = createSlackAdapter(adapterPort(app), { signingSecret: SECRET, botToken: TOKEN, apiUrl: fake.apiUrl });
    const other = await startWeb(app, 0, silentLogger, [lazy.route]);
    try {
      expect(fake.callsOf("auth.test")).toHaveLength(0);
      const r = new SlackRequests(`http://127.0.0.1:${other.port}/slack/events`, SECRET, (id) => fake.responseUrl(id));
      for (const text of ["help", "help"]) expect((await r.command(REPORTER, text)).status).toBe(200);
      await lazy.idle();
      expect(fake.callsOf("auth.test")).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });
});

describe("Slack: request authenticity and retries", () => {
  const nothingHappened = async () => {
    await slack.idle();
    expect(fake.totalCalls).toBe(0);
    expect(await app.conversations.get(keyOf(REPORTER))).toBeUndefined();
  };

  it("refuses a bad signature with 401", async () => {
    expect((await req.command(REPORTER, "the model leaked a key", { secret: "not-the-secret" })).status).toBe(401);
    await nothingHappened();
  });

  it("refuses a stale timestamp (6 minutes old) and a future one (6 minutes ahead)", async () => {
    expect((await req.command(REPORTER, "old", { ts: nowSeconds() - 360 })).status).toBe(401);
    expect((await req.command(REPORTER, "future", { ts: nowSeconds() + 360 })).status).toBe(401);
    await nothingHappened();
  });

  it("works on a re-delivered event once; a retry whose original never arrived is still worked on", async () => {
    await ok(req.directMessage(REPORTER, "The assistant leaked another customer's address", "Ev0001"));
    const conv = await app.conversations.get(keyOf(REPORTER));
    expect(conv?.state.answers.description).toBe("The assistant leaked another customer's address");
    const posted = fake.dmOf(REPORTER.id).length;
    expect(posted).toBe(1);
    await ok(req.directMessage(REPORTER, "The assistant leaked another customer's address", "Ev0001", 1));
    expect(await app.conversations.get(keyOf(REPORTER))).toEqual(conv);
    expect(fake.dmOf(REPORTER.id)).toHaveLength(posted);
    await ok(req.directMessage(REPORTER, "cancel", "Ev0002", 2));
    expect(fake.dmOf(REPORTER.id)).toHaveLength(posted + 1);
  });
});

// ---- reporting obligations -------------------------------------------------------------------------

describe("Slack: reporting obligations", () => {
  /** A safety incident in which a person died, on a system the reporter says is high-risk. */
  const DEATH: Answers = { ...SAFETY, harm: ["physical"], seriousEffects: ["death"], highRisk: "yes", awareness: "at-report" };

  it("asks the questions that decide it as buttons in the DM, and the card shows the clock and the warning", async () => {
    const { id } = await file(DEATH);
    // The questions were asked in the DM, one at a time; each message now shows the answer clicked.
    const dms = fake.dmOf(REPORTER.id).map(textOf).join("\n");
    expect(dms).toContain("Did it lead, directly or indirectly, to any of these? Pick all that apply.: A person died");
    expect(dms).toContain("Is the AI system high-risk under the EU AI Act?: Yes, it is high-risk");
    expect(dms).toContain("When did your organisation become aware of it?: Just now, with this report");
    const ticket = card("C0SAFETY");
    const context = (ticket.blocks ?? []).filter((b: any) => b.type === "context").flatMap((b: any) => b.elements.map((e: any) => e.text as string));
    expect(context).toContain(
      `:alarm_clock: EU AI Act Art. 73: serious incident of a high-risk AI system: report by 2026-12-04 09:00 UTC (10 d 0 h left; 10 days from awareness, Regulation (EU) 2024/1689, Art. 73(4))`,
    );
    expect(context.some((t) => t.startsWith(":warning: do not alter the AI system"))).toBe(true);
    // Marked reported: the card is edited to say by whom, and the warning goes.
    clock.advance(3_600_000);
    expect(await app.actions.markReported(id, "eu-ai-act-art73", "initial", { platform: "slack", userId: "U0ADA", name: "Ada" })).toMatchObject({ ok: true, changed: true });
    await app.idle();
    const edited = textOf(cardNow(ticket));
    expect(edited).toContain(":white_check_mark: EU AI Act Art. 73: serious incident of a high-risk AI system: reported (initial) by Ada");
    expect(edited).not.toContain("do not alter");
  });

  it("Draft report sends the drafts to the on-call's DM; someone off the roster is refused privately and gets nothing", async () => {
    const { id } = await file(DEATH);
    const ticket = card("C0SAFETY");
    const draftButton = button(ticket, "ticket_report");
    expect(draftButton.value).toBe(id);
    const ada = userOf("ada");
    await ok(req.click(ada, ticket, draftButton));
    const dm = fake.dmOf(ada.id).at(-1)!;
    expect(dm.text).toContain(`Draft initial report for *${id}*, EU AI Act Art. 73`);
    expect(dm.text).toContain("# Draft initial report: EU AI Act Art. 73: serious incident of a high-risk AI system");
    expect(dm.text).toContain("Applicability: applies");
    expect(fake.responses.at(-1)?.body).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("Sent you the draft") });
    const before = fake.dmOf(REPORTER.id).length;
    await ok(req.click(REPORTER, ticket, draftButton));
    expect(fake.responses.at(-1)?.body).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining("Report drafts are for the safety on-call") });
    expect(fake.dmOf(REPORTER.id)).toHaveLength(before);
  });

  it("an incident no regime applies to asks none of those questions and shows no clock", async () => {
    await file({ ...SAFETY, harm: [] });
    expect(fake.dmOf(REPORTER.id).map(textOf).join("\n")).not.toContain("high-risk");
    expect(textOf(card("C0SAFETY"))).not.toContain("alarm_clock");
    expect(textOf(card("C0SAFETY"))).not.toContain("ticket_report");
  });
});

// ---- issue 16, item 1: the full report on the ticket and the page ----------------------------------

describe("Slack: the ticket and the page carry the whole report", () => {
  it("description in full (in sections Slack folds), every answer, the accepted suggestions' evidence, escaped", async () => {
    const story = "The support chatbot told a customer to double their medication dose <!channel> & it is still live.";
    // Over one section's 3,000 characters: every numbered sentence must arrive, none as markup.
    const long = `${story}\n${Array.from({ length: 40 }, (_, k) => `Detail ${k}: the bot repeated the advice to another user in the same session.`).join(" ")}`;
    await ok(req.command(REPORTER, long));
    const result = await walk(REPORTER, SAFETY, { accept: true });
    const id = /Filed (INC-\d{4}-\d{4})/.exec(textOf(result))![1]!;
    const incident = (await app.incidents.get(id))!;
    expect(Object.values(incident.pretriage?.proposals ?? {}).some((p) => p.accepted)).toBe(true);
    const page = fake.dmOf(onCall(roster, "safety", 0, clock.now()).slack!).find((m) => textOf(m).includes(id))!;
    for (const m of [card("C0SAFETY"), page]) {
      const blocks = m.blocks as any[];
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) if (b.type === "section" && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      const texts = blocks.map((b) => b.text?.text ?? "").join("\n");
      for (let k = 0; k < 40; k++) expect(texts).toContain(`Detail ${k}: the bot repeated`);
      expect(texts).toContain("*Report*\nThe support chatbot told a customer to double their medication dose &lt;!channel&gt; &amp; it is still live.");
      expect(texts).not.toContain("<!channel>");
      expect(texts).toMatch(/\*Answers\*\n.*Intent: none.*Failure kind: harmful-output.*Scope: one-user/);
      expect(texts).toMatch(/\*Accepted suggestions\*\n• [A-Za-z ]+: [a-z-, ]+ \(suggested at \d+% from "[^"]+"/);
    }
  });
});

// ---- issue 16, item 2: editing after filing ---------------------------------------------------------

describe("Slack: editing an incident after filing", () => {
  it("severity, a note, resolve and reopen: each on the timeline with who and why, the card kept current", async () => {
    const { id } = await file(SAFETY);
    const ticket = card("C0SAFETY");
    const oncall = userOf(onCall(roster, "safety", 0, clock.now()).id);
    const said = async (user: User, text: string) => {
      await ok(req.command(user, text));
      return JSON.stringify(fake.responses.at(-1)!.body);
    };

    expect(await said(MAYA, `severity ${id} SEV1 looks worse`)).toContain("Only the safety on-call roster, an incident manager or the commander can edit");
    expect((await app.incidents.get(id))!.classification.severity).not.toBe("SEV1");

    expect(await said(oncall, `severity ${id} SEV1 a second customer was told the same`)).toContain("severity");
    expect(textOf(cardNow(ticket))).toContain("SEV1 · AI safety");
    expect(fake.thread("C0SAFETY", ticket.ts).map((m) => m.text).join("\n")).toContain("a second customer was told the same");

    await said(oncall, `note ${id} rolled back the prompt template`);
    await said(oncall, `severity ${id} SEV1 again`); // no change: nothing new on the timeline
    const noted = (await app.incidents.get(id))!;
    expect(noted.timeline.filter((e) => e.type === "edited" || e.type === "note").map((e) => [e.type, e.by.userId])).toEqual([
      ["edited", oncall.id],
      ["note", oncall.id],
    ]);

    await ok(req.click(oncall, cardNow(ticket), button(cardNow(ticket), "ticket_resolve")));
    await ok(req.submit(oncall, lastView(), { input: { value: "template fixed" } }));
    expect(await said(oncall, `severity ${id} SEV2 calmer`)).toContain("reopen it first");
    expect(await said(oncall, `reopen ${id} it is happening again`)).toContain("reopened");
    expect((await app.incidents.get(id))!.status).toBe("open");
    // Reopened: the lifecycle buttons are back on the card.
    expect(buttonsOf(cardNow(ticket)).map((b: any) => b.action_id)).toContain("ticket_resolve");
  });
});

describe("Slack: the incident commander", () => {
  it("the on-call takes command and hands it over by mention; the new commander may edit, a stranger may not take it", async () => {
    const { id } = await file(SAFETY);
    const ticket = card("C0SAFETY");
    const oncall = userOf(onCall(roster, "safety", 0, clock.now()).id);
    const said = async (user: User, text: string) => {
      await ok(req.command(user, text));
      return JSON.stringify(fake.responses.at(-1)!.body);
    };
    expect(await said(REPORTER, `command ${id}`)).toContain("can choose");
    expect(await said(oncall, `command ${id}`)).toContain("command taken by");
    expect(await said(oncall, `commander ${id} <@U0MAYA|maya>`)).toContain("handed over");
    expect(fake.thread("C0SAFETY", ticket.ts).map((m) => m.text).join("\n")).toContain("handed over");
    // Maya is a manager (no edit rights of her own) and now the commander.
    expect(await said(MAYA, `note ${id} talking to the customer`)).toContain("added a note");
    const after = (await app.incidents.get(id))!;
    expect(after.commander).toBe("maya");
    expect(after.timeline.filter((e) => e.type === "commander").map((e) => [e.by.userId, e.to])).toEqual([
      [oncall.id, oncall.name],
      [oncall.id, "maya"],
    ]);
  });
});
