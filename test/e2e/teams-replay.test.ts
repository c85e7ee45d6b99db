// Teams side of issue 12, item 5, through POST /api/messages: an activity delivered again (same
// activity id in the same conversation) changes nothing, and a double-clicked Escalate (two activities
// from one card) escalates once and pages once.
import { afterEach, describe, expect, it } from "vitest";
import { adapterPort } from "../../src/port.js";
import { createTeamsAdapter, createTeamsNotifier } from "../../adapters/teams/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { startWeb } from "../../src/http.js";
import { defs } from "../support/defs.js";
import { fileIncident } from "../support/durable.js";
import { channelOf, startFakeConnector, type ConnectorCall, type FakeConnector } from "../support/fake-connector.js";
import { testRoster } from "../support/roster.js";
import { TENANT_ID, channel, message, personalChat, submit, user } from "../support/teams-activity.js";

const SAFETY = "19:safety@thread.tacv2";
const SECURITY = "19:security@thread.tacv2";
const rita = user("rita", "Rita");
const hedy = user("hedy", "Hedy"); // security level 1

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(): Promise<{ app: App; fake: FakeConnector; post(a: object): Promise<number> }> {
  const fake = await startFakeConnector();
  cleanup.push(() => fake.close());
  const teams = (conversationId: string) => ({ teams: { conversationId, serviceUrl: fake.url, tenantId: TENANT_ID } });
  const roster = testRoster({ destinations: { safety: teams(SAFETY), security: teams(SECURITY) } });
  const app = createEmbeddedApp(loadConfig({}), { notifier: createTeamsNotifier({ roster }), log: silentLogger, clock: new ManualClock(), defs: { ...defs(), roster } });
  cleanup.push(() => app.close());
  const web = await startWeb(app, 0, silentLogger, [createTeamsAdapter(adapterPort(app), {}).route]);
  cleanup.push(() => web.stop());
  const post = async (activity: object) => {
    const r = await fetch(`http://127.0.0.1:${web.port}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    await r.arrayBuffer();
    await app.idle();
    return r.status;
  };
  return { app, fake, post };
}

const bodyText = (c: ConnectorCall) => JSON.stringify(c.body);
const escalateData = (card: ConnectorCall): Record<string, unknown> => {
  const found = JSON.stringify(card.body).match(/\{"action":"ticket","op":"escalate"[^}]*\}/);
  if (!found) throw new Error("no Escalate button on the card");
  return JSON.parse(found[0]);
};

describe("Teams: replays and double clicks", () => {
  it("the same activity delivered twice starts one walk-through and answers once", async () => {
    const env = await setup();
    const where = personalChat(env.fake.url, rita);
    const start = message(where, rita, "incident the assistant keeps inventing refund rules");
    expect(await env.post(start)).toBe(200);
    const conv = await env.app.conversations.get(`teams:${TENANT_ID}:${rita.aadObjectId}`);
    expect(conv).toBeDefined();
    const calls = env.fake.calls.length;
    expect(await env.post(start)).toBe(200);
    expect(env.fake.calls.length).toBe(calls);
    const again = await env.app.conversations.get(conv!.key);
    expect(env.fake.calls.length).toBe(calls);
    expect(again).toEqual(conv);
  });

  it("an Escalate replayed, and an Escalate double-clicked, escalate once and page once", async () => {
    const env = await setup();
    const incident = await fileIncident(env.app, "teams-replay-1", "security");
    await env.app.idle();
    const card = env.fake.calls.find((c) => c.kind === "send" && channelOf(c.conversationId) === SECURITY && bodyText(c).includes(`${incident.id} ·`))!;
    const thread = channel(env.fake.url, SECURITY, card.id);
    // The channel's card shows Escalate to the roster once refreshed; the page carries the same data.
    const page = env.fake.calls.find((c) => c.kind === "send" && bodyText(c).includes(`${incident.id} ·`) && bodyText(c).includes('"op":"escalate"'))!;
    const click = submit(thread, hedy, escalateData(page), card.id);
    expect(await env.post(click)).toBe(200);
    expect(await env.post(click)).toBe(200); // the same bytes again
    // A double click: a second activity (its own id) from the same card.
    expect(await env.post({ ...click, id: `${click.id}-2` })).toBe(200);
    const after = (await env.app.incidents.get(incident.id))!;
    expect(after.level).toBe(1);
    expect(after.timeline.filter((e) => e.type === "escalated")).toHaveLength(1);
    expect(after.timeline.filter((e) => e.type === "delivered" && e.to.includes(":page:") && e.level === 1)).toHaveLength(1);
    // The double click was told why nothing happened, in the same thread.
    expect(env.fake.calls.some((c) => channelOf(c.conversationId) === SECURITY && /already escalated to level 2/.test(bodyText(c)))).toBe(true);
  });
});
