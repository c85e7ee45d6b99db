// Issue 16, point 3, in Slack: a SEV1/SEV2 of a domain with an incidentChannel block gets a channel of
// its own, end to end through the real Bolt receiver (signed requests in) and a fake Slack Web API that
// refuses what Slack refuses (names, invites, pins, unknown methods). The people are invited, the card
// is posted and pinned there and kept current, and the ticket card links the channel.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSlackNotifier, type SlackAdapter } from "../../adapters/slack/index.js";
import type { App } from "../../src/app.js";
import { roomName } from "../../src/domain/incident-room.js";
import type { Incident } from "../../src/domain/incident.js";
import { onCall } from "../../src/domain/roster.js";
import { FakeSlack, type FakeMessage } from "../support/fake-slack.js";
import { testRoster } from "../support/roster.js";
import { SlackRequests, type User } from "../support/slack-sign.js";
import { walk, buttonsOf, textOf } from "../support/slack-stack.js";
import { waitFor } from "../support/webhook.js";
import { HALLUCINATION_REPORT, SAFETY_ANSWERS } from "../support/answers.js";
import { startEmbeddedSlack, type EmbeddedSlack } from "../support/embedded-slack.js";

const SECRET = "e2e-signing-secret-0123456789";
const TOKEN = "xoxb-e2e-test-token";
const REPORTER: User = { id: "U0REPORTER", name: "rita" };
/** Harm to a person's health (pre-triage reads physical harm in it): SEV1, safety. */
const SEV1 = SAFETY_ANSWERS;
/** A typo in a greeting: SEV4, safety. */
const MILD = { ...SAFETY_ANSWERS, description: "A chatbot answer had a typo in its greeting", harm: [], failureKind: "other" };

let stack: EmbeddedSlack;
let fake: FakeSlack;
let app: App;
let slack: SlackAdapter;
let req: SlackRequests;
const roster = testRoster({
  destinations: { safety: { slack: { channel: "C0SAFETY" } }, security: { slack: { channel: "C0SECURITY" } } },
  incidentChannel: { safety: { slack: { invite: ["maya"] } } },
});

beforeEach(async () => {
  stack = await startEmbeddedSlack({ secret: SECRET, token: TOKEN, roster, env: { DELIVERY_RETRY_BASE_MS: "50", DELIVERY_RETRY_MAX_MS: "200" } });
  ({ fake, app, slack, req } = stack);
});

afterEach(async () => {
  await stack?.stop();
});

/** Files a report from Slack's DM walk-through and waits for every job it set off. */
async function file(answers: Record<string, string | string[]>): Promise<Incident> {
  await walk(fake, req, REPORTER, answers);
  await slack.idle();
  await app.idle();
  const all = await app.incidents.list({ from: new Date(0), to: new Date(8e15) });
  return (await app.incidents.get(all.at(-1)!.id))!;
}

const ticketCard = (id: string) => fake.channel("C0SAFETY").find((m) => textOf(m).includes(id) && buttonsOf(m).length > 0)!;
const now = (m: FakeMessage) => fake.messages.get(`${m.channel}/${m.ts}`)!;

