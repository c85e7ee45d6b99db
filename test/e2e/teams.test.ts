// Teams end to end: activities POSTed to /api/messages as Teams sends them, the bot's cards and the
// tickets observed on a fake Bot Framework connector. No app id: botbuilder's local-development mode,
// except in the authentication test, which configures one and expects 401s.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTeamsAdapter, createTeamsNotifier } from "../../adapters/teams/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import type { Incident } from "../../src/domain/incident.js";
import { silentLogger } from "../../src/log.js";
import { DeliveryError } from "../../src/tickets/notifier.js";
import { startWeb, type WebHandle } from "../../src/http.js";
import { defs } from "../support/defs.js";
import { channelOf, startFakeConnector, type ConnectorCall, type FakeConnector } from "../support/fake-connector.js";
import { testRoster } from "../support/roster.js";
import { TENANT_ID, channel, installed, message, personalChat, submit, user, type TeamsUser, type Where } from "../support/teams-activity.js";

const SAFETY = "19:safety@thread.tacv2";
const SECURITY = "19:security@thread.tacv2";
const rita = user("rita", "Rita"); // a responder, not on the roster
const ada = user("ada", "Ada"); // safety level 1 (on call this week)
const hedy = user("hedy", "Hedy"); // security level 1 (on call today)
const maya = user("maya", "Maya"); // manager

