// The authorization matrix (src/domain/authz.ts) walked on every way in: the bot API the console uses,
// signed Slack requests and Teams activities. Every role tries every action on a fresh incident; what
// happened in the store must be exactly what the matrix allows, whatever the platform.
import { randomUUID } from "node:crypto";
import { adapterPort } from "../../src/port.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReply as renderConsole } from "../../adapters/console/render.js";
import { createSlackAdapter, type SlackAdapter } from "../../adapters/slack/index.js";
import { createTeamsAdapter } from "../../adapters/teams/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import type { Reply } from "../../src/bot/reply.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { AuthzAction, authorize } from "../../src/domain/authz.js";
import { runCommander, runEdit, type EditIO } from "../../src/commands/edit.js";
import * as engine from "../../src/domain/engine.js";
import { draftIncident, type Actor, type Incident } from "../../src/domain/incident.js";
import { startWeb, type WebHandle } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { defs } from "../support/defs.js";
import { startFakeConnector, type ConnectorCall, type FakeConnector } from "../support/fake-connector.js";
import { FakeSlack } from "../support/fake-slack.js";
import { testRoster } from "../support/roster.js";
import { SlackRequests, TEAM } from "../support/slack-sign.js";
import { TENANT_ID, channel, message, personalChat, submit, user as teamsUser } from "../support/teams-activity.js";

const SECRET = "authz-matrix-signing-secret";
const TOKEN = "xoxb-authz-matrix";
const roster = testRoster();
const ROLES = {
  reporter: "rita", // on no roster
  oncall: "ada", // safety on call (every incident here is a safety incident)
  "other-oncall": "hedy", // security on call: only a reporter for safety
  "incident-manager": "radia",
  manager: "maya",
} as const;
type Role = keyof typeof ROLES;
const slackIdOf = (h: string) => roster.people.find((p) => p.id === h)?.slack ?? `U0${h.toUpperCase()}`;

const SAFETY = {
  description: "The support chatbot told a customer to double their medication dose",
  intent: "none",
  failureKind: "harmful-output",
  asset: "outputs",
  ciaLost: [] as string[],
  exploitable: "no",
  harm: ["psychological"],
  ongoing: "no",
  scope: "one-user",
  seriousEffects: [] as string[],
};
type Ticket = "acknowledge" | "escalate" | "reroute" | "resolve";
const TICKET_EVENT: Record<Ticket, Incident["timeline"][number]["type"]> = { acknowledge: "acknowledged", escalate: "escalated", reroute: "rerouted", resolve: "resolved" };

let app: App;
let fake: FakeSlack;
let connector: FakeConnector;
let slack: SlackAdapter;
let web: WebHandle;
let req: SlackRequests;
let clock: ManualClock;

beforeAll(async () => {
  // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
  connector = await startFakeConnector();
  clock = new ManualClock();
  // One app behind both platforms; tickets go to the roster's console channels (not under test here).
  // Storm grouping off: the many joins of one seeded kind here would make a storm (issue 13) of incidents never delivered.
  app = createEmbeddedApp(loadConfig({ STORM_THRESHOLD: "0" }), { notifier: new RecordingNotifier(["console"]), log: silentLogger, clock, defs: { ...defs(), roster } });
  slack = createSlackAdapter(adapterPort(app), { signingSecret: SECRET, botToken: TOKEN, apiUrl: fake.apiUrl, botUserId: "U0BOT", botId: "B0BOT" });
  const teams = createTeamsAdapter(adapterPort(app), {});
  web = await startWeb(app, 0, silentLogger, [slack.route, teams.route]);
  req = new SlackRequests(`http://127.0.0.1:${web.port}/slack/events`, SECRET, (id) => fake.responseUrl(id));
});
afterAll(async () => {
  await slack.idle();
  await web.stop();
  await app.close();
  await fake.stop();
  await connector.close();
});

// ---- fixtures ---------------------------------------------------------------------------------------

let seq = 0;
/** A fresh open safety incident, as the bot files it. */
async function openIncident(): Promise<Incident> {
  const draft = draftIncident({
    conversationId: `seed-${seq++}`,
    reporter: SEED,
    answers: SAFETY,
    classification: { primary: "safety", provisional: false, crossDomain: [], severity: "SEV3", rationale: ["seeded"], refs: [] },
    routing: { domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: 60 },
    now: clock.now(),
  });
  return (await app.incidents.create(draft)).incident;
}

