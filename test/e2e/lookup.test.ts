// Issue 16, item 5: `/incident show INC-…` and `/incident list …` through the real Slack endpoint
// (signed slash commands, answered ephemerally on the response URL) and `show` / `list` through the
// real Teams endpoint (answered in the asker's personal chat), each showing only what the asker may see.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../adapters/slack/index.js";
import { createTeamsAdapter } from "../../adapters/teams/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import { adapterPort } from "../../src/port.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { DESCRIPTION_MAX } from "../../src/domain/vocabulary.js";
import { draftIncident, type Actor, type Incident } from "../../src/domain/incident.js";
import { startWeb, type WebHandle } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { SAFETY_ANSWERS } from "../support/answers.js";
import { defs } from "../support/defs.js";
import { channelOf, startFakeConnector, type FakeConnector } from "../support/fake-connector.js";
import { FakeSlack } from "../support/fake-slack.js";
import { testRoster } from "../support/roster.js";
import { SlackRequests } from "../support/slack-sign.js";
import { TENANT_ID, channel, message, personalChat, user as teamsUser } from "../support/teams-activity.js";

const SECRET = "lookup-signing-secret";
const TOKEN = "xoxb-lookup";
const roster = testRoster();

let app: App;
let fake: FakeSlack;
let connector: FakeConnector;
let slack: SlackAdapter;
let web: WebHandle;
let req: SlackRequests;

beforeAll(async () => {
  // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
  connector = await startFakeConnector();
  app = createEmbeddedApp(loadConfig({}), { notifier: new RecordingNotifier(["console"]), log: silentLogger, clock: new ManualClock(), defs: { ...defs(), roster } });
  slack = createSlackAdapter(adapterPort(app), { signingSecret: SECRET, botToken: TOKEN, apiUrl: fake.apiUrl, botUserId: "U0BOT", botId: "B0BOT" });
  const teams = createTeamsAdapter(adapterPort(app), {});
  web = await startWeb(app, 0, silentLogger, [slack.route, teams.route]);
  req = new SlackRequests(`http://127.0.0.1:${web.port}/slack/events`, SECRET, (id) => fake.responseUrl(id));
});
afterAll(async () => {
  await slack?.idle();
  await web?.stop();
  await app?.close();
  await fake?.stop();
  await connector?.close();
});

// Every line differs, so a dropped or repeated piece of the description would show.
const LONG = Array.from({ length: 80 }, (_, k) => `line ${k}: the chatbot <!channel> told *customers* to double a dose & more`).join("\n").slice(0, DESCRIPTION_MAX);

let seq = 0;
async function file(reporter: Actor, domain: "safety" | "security" = "safety", description = "The support bot told a customer to double a dose"): Promise<Incident> {
  const draft = draftIncident({
    conversationId: `lookup-${seq++}`,
    reporter,
    answers: { ...SAFETY_ANSWERS, description },
    classification: { primary: domain, provisional: false, crossDomain: [], severity: "SEV2", rationale: ["people were put at risk"], refs: [{ framework: "nist-ai-600-1", id: "NIST-AI-600-1:dangerous-content", name: "Dangerous content" }] },
    routing: { domain, queue: `oncall-${domain}`, cc: [], ackMinutes: 15 },
    now: app.clock.now(),
  });
  return (await app.incidents.create(draft)).incident;
}

// ---- Slack ------------------------------------------------------------------------------------------

const rita = { id: "U0RITA", name: "rita" };
const ada = { id: "U0ADA", name: "ada" };
const hedy = { id: "U0HEDY", name: "hedy" };
const asSlack = (u: { id: string; name: string }): Actor => ({ platform: "slack", userId: u.id, name: u.name });

async function slash(user: { id: string; name: string }, text: string) {
  const before = fake.responses.length;
  const r = await req.command(user, text);
  expect(r.status).toBe(200);
  await slack.idle();
  expect(fake.responses.length).toBe(before + 1);
  return fake.responses.at(-1)!.body;
}

/** Slack's limits on a message: 50 blocks, 3,000 characters a section, 2,000 a field, 150 a header. */
function withinSlackLimits(body: { blocks: any[] }) {
  expect(body.blocks.length).toBeLessThanOrEqual(50);
  for (const b of body.blocks) {
    if (b.type === "header") expect(b.text.text.length).toBeLessThanOrEqual(150);
    if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    expect(b.fields?.length ?? 0).toBeLessThanOrEqual(10);
  }
}