type Card = { body: any[]; actions?: any[] };
interface Env {
  app: App;
  clock: ManualClock;
  fake: FakeConnector;
  post(activity: object, headers?: Record<string, string>): Promise<number>;
  port: number;
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(teamsCfg: Parameters<typeof createTeamsAdapter>[1] = {}): Promise<Env> {
  const fake = await startFakeConnector();
  const roster = testRoster({
    destinations: {
      safety: { teams: { conversationId: SAFETY, serviceUrl: fake.url, tenantId: TENANT_ID } },
      security: { teams: { conversationId: SECURITY, serviceUrl: fake.url, tenantId: TENANT_ID } },
    },
  });
  const clock = new ManualClock();
  const notifier = createTeamsNotifier({ roster });
  const app = createEmbeddedApp(loadConfig({}), { notifier, log: silentLogger, clock, defs: { ...defs(), roster } });
  const teams = createTeamsAdapter(app, teamsCfg);
  const web: WebHandle = await startWeb(app, 0, silentLogger, [teams.route]);
  cleanup.push(async () => {
    await web.stop();
    await app.close();
    await fake.close();
  });
  const post = async (activity: object, headers: Record<string, string> = {}) => {
    const r = await fetch(`http://127.0.0.1:${web.port}/api/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(activity) });
    await r.arrayBuffer();
    return r.status;
  };
  return { app, clock, fake, post, port: web.port };
}

// ---- reading what the bot posted ------------------------------------------------------------------

const cardOf = (c: ConnectorCall): Card | undefined => c.body.attachments?.[0]?.content;
const textOf = (card: Card | undefined): string => JSON.stringify(card?.body ?? []);
const postsTo = (fake: FakeConnector, conv: string) => fake.calls.filter((c) => (c.kind === "send" || c.kind === "reply") && channelOf(c.conversationId) === conv);
const lastCard = (fake: FakeConnector, conv: string) => postsTo(fake, conv).findLast((c) => cardOf(c));
const updatesOf = (fake: FakeConnector, activityId: string) => fake.calls.filter((c) => c.kind === "update" && c.activityId === activityId);

/** Every Action.Submit of a card, in containers and in the inline cards of ShowCard actions. */
function submits(card: Card): Array<{ title: string; data: Record<string, unknown> }> {
  const out: Array<{ title: string; data: Record<string, unknown> }> = [];
  const inBody = (body: any[]): any[] => body.flatMap((e: any) => (e.type === "ActionSet" ? e.actions : e.type === "Container" ? inBody(e.items) : []));
  const walk = (actions: any[] = []) => {
    for (const a of actions) {
      if (a.type === "Action.Submit") out.push(a);
      if (a.type === "Action.ShowCard") walk([...(a.card.actions ?? []), ...inBody(a.card.body)]);
    }
  };
  walk([...inBody(card.body), ...(card.actions ?? [])]);
  return out;
}

/** Presses the button of a posted card the way Teams does: data + inputs, replyToId = the card. */
async function click(env: Env, where: Where, who: TeamsUser, posted: ConnectorCall, pick: (s: { title: string; data: Record<string, unknown> }) => boolean, inputs: Record<string, string> = {}) {
  const button = submits(cardOf(posted)!).find(pick);
  if (!button) throw new Error(`no such button on ${textOf(cardOf(posted)).slice(0, 300)}`);
  return env.post(submit(where, who, { ...button.data, ...inputs }, posted.id));
}

const ANSWERS = {
  safety: { intent: "none", failureKind: "harmful-output", asset: "outputs", ciaLost: [], exploitable: "no", harm: ["psychological"], ongoing: "no", scope: "one-user" },
  security: { intent: "deliberate", attackKind: "prompt-injection", asset: "prompts-or-inputs", ciaLost: ["confidentiality"], harm: [], ongoing: "no", scope: "one-user" },
  cross: { intent: "suspected", attackKind: "prompt-injection", asset: "outputs", ciaLost: ["integrity"], harm: ["financial"], ongoing: "yes", scope: "some-users" },
} satisfies Record<string, Record<string, string | string[]>>;

/** Answers every card of the walk-through in `where` until the result card; returns the incident. */
async function walk(env: Env, where: Where, who: TeamsUser, answers: Record<string, string | string[]>): Promise<Incident> {
  for (let step = 0; step < 20; step++) {
    const posted = lastCard(env.fake, where.conversationId)!;
    const card = cardOf(posted)!;
    const id = /Filed (INC-\d{4}-\d{4,})/.exec(textOf(card))?.[1];
    if (id) return (await env.app.incidents.get(id))!;
    const buttons = submits(card);
    const answer = buttons.find((b) => b.data.action === "answer");
    let status: number;
    // Suggestions: change the first one that can be changed (its question comes next), else keep them all.
    const change = buttons.find((b) => b.data.action === "suggestion" && b.data.decision === "change");
    if (change) status = await click(env, where, who, posted, (b) => b.data.action === "suggestion" && b.data.questionId === change.data.questionId && b.data.decision === "change");
    else if (buttons.some((b) => b.data.action === "confirm")) status = await click(env, where, who, posted, (b) => b.data.action === "confirm");
    else if (!answer) throw new Error(`unexpected card ${textOf(card).slice(0, 300)}`);
    else {
      const qid = answer.data.questionId as string;
      const value = answers[qid];
      if (value === undefined) throw new Error(`no answer for ${qid}`);
      if (typeof value === "string" && answer.data.value !== undefined) status = await click(env, where, who, posted, (b) => b.data.value === value);
      else if (Array.isArray(value)) status = await click(env, where, who, posted, (b) => b.data.action === "answer", { choices: value.length ? value.join(",") : "@none" });
      else status = await click(env, where, who, posted, (b) => b.data.action === "answer", { text: value });
    }
    expect(status).toBe(200);
    // The card just answered now shows the answer and has no buttons left.
    const edited = updatesOf(env.fake, posted.id).at(-1);
    expect(edited && submits(cardOf(edited)!)).toEqual([]);
  }
  throw new Error("the walk-through did not finish");
}

async function triage(env: Env, who: TeamsUser, description: string, answers: Record<string, string | string[]>) {
  const where = personalChat(env.fake.url, who);
  expect(await env.post(message(where, who, `incident ${description}`))).toBe(200);
  const incident = await walk(env, where, who, answers);
  await env.app.idle();
  return { where, incident: (await env.app.incidents.get(incident.id))! };
}

const ticketIn = (env: Env, conv: string, id: string) => postsTo(env.fake, conv).find((c) => c.kind === "send" && textOf(cardOf(c)).includes(`${id} ·`));
const chatWith = (env: Env, aad: string) => env.fake.calls.find((c) => c.kind === "create" && c.body.members?.[0]?.id === aad);

describe("Teams: reporting an incident", () => {
  it("walks a safety incident card by card and pages the safety on-call in a personal chat", async () => {
    const env = await setup();
    expect(await env.post(installed(personalChat(env.fake.url, rita), rita))).toBe(200);
    expect(textOf(cardOf(lastCard(env.fake, `a:personal-aad-rita`)!))).toContain("AI incident triage");

    const { where, incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    expect(incident).toMatchObject({ reporter: { platform: "teams", userId: "aad-rita", name: "Rita" }, routing: { domain: "safety", cc: [] } });
    const result = textOf(cardOf(lastCard(env.fake, where.conversationId)!));
    expect(result).toContain(incident.id);
    expect(result).toContain("AI safety");
    expect(result).toContain("Why");

    const ticket = ticketIn(env, SAFETY, incident.id)!;
    expect(submits(cardOf(ticket)!).map((b) => b.title)).toEqual(["Acknowledge", "Escalate", "Reroute", "Resolve"]);
    expect(postsTo(env.fake, SECURITY)).toEqual([]);
    const chat = chatWith(env, "aad-ada")!;
    expect(chat.body).toMatchObject({ isGroup: false, tenantId: TENANT_ID, members: [{ id: "aad-ada" }], channelData: { tenant: { id: TENANT_ID } } });
    const page = postsTo(env.fake, chat.id)[0]!;
    expect(textOf(cardOf(page))).toContain("You are paged");
    // The timeline keeps each message's reference, so updates can edit it in place later.
    const refs = incident.timeline.filter((e) => e.type === "delivered").map((e) => (e.type === "delivered" ? e.ref : ""));
    expect(refs).toEqual([`${encodeURIComponent(SAFETY)}/${ticket.id}`, `${encodeURIComponent(chat.id)}/${page.id}`]);
  });

  it("when storage fails, the person is told in the chat that it was not saved, not met with silence", async () => {
    const env = await setup();
    const where = personalChat(env.fake.url, rita);
    expect(await env.post(installed(where, rita))).toBe(200);
    const before = postsTo(env.fake, where.conversationId).length;
    const down = vi.spyOn(env.app.conversations, "get").mockRejectedValue(new Error("connect ECONNREFUSED 127.0.0.1:6379"));
    try {
      await env.post(message(where, rita, "incident the support bot leaked another customer's order history"));
      const replies = postsTo(env.fake, where.conversationId).slice(before);
      expect(replies.map((c) => String(c.body.text ?? ""))).toEqual([expect.stringContaining("That was not saved")]);
    } finally {
      down.mockRestore();
    }
  });

  it("changes one suggestion, keeps the others, and stores what was proposed against what was chosen", async () => {
    const env = await setup();
    const where = personalChat(env.fake.url, rita);
    expect(await env.post(message(where, rita, "incident An attacker hid instructions in an uploaded PDF and the assistant leaked its system prompt"))).toBe(200);
    const confirm = lastCard(env.fake, where.conversationId)!;
    const perItem = submits(cardOf(confirm)!).filter((b) => b.data.action === "suggestion");
    expect(perItem.map((b) => `${b.title}:${b.data.questionId}`)).toEqual(expect.arrayContaining(["Keep:intent", "Change:intent", "Keep:asset", "Change:asset"]));
    expect(await click(env, where, rita, confirm, (b) => b.data.decision === "change" && b.data.questionId === "intent")).toBe(200);
    expect(textOf(cardOf(updatesOf(env.fake, confirm.id).at(-1)!))).toContain("Changing the suggested answer");

    // Only the intent question is asked, its suggestion marked; Back and Cancel skip input validation.
    const intent = lastCard(env.fake, where.conversationId)!;
    expect(textOf(cardOf(intent))).toContain("Suggested: Yes, someone did this on purpose");
    expect(submits(cardOf(intent)!).find((b) => b.data.value === "deliberate")?.title).toContain("(suggested)");
    expect(cardOf(intent)!.actions?.map((a: any) => `${a.title}:${a.associatedInputs}`)).toEqual(["Back:none", "Cancel:none"]);
    expect(await click(env, where, rita, intent, (b) => b.data.value === "suspected")).toBe(200);

    // Back to the remaining suggestions, which kept theirs: keep asset alone, then keep the rest.
    const rest = lastCard(env.fake, where.conversationId)!;
    expect(submits(cardOf(rest)!).some((b) => b.data.questionId === "intent")).toBe(false);
    expect(await click(env, where, rita, rest, (b) => b.data.decision === "keep" && b.data.questionId === "asset")).toBe(200);
    const left = lastCard(env.fake, where.conversationId)!;
    if (submits(cardOf(left)!).some((b) => b.data.action === "confirm")) expect(await click(env, where, rita, left, (b) => b.data.action === "confirm")).toBe(200);
    const filed = await walk(env, where, rita, { ...ANSWERS.security, intent: "suspected" });
    await env.app.idle();
    const incident = (await env.app.incidents.get(filed.id))!;
    expect(incident.answers).toMatchObject({ intent: "suspected", asset: "prompts-or-inputs" });
    const proposals = incident.pretriage!.proposals;
    expect(proposals.intent).toMatchObject({ value: "deliberate", chosen: "suspected", accepted: false, evidence: expect.arrayContaining(["attacker"]) });
    expect(proposals.asset).toMatchObject({ value: "prompts-or-inputs", chosen: "prompts-or-inputs", accepted: true });
    for (const [q, p] of Object.entries(proposals)) if (q !== "intent") expect(p, q).toMatchObject({ chosen: p.value, accepted: true });
  });

  it("routes a security incident started by @mention in a channel; the walk-through moves to a personal chat", async () => {
    const env = await setup();
    const general = channel(env.fake.url, "19:general@thread.tacv2");
    expect(await env.post(message(general, rita, "incident Someone hid instructions in a PDF and the assistant leaked its system prompt"))).toBe(200);
    const chat = chatWith(env, rita.id)!;
    expect(postsTo(env.fake, "19:general@thread.tacv2").at(-1)!.body.text).toContain("private chat");
    const incident = await walk(env, personalChat(env.fake.url, rita, chat.id), rita, ANSWERS.security);
    await env.app.idle();
    expect(incident.classification).toMatchObject({ primary: "security", crossDomain: [] });
    expect(ticketIn(env, SECURITY, incident.id)).toBeDefined();
    expect(postsTo(env.fake, SAFETY)).toEqual([]);
    expect(postsTo(env.fake, chatWith(env, "aad-hedy")!.id)).toHaveLength(1);
  });

  it("copies a cross-domain incident to the other domain's channel with a link to the ticket", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The assistant started quoting a competitor's price list", ANSWERS.cross);
    expect(incident.routing).toMatchObject({ domain: "security", cc: ["safety"] });
    const ticket = ticketIn(env, SECURITY, incident.id)!;
    const fyi = cardOf(postsTo(env.fake, SAFETY)[0]!)!;
    expect(textOf(fyi)).toContain(`FYI for safety: ${incident.id}`);
    expect(fyi.actions).toEqual([{ type: "Action.OpenUrl", title: "Open the ticket", url: expect.stringContaining(ticket.id) }]);
  });

  it("a stale or repeated button press gets a polite note and changes nothing", async () => {
    const env = await setup();
    const where = personalChat(env.fake.url, rita);
    await env.post(message(where, rita, "incident"));
    const first = lastCard(env.fake, where.conversationId)!;
    expect(await click(env, where, rita, first, (b) => b.data.action === "answer", { text: "The model weights showed up on a torrent site" })).toBe(200);
    const before = await env.app.conversations.get(`teams:tenant-0001:aad-rita`);
    const updates = env.fake.calls.filter((c) => c.kind === "update").length;
    await click(env, where, rita, first, (b) => b.data.action === "answer", { text: "Something else entirely" });
    expect(lastCard(env.fake, where.conversationId)!.body.attachments[0].content.body[0].text).toMatch(/already answered|nothing was changed/);
    expect(await env.app.conversations.get(`teams:tenant-0001:aad-rita`)).toEqual(before);
    expect(env.fake.calls.filter((c) => c.kind === "update")).toHaveLength(updates);
    // Someone else's card (another user's key) is stale for them too.
    await click(env, personalChat(env.fake.url, ada), ada, first, (b) => b.data.action === "cancel");
    expect(await env.app.conversations.get(`teams:tenant-0001:aad-rita`)).toEqual(before);
  });
});

describe("Teams: on-call ticket actions", () => {
  it("acknowledge, escalate and resolve edit the ticket card in place; refusals change nothing", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    const thread = channel(env.fake.url, SAFETY, ticket.id);
    const op = (name: string) => (b: { data: Record<string, unknown> }) => b.data.op === name;

    await click(env, thread, rita, ticket, op("acknowledge"));
    expect(postsTo(env.fake, SAFETY).at(-1)!.body.text).toContain("Only the safety on-call roster");
    expect(updatesOf(env.fake, ticket.id)).toEqual([]);
    expect((await env.app.incidents.get(incident.id))!.status).toBe("open");

    await click(env, thread, ada, ticket, op("acknowledge"));
    expect(textOf(cardOf(updatesOf(env.fake, ticket.id).at(-1)!))).toContain("Acknowledged");
    await env.app.idle();
    expect(postsTo(env.fake, SAFETY).at(-1)).toMatchObject({ kind: "reply", activityId: ticket.id, body: { text: `Ada acknowledged ${incident.id}.` } });

    await click(env, thread, ada, ticket, op("escalate"));
    await env.app.idle();
    expect(postsTo(env.fake, chatWith(env, "aad-radia")!.id)).toHaveLength(1);
    expect(textOf(cardOf(updatesOf(env.fake, ticket.id).at(-1)!))).toContain("Radia (level 2)");

    await click(env, thread, ada, ticket, op("resolve"), { note: "" });
    expect(postsTo(env.fake, SAFETY).at(-1)!.body.text).toContain("needs a note");
    expect((await env.app.incidents.get(incident.id))!.status).toBe("escalated");
    await click(env, thread, ada, ticket, op("resolve"), { note: "Prompt fixed and reply template reviewed" });
    const resolved = cardOf(updatesOf(env.fake, ticket.id).at(-1)!)!;
    expect(textOf(resolved)).toContain("Resolved: Prompt fixed");
    expect(submits(resolved)).toEqual([]);
    await env.app.idle();
    expect((await env.app.incidents.get(incident.id))!.status).toBe("resolved");
  });

  it("reroute with a reason retires the old card and posts a new ticket to the other channel", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "Someone hid instructions in a PDF and the assistant leaked its system prompt", ANSWERS.security);
    const ticket = ticketIn(env, SECURITY, incident.id)!;
    const thread = channel(env.fake.url, SECURITY, ticket.id);
    await click(env, thread, hedy, ticket, (b) => b.data.op === "reroute", { reason: "No adversary: the PDF was our own test fixture" });
    const retired = cardOf(updatesOf(env.fake, ticket.id).at(-1)!)!;
    expect(textOf(retired)).toContain("Rerouted to safety");
    expect(submits(retired)).toEqual([]);
    expect(postsTo(env.fake, SECURITY).at(-1)!.body.text).toContain("rerouted from security to safety");
    await env.app.idle();
    const moved = (await env.app.incidents.get(incident.id))!;
    expect(moved).toMatchObject({ routing: { domain: "safety" }, routeCount: 2 });
    const fresh = ticketIn(env, SAFETY, incident.id)!;
    expect(submits(cardOf(fresh)!).every((b) => b.data.route === 2)).toBe(true);
    expect(chatWith(env, "aad-ada")).toBeDefined();
    // A press on the retired card (an old client still showing its buttons) changes nothing.
    await click(env, thread, hedy, ticket, (b) => b.data.op === "acknowledge");
    expect(postsTo(env.fake, SECURITY).at(-1)!.body.text).toContain("from before");
    expect((await env.app.incidents.get(incident.id))!).toEqual(moved);
  });

  it("a 429 from the connector becomes a DeliveryError with Retry-After; the queue delivers once after it", async () => {
    const env = await setup();
    const roster = env.app.defs.roster;
    const notifier = createTeamsNotifier({ roster });
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    env.fake.throttle(1, 2);
    const sent = notifier.send({ kind: "update", incident, to: { platform: "teams", address: SAFETY }, text: "hello", key: "k1" });
    await expect(sent).rejects.toBeInstanceOf(DeliveryError);
    await expect(sent).rejects.toMatchObject({ retryAfterMs: 2000, permanent: false });

    env.fake.throttle(1, 1);
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    await click(env, channel(env.fake.url, SAFETY, ticket.id), ada, ticket, (b) => b.data.op === "acknowledge");
    await env.app.idle();
    expect(postsTo(env.fake, SAFETY).filter((c) => c.body.text === `Ada acknowledged ${incident.id}.`)).toHaveLength(1);
  });
});

describe("Teams: summaries and access", () => {
  it("serves summaries to managers only", async () => {
    const env = await setup();
    await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    env.clock.advance(60_000); // the window ends now, and excludes its end
    await env.post(message(personalChat(env.fake.url, ada), ada, "summary 30d"));
    expect(postsTo(env.fake, "a:personal-aad-ada").at(-1)!.body.text).toContain("Summaries are for the managers");
    await env.post(message(personalChat(env.fake.url, maya), maya, "summary 30d safety"));
    const card = textOf(cardOf(postsTo(env.fake, "a:personal-aad-maya").at(-1)!));
    expect(card).toContain("Incidents, last 30 days (safety)");
    expect(card).toContain("**1** incidents");
    await env.post(message(personalChat(env.fake.url, maya), maya, "summary yesterday"));
    expect(textOf(cardOf(postsTo(env.fake, "a:personal-aad-maya").at(-1)!))).toContain("Usage: summary");
  });

  it("with an app id configured, unauthenticated requests get 401 and change nothing", async () => {
    const env = await setup({ appId: "00000000-0000-0000-0000-0000000000aa", appPassword: "not-a-real-secret" });
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined); // botbuilder logs each refusal
    cleanup.push(async () => quiet.mockRestore());
    const activity = message(personalChat(env.fake.url, rita), rita, "incident the model leaked a key");
    expect(await env.post(activity)).toBe(401);
    expect(await env.post(activity, { authorization: "Bearer junk" })).toBe(401);
    expect(await env.post(activity, { authorization: "Basic dXNlcjpwYXNz" })).toBe(401);
    expect(env.fake.calls).toEqual([]);
    expect(await env.app.conversations.get("teams:tenant-0001:aad-rita")).toBeUndefined();
  });

  it("refuses what is not a Bot Framework activity", async () => {
    const env = await setup();
    const url = `http://127.0.0.1:${env.port}/api/messages`;
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url, { method: "POST", body: "not json" })).status).toBe(400);
    expect((await fetch(url, { method: "POST", body: JSON.stringify({ text: "x".repeat(300_000) }) })).status).toBe(413);
  });
});