/** A walk-through answered up to its last question, so the next answer meets the duplicate step. */
async function seedAlmostDone(key: string, actor: Actor) {
  let state = engine.emptyState();
  for (let step = engine.nextStep(app.defs.flow, state); step.kind === "question" && step.question.id !== "scope"; step = engine.nextStep(app.defs.flow, state)) {
    const r = engine.answer(app.defs.flow, state, step.question.id, SAFETY[step.question.id as keyof typeof SAFETY]);
    if (!r.ok) throw new Error(r.error);
    state = r.state;
  }
  const at = clock.now().toISOString();
  const current = await app.conversations.get(key);
  if (current) await app.conversations.delete(key);
  await app.conversations.put({ id: `${key}:${randomUUID()}`, key, user: actor, rev: 1, state, startedAt: at, updatedAt: at }, undefined);
}

const joinedBy = async (actor: Actor) =>
  (await app.incidents.list({ from: new Date(0), to: new Date(8e15) })).some((i) => i.timeline.some((e) => e.type === "joined" && e.by.platform === actor.platform && e.by.userId === actor.userId));

// ---- one driver per way in --------------------------------------------------------------------------

interface Driver {
  name: string;
  actor(handle: string): Actor;
  key(handle: string): string;
  start(handle: string): Promise<void>;
  answer(handle: string, text: string): Promise<void>;
  /** answers the last question and, offered the duplicate, joins it. */
  join(handle: string): Promise<void>;
  ticket(handle: string, op: Ticket, incidentId: string): Promise<void>;
  /** true when a summary was shown. */
  summary(handle: string): Promise<boolean>;
  /** true when the incident (reported by someone else) was shown by `show INC-…`. */
  view(handle: string, incidentId: string): Promise<boolean>;
  /** adds a note to the incident (an edit after filing). */
  note(handle: string, incidentId: string): Promise<void>;
  /** posts a status update on the incident (issue 16, point 4). */
  status(handle: string, incidentId: string): Promise<void>;
  /** subscribes themselves to the incident's status updates. */
  subscribe(handle: string, incidentId: string): Promise<void>;
  /** `other` presses a button of `owner`'s walk-through. */
  meddle(other: string, owner: string): Promise<void>;
}

const consoleDriver: Driver = {
  name: "console (bot API)",
  actor: (h) => ({ platform: "console", userId: h }),
  key: (h) => `console:${h}`,
  async start(h) {
    await app.bot.handle({ key: this.key(h), user: this.actor(h), input: { kind: "start" } });
  },
  async answer(h, text) {
    await app.bot.handle({ key: this.key(h), user: this.actor(h), input: { kind: "text", text } });
  },
  async join(h) {
    await seedAlmostDone(this.key(h), this.actor(h));
    const r = await app.bot.handle({ key: this.key(h), user: this.actor(h), input: { kind: "text", text: "one-user" } });
    const dup = r.find((x): x is Extract<Reply, { kind: "duplicate" }> => x.kind === "duplicate");
    if (!dup) throw new Error(`no duplicate step: ${JSON.stringify(r).slice(0, 300)}`);
    expect(renderConsole(dup)).toContain("1. Join it");
    await app.bot.handle({ key: this.key(h), user: this.actor(h), input: { kind: "text", text: "1" } });
  },
  async ticket(h, op, id) {
    const action = op === "reroute" ? { kind: op, reason: "it is an attack after all" } : op === "resolve" ? { kind: op, note: "prompt fixed" } : { kind: op };
    await app.actions.act(id, action, this.actor(h));
  },
  async summary(h) {
    return (await app.summaries.forManager(this.actor(h), "7d")).ok;
  },
  async view(h, id) {
    return (await app.lookup.show({ actor: this.actor(h) }, id)).ok;
  },
  async note(h, id) {
    await app.actions.edit(id, { kind: "note", text: "checked the logs" }, this.actor(h));
  },
  async status(h, id) {
    await app.actions.status(id, "prompt rolled back", this.actor(h));
  },
  async subscribe(h, id) {
    await app.actions.subscribe(id, this.actor(h), true);
  },
  async meddle(other, owner) {
    // Same key, someone else's identity: the bot itself refuses (keys normally make this impossible).
    await app.bot.handle({ key: this.key(owner), user: this.actor(other), input: { kind: "cancel" } });
  },
};

