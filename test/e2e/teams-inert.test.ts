// Issue 12, items 9 and 10 on Teams, end to end: activities POSTed to /api/messages, cards read back
// from a fake connector. A reporter's Markdown link, <at> mention and bidi or zero-width characters
// format, link or reorder nothing on a ticket; a message over the limit is cut with a notice.
import { afterEach, describe, expect, it } from "vitest";
import { adapterPort } from "../../src/port.js";
import { createTeamsAdapter, createTeamsNotifier } from "../../adapters/teams/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { INVISIBLE } from "../../src/domain/invisible.js";
import { startWeb } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { defs } from "../support/defs.js";
import { channelOf, startFakeConnector, type FakeConnector } from "../support/fake-connector.js";
import { walkThrough } from "../support/guarded.js";
import { testRoster } from "../support/roster.js";
import { TENANT_ID, message, personalChat, user } from "../support/teams-activity.js";

const SECURITY = "19:security@thread.tacv2";
const rita = user("rita", "Rita");
const ANSWERS = { intent: "deliberate", attackKind: "prompt-injection", asset: "prompts-or-inputs", ciaLost: ["confidentiality"], harm: [], ongoing: "no", scope: "one-user", personalData: "no" };

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
  cleanup = [];
});

async function setup(): Promise<{ app: App; fake: FakeConnector; say: (text: string) => Promise<void> }> {
  const fake = await startFakeConnector();
  cleanup.push(() => fake.close());
  const roster = testRoster({ destinations: { safety: { teams: { conversationId: "19:safety@thread.tacv2", serviceUrl: fake.url, tenantId: TENANT_ID } }, security: { teams: { conversationId: SECURITY, serviceUrl: fake.url, tenantId: TENANT_ID } } } });
  const app = createEmbeddedApp(loadConfig({}), { notifier: createTeamsNotifier({ roster }), log: silentLogger, clock: new ManualClock(), defs: { ...defs(), roster } });
  cleanup.push(() => app.close());
  const web = await startWeb(app, 0, silentLogger, [createTeamsAdapter(adapterPort(app), {}).route]);
  cleanup.push(() => web.stop());
  const say = async (text: string) => {
    const r = await fetch(`http://127.0.0.1:${web.port}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(message(personalChat(fake.url, rita), rita, text)) });
    expect(r.status).toBe(200);
  };
  return { app, fake, say };
}

const key = `teams:${TENANT_ID}:${rita.aadObjectId}`;

describe("reporter text on Teams", () => {
  it("makes no link, mention or formatting on the ticket, and no bidi or zero-width character reaches its title", async () => {
    const { app, fake, say } = await setup();
    await say("incident \u202Egnp.exe\u202C pay\u200Bpal [Reset your password](https://evil.example) <at>Ada</at> **urgent**");
    await walkThrough(app.bot, { platform: "teams", userId: rita.aadObjectId }, key, ANSWERS, { kind: "start" });
    await app.idle();
    const ticket = fake.calls.find((c) => c.kind === "send" && channelOf(c.conversationId) === SECURITY)!;
    expect(JSON.stringify(ticket.body)).not.toContain("](https://evil.example)"); // the notification preview too
    const shown = JSON.stringify(ticket.body.attachments);
    expect(shown).not.toContain("<at>");
    expect(shown).not.toContain(" **urgent**");
    expect(shown).toContain("gnp.exe paypal \\\\[Reset your password\\\\] (https://evil.example)");
    expect(JSON.stringify(fake.calls.map((c) => c.body))).not.toMatch(INVISIBLE);
  });

  it("cuts a message over 4,000 characters and says so in the chat", async () => {
    const { app, fake, say } = await setup();
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(" ");
    await say(`incident The model leaked data. ${words} TAILMARKER`);
    const chat = JSON.stringify(fake.calls.filter((c) => c.conversationId.startsWith("a:personal")).map((c) => c.body));
    expect(chat).toMatch(/Your message was 5,\d{3} characters long; only the first 4,000 characters were kept/);
    const stored = String((await app.conversations.get(key))!.state.answers.description);
    expect(stored.length).toBeLessThanOrEqual(4000);
    expect(stored).not.toContain("TAILMARKER");
  });
});
