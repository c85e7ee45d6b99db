// What reaches the bot from outside is capped and checked before anything happens: oversize Slack
// bodies are refused before Bolt reads them, forged button values and submits change nothing, and a
// secret typed into a chat is redacted in what the platform is sent back (the edited question, cards).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adapterPort } from "../../src/port.js";
import { createSlackAdapter, type SlackAdapter } from "../../adapters/slack/index.js";
import { createTeamsAdapter } from "../../adapters/teams/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { startWeb, type WebHandle } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { defs } from "../support/defs.js";
import { startFakeConnector, type FakeConnector } from "../support/fake-connector.js";
import { FakeSlack } from "../support/fake-slack.js";
import { testRoster } from "../support/roster.js";
import { SlackRequests, TEAM } from "../support/slack-sign.js";
import { TENANT_ID, message, personalChat, submit, user } from "../support/teams-activity.js";

const SECRET = "inbound-guards-signing-secret";
const TOKEN = "xoxb-inbound-guards";
const KEY = "AKIAIOSFODNN7EXAMPLE";
let app: App;
let fake: FakeSlack;
let connector: FakeConnector;
let slack: SlackAdapter;
let web: WebHandle;
let req: SlackRequests;
let base: string;

beforeAll(async () => {
  // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
  connector = await startFakeConnector();
  app = createEmbeddedApp(loadConfig({}), { notifier: new RecordingNotifier(["console"]), log: silentLogger, clock: new ManualClock(), defs: { ...defs(), roster: testRoster() } });
  slack = createSlackAdapter(adapterPort(app), { signingSecret: SECRET, botToken: TOKEN, apiUrl: fake.apiUrl, botUserId: "U0BOT", botId: "B0BOT" });
  web = await startWeb(app, 0, silentLogger, [slack.route, createTeamsAdapter(adapterPort(app), {}).route]);
  base = `http://127.0.0.1:${web.port}`;
  req = new SlackRequests(`${base}/slack/events`, SECRET, (id) => fake.responseUrl(id));
});
afterAll(async () => {
  await slack.idle();
  await web.stop();
  await app.close();
  await fake.stop();
  await connector.close();
});

const rita = { id: "U0RITA", name: "rita" };
const buttons = (m: { blocks?: any[] }) => (m.blocks ?? []).flatMap((b) => (b.type === "actions" ? b.elements : []));

describe("Slack inbound guards", () => {
  it("refuses a body over 256 KB with 413 before Bolt reads it, signed or not", async () => {
    const calls = fake.totalCalls;
    const huge = await req.command(rita, "x".repeat(300 * 1024));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: "body larger than 262144 bytes" });
    // Without a content-length (chunked), the cap holds while reading.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 40; i++) c.enqueue(new TextEncoder().encode("a".repeat(10_000)));
        c.close();
      },
    });
    const chunked = await fetch(`${base}/slack/events`, { method: "POST", body: stream, headers: { "content-type": "application/json", "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)) }, duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
    await slack.idle();
    expect(fake.totalCalls).toBe(calls);
    expect(await app.conversations.get(`slack:${TEAM.id}:${rita.id}`)).toBeUndefined();
  });

  it("a forged button value (bad ids, extra fields, too long) is refused and changes nothing", async () => {
    await req.command(rita, "");
    await slack.idle();
    const dm = fake.dmOf(rita.id).at(-1)!;
    const cancel = buttons(dm).find((b: any) => b.action_id === "triage_cancel");
    const before = await app.conversations.get(`slack:${TEAM.id}:${rita.id}`);
    const conv = JSON.parse(cancel.value).c as string;
    for (const value of [JSON.stringify({ c: conv, r: 1, v: "<script>" }), JSON.stringify({ c: conv, r: 1, admin: true }), JSON.stringify({ c: "has space", r: 1 }), "x".repeat(2100), "not json"]) {
      expect((await req.click(rita, dm, { ...cancel, value })).status).toBe(200);
      await slack.idle();
      expect(fake.responses.at(-1)?.body.text).toContain("could not read that button");
    }
    expect(await app.conversations.get(`slack:${TEAM.id}:${rita.id}`)).toEqual(before);
  });

  it("a secret typed in the modal is stored and shown back redacted, and the responder is told", async () => {
    const dm = fake.dmOf(rita.id).at(-1)!;
    await req.click(rita, dm, buttons(dm).find((b: any) => b.action_id === "triage_text_open"));
    await slack.idle();
    const view = fake.callsOf("views.open").at(-1)!.args.view;
    await req.submit(rita, view, { input: { value: `the bot printed ${KEY} in a reply` } });
    await slack.idle();
    const conv = await app.conversations.get(`slack:${TEAM.id}:${rita.id}`);
    expect(conv?.state.answers.description).toBe("the bot printed [REDACTED:aws-access-key] in a reply");
    const everything = JSON.stringify([...fake.messages.values(), fake.calls.filter((c) => c.method !== "views.open")]);
    expect(everything).not.toContain(KEY);
    expect(everything).toContain("I removed 1 secret (an AWS access key)");
  });
});

describe("Teams inbound guards", () => {
  const ada = user("ada", "Ada");
  const where = () => personalChat(connector.url, ada);
  const post = async (activity: object) => {
    const r = await fetch(`${base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    await r.arrayBuffer();
    return r.status;
  };

  it("submits with unknown fields or bad ids are refused; a secret in a typed answer is redacted everywhere", async () => {
    expect(await post(message(where(), ada, "incident"))).toBe(200);
    const key = `teams:${TENANT_ID}:aad-ada`;
    const before = await app.conversations.get(key);
    for (const data of [{ action: "cancel", conversationId: before!.id, rev: before!.rev, extra: 1 }, { action: "answer", conversationId: before!.id, rev: before!.rev, questionId: "asset", value: "GPU!" }]) {
      expect(await post(submit(where(), ada, data, "card-x"))).toBe(200);
      expect(JSON.stringify(connector.calls.at(-1)?.body)).toContain("could not read that button press");
    }
    expect(await app.conversations.get(key)).toEqual(before);

    expect(await post(message(where(), ada, `our model leaked ${KEY} to a user`))).toBe(200);
    expect((await app.conversations.get(key))?.state.answers.description).toBe("our model leaked [REDACTED:aws-access-key] to a user");
    const sent = JSON.stringify(connector.calls.map((c) => c.body));
    expect(sent).not.toContain(KEY);
    expect(sent).toContain("I removed 1 secret");
  });
});