const slackOk = async (r: Promise<Response>) => {
  expect((await r).status).toBe(200);
  await slack.idle();
};
const slackUser = (h: string) => ({ id: slackIdOf(h), name: h });
const lastDm = (h: string) => fake.dmOf(slackIdOf(h)).at(-1)!;
const buttonIn = (m: { blocks?: any[] }, id: string) => (m.blocks ?? []).flatMap((b) => (b.type === "actions" ? b.elements : [])).find((e: any) => e.action_id === id);

const slackDriver: Driver = {
  name: "Slack (signed requests)",
  actor: (h) => ({ platform: "slack", userId: slackIdOf(h) }),
  key: (h) => `slack:${TEAM.id}:${slackIdOf(h)}`,
  start: (h) => slackOk(req.command(slackUser(h), "")),
  answer: (h, text) => slackOk(req.directMessage(slackUser(h), text, `Ev${randomUUID()}`)),
  async join(h) {
    await seedAlmostDone(this.key(h), this.actor(h));
    await slackOk(req.directMessage(slackUser(h), "one-user", `Ev${randomUUID()}`));
    const m = lastDm(h);
    const join = buttonIn(m, "triage_join");
    if (!join) throw new Error(`no Join button: ${JSON.stringify(m.blocks).slice(0, 300)}`);
    await slackOk(req.click(slackUser(h), m, join));
  },
  async ticket(h, op, id) {
    const card = { channel: "C0SAFETY", ts: "1700000000.999999", blocks: [{ type: "actions", block_id: "ticket", elements: ["ticket_acknowledge", "ticket_escalate", "ticket_reroute", "ticket_resolve"].map((a) => ({ type: "button", action_id: a, value: id, text: { type: "plain_text", text: a } })) }] };
    if (op === "acknowledge" || op === "escalate") return slackOk(req.click(slackUser(h), card, buttonIn(card, `ticket_${op}`)));
    const opened = fake.callsOf("views.open").length;
    await slackOk(req.click(slackUser(h), card, buttonIn(card, `ticket_${op}`)));
    const modal = fake.callsOf("views.open").length > opened;
    const allowed = authorize(roster, this.actor(h), op, { domain: "safety" }).ok;
    expect([h, op, "modal opened", modal]).toEqual([h, op, "modal opened", allowed]);
    // Submit the modal, or forge its submission when none was opened: the domain decides either way.
    const view = modal ? fake.callsOf("views.open").at(-1)!.args.view : { callback_id: op === "reroute" ? "ticket_reroute_reason" : "ticket_resolve_note", private_metadata: JSON.stringify({ i: id, ch: "C0SAFETY" }), blocks: [], title: { type: "plain_text", text: "x" } };
    await slackOk(req.submit(slackUser(h), view, { input: { value: op === "reroute" ? "it is an attack after all" : "prompt fixed" } }));
  },
  async summary(h) {
    await slackOk(req.command(slackUser(h), "summary 7d"));
    return JSON.stringify(fake.responses.at(-1)?.body).includes("Incident summary");
  },
  async view(h, id) {
    await slackOk(req.command(slackUser(h), `show ${id}`));
    const body = fake.responses.at(-1)?.body;
    return body?.blocks?.[0]?.type === "header" && JSON.stringify(body).includes("*Timeline*");
  },
  note: (h, id) => slackOk(req.command(slackUser(h), `note ${id} checked the logs`)),
  status: (h, id) => slackOk(req.command(slackUser(h), `update ${id} prompt rolled back`)),
  async subscribe(h, id) {
    // The card's Subscribe button, as Slack sends its press.
    const card = { channel: "C0SAFETY", ts: "1700000000.999998", blocks: [{ type: "actions", block_id: "ticket_more", elements: [{ type: "button", action_id: "ticket_subscribe", value: id, text: { type: "plain_text", text: "Subscribe" } }] }] };
    await slackOk(req.click(slackUser(h), card, buttonIn(card, "ticket_subscribe")));
  },
  async meddle(other, owner) {
    const m = lastDm(owner);
    const cancel = buttonIn(m, "triage_cancel");
    if (!cancel) throw new Error("no Cancel button to press");
    await slackOk(req.click(slackUser(other), m, cancel));
  },
};