describe("Slack: /incident show and list", () => {
  it("shows the whole report to its reporter, ephemerally, escaped and within Slack's limits", async () => {
    const i = await file(asSlack(rita), "safety", LONG);
    const body = await slash(rita, `show ${i.id.toLowerCase()}`);
    expect(body.response_type).toBe("ephemeral");
    withinSlackLimits(body);
    expect(body.blocks[0]).toMatchObject({ type: "header", text: { text: `SEV2 · AI safety · ${i.id}` } });
    const all = body.blocks.map((b: any) => [b.text?.text ?? "", ...(b.fields ?? []).map((f: any) => f.text)].join("\n")).join("\n");
    // Nothing of the description is lost, and nothing of it is markup.
    for (let k = 0; k < 40; k++) expect(all).toContain(`line ${k}: the chatbot &lt;!channel&gt; told`);
    expect(all).not.toContain("<!channel>");
    expect(all).toContain("*Timeline*");
    expect(all).toContain("NIST-AI-600-1:dangerous-content Dangerous content");
    expect(all).toContain("• Is there any sign that someone caused this on purpose? No, it happened under normal use");
  });

  it("refuses the other domain's on-call the same way as an unknown id, and changes nothing", async () => {
    const i = await file(asSlack(rita));
    const refused = await slash(hedy, `show ${i.id}`);
    expect(JSON.stringify(refused)).toContain(`I cannot show you ${i.id}`);
    expect(JSON.stringify(refused)).not.toContain("double a dose");
    const unknown = await slash(hedy, "show INC-2026-9999");
    expect(JSON.stringify(unknown)).toContain("I cannot show you INC-2026-9999");
    expect((await app.incidents.get(i.id))!.rev).toBe(i.rev);
  });

  it("lists what the asker may see: the safety on-call sees safety, not security", async () => {
    const s = await file(asSlack(rita), "safety");
    const x = await file(asSlack(rita), "security");
    const body = await slash(ada, "list open");
    withinSlackLimits(body);
    const text = JSON.stringify(body);
    expect(text).toContain(s.id);
    expect(text).not.toContain(x.id);
    expect(body.blocks[0].text.text).toMatch(/^Open incidents \(\d+\)$/);
    const mine = JSON.stringify(await slash(rita, "list mine"));
    expect(mine).toContain(s.id);
    expect(mine).toContain(x.id);
  });

  it("answers a usage mistake and does not start a report", async () => {
    const body = await slash(ada, "list everything");
    expect(JSON.stringify(body)).toContain("'everything' is not a list filter");
    expect(await app.conversations.get(`slack:T0TEST:${ada.id}`)).toBeUndefined();
  });
});

// ---- Teams ------------------------------------------------------------------------------------------

const tRita = teamsUser("rita", "Rita");
const tHedy = teamsUser("hedy", "Hedy");
const GENERAL = "19:general@thread.tacv2";
const asTeams = (aad: string): Actor => ({ platform: "teams", userId: aad });

async function teamsSays(activity: object) {
  const r = await fetch(`http://127.0.0.1:${web.port}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
  await r.arrayBuffer();
  expect(r.status).toBe(200);
}
const postsTo = (conv: string) => connector.calls.filter((c) => (c.kind === "send" || c.kind === "reply") && channelOf(c.conversationId) === conv);

describe("Teams: show and list", () => {
  it("asked in a channel, the card goes to the personal chat with the description folded; the channel gets one line", async () => {
    const i = await file(asTeams(tRita.aadObjectId), "safety", LONG);
    const before = postsTo(GENERAL).length;
    await teamsSays(message(channel(connector.url, GENERAL), tRita, `show ${i.id}`));
    const chat = connector.calls.find((c) => c.kind === "create" && c.body.members?.[0]?.id === tRita.id);
    expect(chat).toBeDefined();
    const sent = postsTo(chat!.id);
    const card = sent.at(-1)!.body.attachments[0].content;
    expect(card.body[0].text).toBe(`SEV2 · AI safety · ${i.id}`);
    const shown = JSON.stringify(card.body);
    expect(shown).toContain("line 0: the chatbot");
    expect(shown).not.toContain("line 40:"); // folded
    const more = card.actions.find((a: any) => a.type === "Action.ShowCard" && a.title === "Show more");
    const folded = JSON.stringify(more.card.body);
    for (let k = 0; k < 40; k++) expect(folded).toContain(`line ${k}: the chatbot`);
    expect(JSON.stringify(card)).not.toMatch(/\*customers\*/); // made inert: \*customers\*
    expect(Buffer.byteLength(JSON.stringify(sent.at(-1)!.body))).toBeLessThan(28_000);
    expect(postsTo(GENERAL).slice(before).map((c) => c.body.text)).toEqual(["Sent you the answer in our chat."]);
  });

  it("refuses someone who may not see it where they asked, sending nothing privately", async () => {
    const i = await file(asTeams(tRita.aadObjectId));
    const before = connector.calls.length;
    await teamsSays(message(channel(connector.url, GENERAL), tHedy, `show ${i.id}`));
    const calls = connector.calls.slice(before);
    expect(calls.filter((c) => c.kind === "create")).toEqual([]);
    expect(JSON.stringify(calls)).toContain(`I cannot show you ${i.id}`);
    expect(JSON.stringify(calls)).not.toContain("double a dose");
  });

  it("lists in the personal chat", async () => {
    const i = await file(asTeams(tRita.aadObjectId), "security");
    const where = personalChat(connector.url, tRita);
    await teamsSays(message(where, tRita, "list mine"));
    const card = postsTo(where.conversationId).at(-1)!.body.attachments[0].content;
    expect(card.body[0].text).toMatch(/^Your incidents \(\d+\)$/);
    expect(JSON.stringify(card)).toContain(i.id);
    expect(TENANT_ID).toBeTruthy();
  });
});
