// Issue 12, items 9 and 10 on Slack, end to end through the real Bolt receiver and a fake Slack: a
// reporter's <!channel>, <!here>, <@U…> and <https://…|label> reach no outgoing message unescaped
// (top-level text included: notifications, phones, screen readers), bidi and zero-width characters
// reach no rendered title, and a DM over the limit is cut with a notice to the reporter.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adapterPort } from "../../src/port.js";
import { createSlackAdapter, createSlackNotifier, type SlackAdapter } from "../../adapters/slack/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { INVISIBLE } from "../../src/domain/invisible.js";
import { startWeb, type WebHandle } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { defs } from "../support/defs.js";
import { FakeSlack } from "../support/fake-slack.js";
import { walkThrough } from "../support/guarded.js";
import { testRoster } from "../support/roster.js";
import { SlackRequests, TEAM, type User } from "../support/slack-sign.js";

const SECRET = "inert-signing-secret-0123456789";
const TOKEN = "xoxb-inert-test-token";
const REPORTER: User = { id: "U0REPORTER", name: "rita" };
const KEY = `slack:${TEAM.id}:${REPORTER.id}`;
const INJECTIONS = ["<!channel>", "<!here>", "<@U123>", "<https://evil.example|click>"];
// Right-to-left override, pop, zero-width space and joiner, word joiner, BOM, an isolate.
const SPOOF = "invoice_\u202Egnp.exe\u202C from pay\u200Bpal\u200D\u2060\uFEFF \u2066x\u2069";
const ANSWERS = { intent: "deliberate", attackKind: "prompt-injection", asset: "prompts-or-inputs", ciaLost: ["confidentiality"], harm: [], ongoing: "no", scope: "one-user", personalData: "no" };

let fake: FakeSlack;
let app: App;
let slack: SlackAdapter;
let web: WebHandle;
let req: SlackRequests;

beforeEach(async () => {
  // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
  const roster = testRoster({ destinations: { safety: { slack: { channel: "C0SAFETY" } }, security: { slack: { channel: "C0SECURITY" } } } });
  const notifier = createSlackNotifier({ botToken: TOKEN, apiUrl: fake.apiUrl, roster });
  app = createEmbeddedApp(loadConfig({}), { notifier, log: silentLogger, clock: new ManualClock(), defs: { ...defs(), roster } });
  slack = createSlackAdapter(adapterPort(app), { signingSecret: SECRET, botToken: TOKEN, apiUrl: fake.apiUrl, botUserId: "U0BOT", botId: "B0BOT" });
  web = await startWeb(app, 0, silentLogger, [slack.route]);
  req = new SlackRequests(`http://127.0.0.1:${web.port}/slack/events`, SECRET, (id) => fake.responseUrl(id));
});

afterEach(async () => {
  for (const step of [() => slack.idle(), () => web.stop(), () => slack.stop(), () => app.close(), () => fake.stop()]) await step().catch(() => {});
});

const ok = async (r: Promise<Response>) => {
  expect((await r).status).toBe(200);
  await slack.idle();
};
const lastDm = () => fake.dmOf(REPORTER.id).at(-1)!;
const buttonOf = (m: { blocks?: any[] }, actionId: string) =>
  (m.blocks ?? []).flatMap((b) => (b.type === "actions" ? b.elements : [])).find((e: any) => e.action_id === actionId);
/** Every text and block Slack was asked to show: messages, edits, ephemerals, modals. */
const everythingPosted = () => JSON.stringify([fake.calls.map((c) => c.args), fake.responses]);

describe("reporter text on Slack", () => {
  it("reaches no message, edit, page or notification text unescaped, and no title with bidi or zero-width characters", async () => {
    const description = `${SPOOF}: the agent posted ${INJECTIONS.join(" ")} in #general`;
    await ok(req.command(REPORTER, ""));
    await ok(req.click(REPORTER, lastDm(), buttonOf(lastDm(), "triage_text_open")));
    const view = fake.callsOf("views.open").at(-1)!.args.view;
    const prompt = lastDm();
    await ok(req.submit(REPORTER, view, { input: { value: description } }));
    // The reporter's own answer, shown in place of the question: escaped in its top-level text too.
    const answered = fake.messages.get(`${prompt.channel}/${prompt.ts}`)!;
    expect(answered.edits).toBe(1);
    expect(answered.text).toContain("&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt;");

    const replies = await walkThrough(app.bot, { platform: "slack", userId: REPORTER.id }, KEY, ANSWERS, { kind: "start" });
    expect(replies.some((r) => r.kind === "triage-result")).toBe(true);
    await app.idle();
    const card = fake.channel("C0SECURITY").at(-1)!;
    expect(card.text).toMatch(/^SEV\d AI security incident INC-\d{4}-\d{4}: invoice_gnp\.exe from paypal x: the agent posted &lt;!channel&gt; /);
    expect(JSON.stringify(card.blocks)).toContain("*invoice_gnp.exe from paypal x: the agent posted &lt;!channel&gt; &lt;!here&gt;");
    expect(fake.callsOf("conversations.open").length).toBeGreaterThan(0); // the page went out too
    const all = everythingPosted();
    for (const raw of INJECTIONS) expect(all).not.toContain(raw);
    expect(all).not.toMatch(INVISIBLE);
    // Stored without the controls as well (see SECURITY.md: what is kept, and why).
    const [incident] = await app.incidents.list({ from: new Date(0), to: new Date(8e15) });
    expect(incident!.title).not.toMatch(INVISIBLE);
  });

  it("cuts a DM over 4,000 characters, says so in the DM, and stores none of the rest", async () => {
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(" "); // about 5,400 characters
    await ok(req.directMessage(REPORTER, `The model leaked data. ${words} TAILMARKER`, "Ev0LONG1"));
    const dm = JSON.stringify([lastDm().text, lastDm().blocks]);
    expect(dm).toMatch(/Your message was 5,\d{3} characters long; only the first 4,000 characters were kept/);
    const conv = await app.conversations.get(KEY);
    const stored = String(conv!.state.answers.description);
    expect(stored.length).toBeLessThanOrEqual(4000);
    expect(stored).not.toContain("TAILMARKER");
    expect(stored).toMatch(/word\d+$/); // cut between words, never inside one
  });
});