const tUser = (h: string) => teamsUser(h, h[0]!.toUpperCase() + h.slice(1));
const personal = (h: string) => personalChat(connector.url, tUser(h));
const cardOf = (c: ConnectorCall | undefined) => c?.body.attachments?.[0]?.content as { body: any[]; actions?: any[] } | undefined;
const postsTo = (conv: string) => connector.calls.filter((c) => (c.kind === "send" || c.kind === "reply") && c.conversationId.split(";")[0] === conv);
const teamsPost = async (activity: object) => {
  const r = await fetch(`http://127.0.0.1:${web.port}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
  await r.arrayBuffer();
  expect(r.status).toBe(200);
  await app.idle();
};

const teamsDriver: Driver = {
  name: "Teams (activities)",
  actor: (h) => ({ platform: "teams", userId: `aad-${h}` }),
  key: (h) => `teams:${TENANT_ID}:aad-${h}`,
  start: (h) => teamsPost(message(personal(h), tUser(h), "incident")),
  answer: (h, text) => teamsPost(message(personal(h), tUser(h), text)),
  async join(h) {
    await seedAlmostDone(this.key(h), this.actor(h));
    await teamsPost(message(personal(h), tUser(h), "one-user"));
    const posted = postsTo(personal(h).conversationId).findLast((c) => cardOf(c));
    const join = cardOf(posted)?.actions?.find((a: any) => a.data?.action === "join");
    if (!join) throw new Error(`no Join button: ${JSON.stringify(cardOf(posted)).slice(0, 300)}`);
    await teamsPost(submit(personal(h), tUser(h), join.data, posted!.id));
  },
  async ticket(h, op, id) {
    const inputs = op === "reroute" ? { reason: "it is an attack after all" } : op === "resolve" ? { note: "prompt fixed" } : {};
    await teamsPost(submit(channel(connector.url, "19:safety@thread.tacv2"), tUser(h), { action: "ticket", op, incidentId: id, route: 1, ...inputs }, "card-1"));
  },
  async summary(h) {
    await teamsPost(message(personal(h), tUser(h), "summary 7d"));
    return JSON.stringify(postsTo(personal(h).conversationId).at(-1)?.body ?? {}).includes("Incident summary");
  },
  async view(h, id) {
    await teamsPost(message(personal(h), tUser(h), `show ${id}`));
    return JSON.stringify(postsTo(personal(h).conversationId).at(-1)?.body ?? {}).includes("**Timeline**");
  },
  note: (h, id) => teamsPost(message(personal(h), tUser(h), `note ${id} checked the logs`)),
  status: (h, id) => teamsPost(message(personal(h), tUser(h), `update ${id} prompt rolled back`)),
  // The card's Subscribe (its Action.Submit fallback, as an older client sends it).
  subscribe: (h, id) => teamsPost(submit(channel(connector.url, "19:safety@thread.tacv2"), tUser(h), { action: "subscribe", incidentId: id }, "card-1")),
  async meddle(other, owner) {
    const posted = postsTo(personal(owner).conversationId).findLast((c) => cardOf(c)?.actions?.some((a: any) => a.data?.action === "cancel"));
    const cancel = cardOf(posted)!.actions!.find((a: any) => a.data?.action === "cancel");
    await teamsPost(submit(personal(other), tUser(other), cancel.data, posted!.id));
  },
};

// ---- the walk ---------------------------------------------------------------------------------------

// Viewing is tried on an incident someone else (the seed reporter) filed: its owner is not the viewer.
const SEED: Actor = { platform: "console", userId: "seed" };
const expected = (d: Driver, h: string, action: AuthzAction) => authorize(roster, d.actor(h), action, { domain: "safety", owner: action === "view-incident" || action === "subscribe" ? SEED : d.actor(h) }).ok;

describe.each([consoleDriver, slackDriver, teamsDriver])("authorization matrix on $name", (d) => {
  it.each(Object.entries(ROLES) as Array<[Role, string]>)("%s (%s) may do exactly what the matrix says", async (_role, h) => {
    const seen: Record<string, boolean> = {};

    await d.start(h);
    const started = await app.conversations.get(d.key(h));
    seen["start-triage"] = Boolean(started && !started.incidentId && started.user.userId === d.actor(h).userId);

    await d.answer(h, "The chatbot told a customer to stop taking their medication");
    seen["answer-own-triage"] = (await app.conversations.get(d.key(h)))?.state.answers.description === "The chatbot told a customer to stop taking their medication";

    await openIncident(); // an open incident for the report to duplicate
    await d.join(h);
    seen["join-duplicate"] = await joinedBy(d.actor(h));

    for (const op of ["acknowledge", "escalate", "reroute", "resolve"] as const) {
      const incident = await openIncident();
      await d.ticket(h, op, incident.id);
      const after = (await app.incidents.get(incident.id))!;
      seen[op] = after.timeline.some((e) => e.type === TICKET_EVENT[op] && "by" in e && e.by?.userId === d.actor(h).userId);
      if (!seen[op]) expect(after.rev).toBe(incident.rev); // a refusal changes nothing
    }

    seen["view-summary"] = await d.summary(h);
    seen["view-incident"] = await d.view(h, (await openIncident()).id);
    {
      const incident = await openIncident();
      await d.note(h, incident.id);
      const after = (await app.incidents.get(incident.id))!;
      seen["edit-incident"] = after.timeline.some((e) => e.type === "note" && e.by.userId === d.actor(h).userId);
      if (!seen["edit-incident"]) expect(after.rev).toBe(incident.rev); // a refusal changes nothing
    }

    for (const [action, run, event] of [
      ["post-status", d.status, "status-update"],
      ["subscribe", d.subscribe, "subscribed"],
    ] as const) {
      const incident = await openIncident();
      await run.call(d, h, incident.id);
      const after = (await app.incidents.get(incident.id))!;
      seen[action] = after.timeline.some((e) => e.type === event && e.by.userId === d.actor(h).userId);
      if (!seen[action]) expect(after.rev).toBe(incident.rev); // a refusal changes nothing
    }

    const want = Object.fromEntries(AuthzAction.options.map((a) => [a, expected(d, h, a)]));
    expect(seen).toEqual(want);
  });

  it("nobody answers or cancels someone else's walk-through", async () => {
    await d.start("rita");
    const before = await app.conversations.get(d.key("rita"));
    expect(before).toBeDefined();
    for (const other of ["radia", "maya", "ada"]) await d.meddle(other, "rita");
    expect(await app.conversations.get(d.key("rita"))).toEqual(before);
  });
});

// The command line has no login: `--as ID` names a roster person, who acts on the console platform under
// the same matrix (src/commands/acting-as.ts). The reporter, on no roster, cannot even be named.
describe("authorization matrix at the command line (triage edit / command --as)", () => {
  const io = (): EditIO => ({ tickets: app.actions, roster, out: () => {} });
  it.each(Object.entries(ROLES) as Array<[Role, string]>)("%s (%s): edit-incident and the commander role exactly as the matrix says", async (_role, h) => {
    const allowed = authorize(roster, { platform: "console", userId: h }, "edit-incident", { domain: "safety" }).ok;
    const tries: Array<[string, (id: string) => Promise<number>, (i: Incident) => boolean]> = [
      ["severity", (id) => runEdit({ as: h }, [id, "severity", "SEV2", "two customers now"], io()), (i) => i.classification.severity === "SEV2"],
      ["note", (id) => runEdit({ as: h }, [id, "note", "checked the logs"], io()), (i) => i.timeline.some((e) => e.type === "note" && e.by.userId === h)],
      ["command", (id) => runCommander("command", { as: h }, [id], io()), (i) => i.commander === h],
    ];
    for (const [what, run, changed] of tries) {
      const incident = await openIncident();
      const code = await run(incident.id).catch((e: Error) => e.message);
      const after = (await app.incidents.get(incident.id))!;
      expect([what, changed(after)]).toEqual([what, allowed]);
      if (allowed) expect(code).toBe(0);
      else {
        expect(code).toMatch(h === "rita" ? /not a person in the on-call roster/ : /Only the safety on-call roster/);
        expect(after.rev).toBe(incident.rev); // a refusal changes nothing
      }
    }
  });
});
