// Issue 16, point 4 in Slack, end to end through the real Bolt HTTP receiver: signed requests in, the
// fake Slack Web API out. A status update by command and by the card's "Post update" modal goes on the
// card and in its thread, and to each subscriber's DM; "Subscribe" on the card subscribes the clicker;
// people off the roster are refused and nothing changes; a replayed request or a status job run again sends nothing twice.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SlackAdapter } from "../../adapters/slack/index.js";
import type { App } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import { fileIncident } from "../support/durable.js";
import { FakeSlack, type FakeMessage } from "../support/fake-slack.js";
import { testRoster } from "../support/roster.js";
import { SlackRequests, commandFields, nowSeconds, type User } from "../support/slack-sign.js";
import { startEmbeddedSlack, type EmbeddedSlack } from "../support/embedded-slack.js";

const SECRET = "e2e-status-signing-secret-01234";
const TOKEN = "xoxb-e2e-status-token";
const ADA: User = { id: "U0ADA", name: "ada" }; // safety on call
const MAYA: User = { id: "U0MAYA", name: "maya" }; // a manager: sees every incident, posts nothing
const RITA: User = { id: "U0RITA", name: "rita" }; // on no roster
const HEDY: User = { id: "U0HEDY", name: "hedy" }; // security on call: a stranger to safety incidents

let stack: EmbeddedSlack;
let fake: FakeSlack;
let app: App;
let slack: SlackAdapter;
let req: SlackRequests;
const roster = testRoster({ destinations: { safety: { slack: { channel: "C0SAFETY" } }, security: { slack: { channel: "C0SECURITY" } } } });

beforeEach(async () => {
  stack = await startEmbeddedSlack({ secret: SECRET, token: TOKEN, roster, clock: new ManualClock(Date.parse("2026-12-01T14:05:00Z")) });
  ({ fake, app, slack, req } = stack);
});

afterEach(async () => {
  await stack?.stop();
});

const ok = async (r: Promise<Response>) => {
  const res = await r;
  expect(res.status).toBe(200);
  await slack.idle();
  await app.idle();
  return res;
};
const buttonsOf = (m: { blocks?: any[] }) => (m.blocks ?? []).flatMap((b) => (b.type === "actions" ? b.elements : [])).filter((e: any) => e.type === "button");
const button = (m: { blocks?: any[] }, id: string) => buttonsOf(m).find((b: any) => b.action_id === id) ?? expect.unreachable(`no ${id} button`);
const textOf = (m: { text?: string; blocks?: any[] }) => JSON.stringify([m.text, m.blocks]);
const said = async (user: User, text: string) => {
  await ok(req.command(user, text));
  return JSON.stringify(fake.responses.at(-1)!.body);
};

/** A safety incident, its card posted to C0SAFETY by the ticket job. */
async function ticket(): Promise<{ id: string; card: FakeMessage }> {
  const incident = await fileIncident(app, `status-${Math.random()}`, "safety");
  await app.idle();
  const card = fake.channel("C0SAFETY").find((m) => (m.text ?? "").includes(incident.id));
  if (!card) throw new Error("the ticket card was not posted");
  return { id: incident.id, card };
}
const cardNow = (c: FakeMessage) => fake.messages.get(`${c.channel}/${c.ts}`)!;
const thread = (c: FakeMessage) => fake.thread(c.channel, c.ts).filter((m) => m.ts !== c.ts).map((m) => m.text ?? "");