describe("Slack: an incident channel for SEV1 and SEV2", () => {
  it("a SEV1 opens a public channel named after it, invites the people, posts and pins the card, and the ticket links it", async () => {
    const i = await file(SEV1);
    expect(i.classification.severity).toBe("SEV1");
    const name = roomName(i);
    // Cut to Slack's 80 characters.
    expect(name).toBe(`${i.id.toLowerCase()}-the-support-chatbot-told-a-customer-to-double-their-medication-dos`);

    const created = fake.callsOf("conversations.create");
    expect(created.map((c) => [c.args.name, String(c.args.is_private)])).toEqual([[name, "false"]]);
    const channel = fake.channelNamed(name)!;
    // The on-call now, the reporter and the configured extra (a manager), each invited on their own.
    const oncall = onCall(roster, "safety", 0, new Date("2026-11-24T09:00:00Z")).slack!;
    expect(channel.invited.sort()).toEqual([oncall, "U0MAYA", REPORTER.id].sort());
    expect(fake.callsOf("conversations.invite").every((c) => !String(c.args.users).includes(","))).toBe(true);

    // The card, with its buttons, is the channel's first message and is pinned.
    const [card] = fake.channel(channel.id);
    expect(textOf(card!)).toContain(i.id);
    expect(buttonsOf(card!).map((b: any) => b.action_id)).toContain("ticket_acknowledge");
    expect(channel.pins).toEqual([card!.ts]);

    // Recorded: where it is, the pinned card, and a timeline event; no intent left behind.
    expect(i.rooms).toEqual([{ platform: "slack", address: channel.id, name, link: `https://slack.com/app_redirect?channel=${channel.id}`, ref: `${channel.id}/${card!.ts}` }]);
    expect(i.timeline.filter((e) => e.type === "channel-opened")).toEqual([expect.objectContaining({ platform: "slack", address: channel.id, name })]);
    expect(i.timeline.some((e) => e.type === "channel-opening")).toBe(false);

    // The ticket card in the domain channel links it, and its thread says so once.
    const ticket = now(ticketCard(i.id));
    expect(textOf(ticket)).toContain(`Incident channel <https://slack.com/app_redirect?channel=${channel.id}|#${name}>`);
    expect(fake.thread("C0SAFETY", ticket.ts).filter((m) => m.text?.includes(`Incident channel opened: #${name}`))).toHaveLength(1);
  });

  it("a name someone else took (name_taken) gives the suffixed name -2", async () => {
    // The next incident's number is known: the store counts from 1 in the year.
    const taken = fake.takeName(roomName({ id: "INC-2026-0001", title: String(SEV1.description) }));
    const i = await file(SEV1);
    // The title is cut a little more so the suffix fits in 80 characters.
    const second = roomName(i, 2);
    expect(second).toBe("inc-2026-0001-the-support-chatbot-told-a-customer-to-double-their-medication-d-2");
    expect(fake.callsOf("conversations.create").map((c) => c.args.name)).toEqual([taken.name, second]);
    expect(i.rooms![0]!.name).toBe(second);
    expect(taken.invited).toEqual([]);
    expect(fake.channelNamed(second)!.pins).toHaveLength(1);
  });

  it("a SEV2 opens one too; a SEV4 opens none", async () => {
    const sev2 = await file(HALLUCINATION_REPORT);
    expect(sev2.classification.severity).toBe("SEV2");
    expect(sev2.rooms).toEqual([expect.objectContaining({ name: roomName(sev2) })]);
    fake.reset();
    const i = await file(MILD);
    expect(i.classification.severity).toBe("SEV4");
    expect(fake.callsOf("conversations.create")).toEqual([]);
    expect(i.rooms).toBeUndefined();
    expect(textOf(now(ticketCard(i.id)))).not.toContain("Incident channel");
  });

  it("an acknowledgement pressed on the pinned card edits it in place and is said in the channel", async () => {
    const i = await file(SEV1);
    const channel = i.rooms![0]!.address;
    const card = fake.channel(channel)[0]!;
    const oncall = { id: onCall(roster, "safety", 0, new Date("2026-11-24T09:00:00Z")).slack!, name: "oncall" };
    const res = await req.click(oncall, card, buttonsOf(card).find((b: any) => b.action_id === "ticket_acknowledge"));
    expect(res.status).toBe(200);
    await slack.idle();
    await app.idle();
    const pinned = now(card);
    expect(pinned.edits).toBeGreaterThan(0);
    expect(textOf(pinned)).toContain("Acknowledged");
    expect(buttonsOf(pinned).map((b: any) => b.action_id)).not.toContain("ticket_acknowledge");
    expect(fake.channel(channel).filter((m) => m.text?.includes(`acknowledged ${i.id}`))).toHaveLength(1);
    // The ticket card in the domain channel too.
    expect(textOf(now(ticketCard(i.id)))).toContain("Acknowledged");
  });

  it("a status update (/incident update) is said in the incident channel, shown on the pinned card and the ticket, and sent to a subscriber", async () => {
    const i = await file(SEV1);
    const channel = i.rooms![0]!.address;
    const card = fake.channel(channel)[0]!;
    const oncall: User = { id: onCall(roster, "safety", 0, new Date("2026-11-24T09:00:00Z")).slack!, name: "oncall" };
    const maya: User = { id: "U0MAYA", name: "maya" };
    expect((await req.command(maya, `subscribe ${i.id}`)).status).toBe(200);
    await slack.idle();
    await app.idle();
    expect((await req.command(oncall, `update ${i.id} Rolled back the prompt template`)).status).toBe(200);
    await slack.idle();
    await app.idle();
    const said = (ms: FakeMessage[]) => ms.filter((m) => (m.text ?? "").includes("Rolled back the prompt template"));
    expect(said(fake.channel(channel))).toHaveLength(1);
    expect(textOf(now(card))).toContain("Rolled back the prompt template");
    expect(textOf(now(ticketCard(i.id)))).toContain("Rolled back the prompt template");
    expect(said(fake.dmOf(maya.id))).toHaveLength(1);
    // Each send recorded once under the update's key, the room's among them.
    const keys = (await app.incidents.get(i.id))!.timeline.flatMap((e) => (e.type === "delivered" && e.to.startsWith("st") ? [e.to.replace(/^st\d+:/, "").split(":")[0]] : []));
    expect(keys.sort()).toEqual(["notify", "room", "update"]);
  });

  it("a button on the pinned card is authorised like the ticket's: the reporter (not on the roster) changes nothing", async () => {
    const i = await file(SEV1);
    const card = fake.channel(i.rooms![0]!.address)[0]!;
    const edits = now(card).edits;
    expect((await req.click(REPORTER, card, buttonsOf(card).find((b: any) => b.action_id === "ticket_acknowledge"))).status).toBe(200);
    await slack.idle();
    await app.idle();
    expect((await app.incidents.get(i.id))!.status).toBe("open");
    expect(now(card).edits).toBe(edits);
    expect(JSON.stringify(fake.responses.at(-1)?.body)).toContain("Only the safety on-call roster or an incident manager");
  });

  it("an escalation pressed on the pinned card is said in the channel, and the card shows the new level", async () => {
    const i = await file(SEV1);
    const channel = i.rooms![0]!.address;
    const card = fake.channel(channel)[0]!;
    const oncall = { id: onCall(roster, "safety", 0, new Date("2026-11-24T09:00:00Z")).slack!, name: "oncall" };
    expect((await req.click(oncall, card, buttonsOf(card).find((b: any) => b.action_id === "ticket_escalate"))).status).toBe(200);
    await slack.idle();
    await app.idle();
    expect(fake.channel(channel).filter((m) => m.text?.includes("Escalated to level 2 (Radia)"))).toHaveLength(1);
    expect(textOf(now(card))).toContain("Escalated (level 2)");
    const after = (await app.incidents.get(i.id))!;
    expect(after.timeline.filter((e) => e.type === "delivered" && e.to.startsWith("p1:room:slack:"))).toHaveLength(1);
    // Radia, on call at level 2 now, joined the channel.
    expect(fake.channelNamed(after.rooms![0]!.name!)!.invited).toContain("U0RADIA");
  });

  it("a commander chosen later is invited; nobody is invited twice and the card is not posted again", async () => {
    const i = await file(SEV1);
    const room = fake.channelNamed(i.rooms![0]!.name!)!;
    expect(room.invited).not.toContain("U0HEDY");
    const r = await app.actions.commander(i.id, { personId: "hedy" }, { platform: "slack", userId: "U0RADIA" });
    expect(r.ok).toBe(true);
    await app.idle();
    expect(room.invited).toContain("U0HEDY");
    expect(new Set(room.invited).size).toBe(room.invited.length);
    expect(fake.channel(room.id).filter((m) => buttonsOf(m).length)).toHaveLength(1);
    expect(room.pins).toHaveLength(1);
  });

  it("two runs of the job at once: the second finds the first's channel while the first waits for Slack's answer; one channel", async () => {
    const i = await file(MILD); // SEV4: no channel yet
    fake.holdAfterStore("conversations.create", 1);
    await app.actions.edit(i.id, { kind: "severity", severity: "SEV1", reason: "a patient was hurt" }, { platform: "slack", userId: "U0RADIA" });
    await waitFor(() => fake.held === 1, "Slack to create the channel and hold its answer");
    // Another run (a later record version's job) while the first still waits: it finds the intent.
    await app.queue.add("safety", { name: "channel", incidentId: i.id, rev: (await app.incidents.get(i.id))!.rev + 1 });
    await waitFor(async () => (await app.incidents.get(i.id))!.rooms?.[0]?.ref !== undefined, "the second run to finish the channel");
    fake.release();
    await app.idle();
    const after = (await app.incidents.get(i.id))!;
    expect([...fake.channels.values()].map((c) => c.name)).toEqual([roomName(i)]);
    expect(fake.callsOf("conversations.create")).toHaveLength(1);
    expect(after.rooms).toHaveLength(1);
    expect(after.timeline.filter((e) => e.type === "channel-opened")).toHaveLength(1);
    expect(fake.channel(after.rooms![0]!.address).filter((m) => buttonsOf(m).length)).toHaveLength(1);
  });

  it("name_taken for a channel this bot created is this incident's (a concurrent run made it); someone else's is taken", async () => {
    const notifier = createSlackNotifier({ botToken: TOKEN, apiUrl: fake.apiUrl, roster });
    const i = (await file(MILD))!;
    const base = { incident: i, platform: "slack" as const, retry: false, oncall: roster.people[0]!, level: 0 };
    const ours = (await notifier.openRoom({ ...base, name: "inc-2026-0001-ours" })) as { room: { address: string } };
    expect(await notifier.openRoom({ ...base, name: "inc-2026-0001-ours" })).toEqual({ room: expect.objectContaining({ address: ours.room.address }) });
    fake.takeName("inc-2026-0001-theirs");
    expect(await notifier.openRoom({ ...base, name: "inc-2026-0001-theirs" })).toEqual({ taken: true });
    expect(fake.channels.size).toBe(2);
  });

  it("a reroute is said in the incident channel and its pinned card shows the new domain", async () => {
    const i = await file(SEV1);
    const channel = i.rooms![0]!.address;
    const card = fake.channel(channel)[0]!;
    const r = await app.actions.act(i.id, { kind: "reroute", reason: "a jailbreak after all" }, { platform: "slack", userId: "U0RADIA" });
    expect(r.ok).toBe(true);
    await app.idle();
    expect(fake.channel(channel).filter((m) => m.text?.includes("rerouted from safety to security"))).toHaveLength(1);
    expect(textOf(now(card))).toContain("AI security");
    // Its buttons act on the current routing.
    expect(buttonsOf(now(card)).find((b: any) => b.action_id === "ticket_acknowledge")?.value).toBe(`${i.id}#2`);
  });

  it("a person Slack will not invite (user_not_found) is left out; the others are invited and the card pinned", async () => {
    fake.unknownUsers.add(REPORTER.id);
    const i = await file(SEV1);
    const channel = fake.channelNamed(i.rooms![0]!.name!)!;
    expect(channel.invited).not.toContain(REPORTER.id);
    expect(channel.invited).toContain("U0MAYA");
    expect(channel.pins).toHaveLength(1);
    expect(await app.queue.failed()).toEqual([]);
  });

  it("Slack created the channel but its answer was lost: the retry finds it by name, one channel, card pinned once", async () => {
    fake.loseAnswer("conversations.create", 1);
    const i = await file(SEV1);
    const name = roomName(i);
    // Asked again for the same name only after looking it up: the channel was there, made by this bot.
    expect(fake.callsOf("conversations.create").map((c) => c.args.name)).toEqual([name]);
    expect(fake.callsOf("conversations.list").length).toBeGreaterThan(0);
    expect([...fake.channels.values()].map((c) => c.name)).toEqual([name]);
    expect(i.rooms).toEqual([expect.objectContaining({ address: fake.channelNamed(name)!.id, name })]);
    expect(fake.channel(fake.channelNamed(name)!.id).filter((m) => textOf(m).includes(i.id) && buttonsOf(m).length)).toHaveLength(1);
  });

  it("the fake refuses what Slack refuses: bad names, blocks past Block Kit's limits, an unknown method", async () => {
    const call = async (method: string, body: object) => (await fetch(`${fake.apiUrl}${method}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) })).json();
    expect(await call("conversations.create", { name: "Inc 42" })).toMatchObject({ ok: false, error: "invalid_name_specials" });
    expect(await call("conversations.create", { name: "x".repeat(81) })).toMatchObject({ ok: false, error: "invalid_name_maxlength" });
    expect(await call("conversations.create", { name: "" })).toMatchObject({ ok: false, error: "invalid_name_required" });
    expect(await call("chat.postMessage", { channel: "C0SAFETY", text: "x", blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }] })).toMatchObject({ ok: false, error: "invalid_blocks" });
    expect(await call("conversations.archive", { channel: "C0SAFETY" })).toMatchObject({ ok: false, error: "unknown_method" });
    const room = (await call("conversations.create", { name: "inc-2026-0099-ok" })) as any;
    expect(await call("pins.add", { channel: room.channel.id, timestamp: "1.000001" })).toMatchObject({ ok: false, error: "message_not_found" });
    expect(await call("conversations.invite", { channel: room.channel.id, users: "U0BOT" })).toMatchObject({ ok: false, error: "cant_invite_self" });
  });

  it("an edit raising a SEV4 to SEV1 opens the channel then", async () => {
    const i = await file(MILD);
    expect(fake.callsOf("conversations.create")).toEqual([]);
    const r = await app.actions.edit(i.id, { kind: "severity", severity: "SEV1", reason: "a patient was hurt" }, { platform: "slack", userId: "U0RADIA" });
    expect(r.ok).toBe(true);
    await app.idle();
    const after = (await app.incidents.get(i.id))!;
    expect(after.rooms?.map((x) => x.name)).toEqual([roomName(i)]);
    expect(fake.channelNamed(roomName(i))!.pins).toHaveLength(1);
  });
});