describe("Slack: status updates and subscribers", () => {
  it("the on-call posts an update by command: the card shows it, the thread has it, each subscriber gets one DM", async () => {
    const { id, card } = await ticket();
    expect(await said(MAYA, `subscribe ${id}`)).toContain(`Subscribed to ${id}`);
    expect(await said(MAYA, `subscribe ${id}`)).toContain("already subscribed");
    expect(await said(RITA, `subscribe ${id}`)).toContain(`I cannot show you ${id}`);

    expect(await said(ADA, `update ${id} Rolled back the prompt template; watching for repeats`)).toContain("Status update on");
    await app.idle();
    const after = (await app.incidents.get(id))!;
    expect(after.latestStatus).toMatchObject({ text: "Rolled back the prompt template; watching for repeats", by: { userId: "U0ADA" } });
    expect(textOf(cardNow(card))).toContain("Status (14:05, by ada): Rolled back the prompt template; watching for repeats");
    expect(thread(card).filter((t) => t.includes("Rolled back the prompt template"))).toHaveLength(1);
    const dms = fake.dmOf(MAYA.id).filter((m) => (m.text ?? "").includes("Rolled back the prompt template"));
    expect(dms).toHaveLength(1);
    expect(dms[0]!.text).toContain(`${id} (SEV`);
    // The author is not told what they wrote; Rita never subscribed.
    expect(fake.dmOf(ADA.id).some((m) => (m.text ?? "").includes("Rolled back"))).toBe(false);
    expect(fake.dmOf(RITA.id)).toEqual([]);
  });

  it("'Post update' opens a modal (empty keeps it open), its submit posts the update; 'Subscribe' subscribes the clicker", async () => {
    const { id, card } = await ticket();
    expect(buttonsOf(card).map((b: any) => b.action_id)).toEqual(expect.arrayContaining(["ticket_status", "ticket_subscribe"]));

    await ok(req.click(MAYA, card, button(card, "ticket_subscribe")));
    expect(JSON.stringify(fake.responses.at(-1)!.body)).toContain(`Subscribed to ${id}`);
    expect((await app.incidents.get(id))!.subscribers).toEqual([{ person: "maya" }]);

    const opened = fake.callsOf("views.open").length;
    await ok(req.click(ADA, card, button(card, "ticket_status")));
    expect(fake.callsOf("views.open")).toHaveLength(opened + 1);
    const modal = fake.callsOf("views.open").at(-1)!.args.view;
    expect(modal).toMatchObject({ type: "modal", callback_id: "ticket_status_update" });
    const empty = await ok(req.submit(ADA, modal, { input: { value: "   " } }));
    expect(await empty.json()).toMatchObject({ response_action: "errors", errors: { input: expect.any(String) } });
    expect((await app.incidents.get(id))!.latestStatus).toBeUndefined();

    await ok(req.submit(ADA, modal, { input: { value: "Customer contacted, <!channel> the fix is live" } }));
    const after = (await app.incidents.get(id))!;
    expect(after.timeline.filter((e) => e.type === "status-update")).toHaveLength(1);
    // People's words stay inert: no @channel from a status update.
    expect(textOf(cardNow(card))).toContain("Customer contacted, &lt;!channel&gt; the fix is live");
    expect(thread(card).some((t) => t.includes("Customer contacted"))).toBe(true);
    expect(fake.dmOf(MAYA.id).filter((m) => (m.text ?? "").includes("Customer contacted"))).toHaveLength(1);
  });

  it("someone off the roster is refused (no modal, no update) and nothing changes", async () => {
    const { id, card } = await ticket();
    const before = (await app.incidents.get(id))!;
    const edits = cardNow(card).edits;
    for (const who of [RITA, HEDY, MAYA]) {
      expect(await said(who, `update ${id} all good now`)).toContain("Only the safety on-call roster, an incident manager or the commander can post a status update");
      const opened = fake.callsOf("views.open").length;
      await ok(req.click(who, card, button(card, "ticket_status")));
      expect(fake.callsOf("views.open")).toHaveLength(opened);
      expect(JSON.stringify(fake.responses.at(-1)!.body)).toContain("Nothing was changed");
    }
    // A forged submission of the modal is refused by the ticket actions all the same.
    const forged = { callback_id: "ticket_status_update", private_metadata: JSON.stringify({ i: id, ch: "C0SAFETY" }), blocks: [], title: { type: "plain_text", text: "x" } };
    await ok(req.submit(RITA, forged, { input: { value: "all good now" } }));
    expect(fake.callsOf("chat.postEphemeral").at(-1)?.args.text).toContain("Nothing was changed");
    const after = (await app.incidents.get(id))!;
    expect(after.rev).toBe(before.rev);
    expect(after.latestStatus).toBeUndefined();
    expect(cardNow(card).edits).toBe(edits);
    expect(thread(card)).toEqual([]);
  });

  it("a replayed request and a status job run again post nothing twice", async () => {
    const { id, card } = await ticket();
    await said(MAYA, `subscribe ${id}`);
    // The signed /incident update, then the same bytes with the same headers again: worked on once.
    const body = new URLSearchParams(commandFields(ADA, `update ${id} Mitigation deployed`, fake.responseUrl("cmd-status"))).toString();
    const ts = nowSeconds();
    await ok(req.send(body, "application/x-www-form-urlencoded", { ts }));
    await ok(req.send(body, "application/x-www-form-urlencoded", { ts }));
    expect((await app.incidents.get(id))!.timeline.filter((e) => e.type === "status-update")).toHaveLength(1);
    const stored = (await app.incidents.get(id))!;
    const posts = fake.callsOf("chat.postMessage").length;
    const edits = cardNow(card).edits;
    const keys = stored.timeline.flatMap((e) => (e.type === "delivered" && e.to.startsWith("st") ? [e.to] : []));
    expect(keys.map((k) => k.split(":").slice(1, 2)[0])).toEqual(["update", "notify"]);
    const rev = Number(/^st(\d+):/.exec(keys[0]!)![1]);
    await app.processor.run({ name: "status", incidentId: id, rev, text: "Mitigation deployed", by: { platform: "slack", userId: "U0ADA", name: "ada" } });
    await app.actions.status(id, "", { platform: "slack", userId: "U0ADA" }); // refused: nothing queued
    await app.idle();
    expect(fake.callsOf("chat.postMessage")).toHaveLength(posts);
    expect(cardNow(card).edits).toBe(edits);
    expect(fake.dmOf(MAYA.id).filter((m) => (m.text ?? "").includes("Mitigation deployed"))).toHaveLength(1);
  });

  it("a subscriber's DM that Slack refuses once (500) is sent by the job's retry; the thread post is not repeated", async () => {
    const { id, card } = await ticket();
    await said(MAYA, `subscribe ${id}`);
    fake.failNext("chat.postMessage", 1, { status: 500, error: "internal_error", when: (a) => String(a.channel).startsWith("D") });
    await said(ADA, `update ${id} Filter redeployed`);
    await app.idle(); // the first try met the 500; the retry went through
    expect(fake.refused.filter((c) => c.method === "chat.postMessage")).toHaveLength(1);
    expect(thread(card).filter((t) => t.includes("Filter redeployed"))).toHaveLength(1);
    expect(fake.dmOf(MAYA.id).filter((m) => (m.text ?? "").includes("Filter redeployed"))).toHaveLength(1);
  });
});
