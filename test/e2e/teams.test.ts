// Teams end to end: activities POSTed to /api/messages as Teams sends them, the bot's cards and the
// tickets observed on a fake Bot Framework connector. No app id: botbuilder's local-development mode,
// except in the authentication test, which configures one and expects 401s.
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { createTeamsNotifier } from "../../adapters/teams/index.js";
import { DeliveryError } from "../../src/tickets/notifier.js";
import { TENANT_ID, channel, installed, message, personalChat, submit } from "../support/teams-activity.js";
import { ANSWERS, SAFETY, SECURITY, ada, cardOf, chatWith, click, hedy, lastAnswer, lastCard, maya, postsTo, rita, seenBy, setup, lifecycle, submits, textOf, ticketIn, triage, updatesOf, walk } from "../support/teams-env.js";

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
    // Everyone sees the status; Teams refreshes the card for the safety roster, who get the four actions.
    expect(lifecycle(cardOf(ticket)!)).toEqual([]);
    expect(cardOf(ticket)!.refresh!.userIds).toContain("8:orgid:aad-ada");
    expect(lifecycle(await seenBy(env, channel(env.fake.url, SAFETY), ada, ticket)).map((b) => b.title)).toEqual(["Acknowledge", "Escalate", "Reroute", "Resolve"]);
    expect(lifecycle(await seenBy(env, channel(env.fake.url, SAFETY), rita, ticket))).toEqual([]);
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

    // Rita is not on the roster: her card has no buttons; a press sent anyway (an old client, a forged one) is refused.
    await expect(click(env, thread, rita, ticket, op("acknowledge"))).rejects.toThrow("no such button");
    await env.post(submit(thread, rita, { action: "ticket", op: "acknowledge", incidentId: incident.id, route: 1 }, ticket.id));
    expect(postsTo(env.fake, SAFETY).at(-1)!.body.text).toContain("Only the safety on-call roster");
    expect(updatesOf(env.fake, ticket.id)).toEqual([]);
    expect((await env.app.incidents.get(incident.id))!.status).toBe("open");

    await click(env, thread, ada, ticket, op("acknowledge"));
    // Answered at once with the card as it now stands (Action.Execute); the channel's card is edited by
    // the update job, which replies in the thread too.
    expect(lastAnswer.get(env)!.value.body[0].text).toContain(`acknowledged ${incident.id}`);
    await env.app.idle();
    expect(textOf(cardOf(updatesOf(env.fake, ticket.id).at(-1)!))).toContain("Acknowledged");
    expect(postsTo(env.fake, SAFETY).at(-1)).toMatchObject({ kind: "reply", activityId: ticket.id, body: { text: `Ada acknowledged ${incident.id}.` } });

    await click(env, thread, ada, ticket, op("escalate"));
    await env.app.idle();
    expect(postsTo(env.fake, chatWith(env, "aad-radia")!.id)).toHaveLength(1);
    expect(textOf(cardOf(updatesOf(env.fake, ticket.id).at(-1)!))).toContain("Radia (level 2)");

    // Teams itself sends no Resolve with the note empty; a note too short is refused by the bot.
    await expect(click(env, thread, ada, ticket, op("resolve"), { note: "" })).rejects.toThrow("required note empty");
    await click(env, thread, ada, ticket, op("resolve"), { note: "ok" });
    expect(lastAnswer.get(env)!.value.body[0]).toMatchObject({ color: "attention", text: expect.stringContaining("needs a note") });
    expect((await env.app.incidents.get(incident.id))!.status).toBe("escalated");
    await click(env, thread, ada, ticket, op("resolve"), { note: "Prompt fixed and reply template reviewed" });
    await env.app.idle();
    const resolved = cardOf(updatesOf(env.fake, ticket.id).at(-1)!)!;
    // The same line as Slack's card (src/views/ticket.ts): who resolved it and the note.
    expect(textOf(resolved)).toMatch(/Resolved by [^:]+: Prompt fixed/);
    // Resolved: no lifecycle action left, only Postmortem (issue 16).
    expect(submits(resolved).map((b) => b.data)).toEqual([{ action: "postmortem", incidentId: incident.id }]);
    expect((await env.app.incidents.get(incident.id))!.status).toBe("resolved");
  });

  it("reroute with a reason retires the old card and posts a new ticket to the other channel", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "Someone hid instructions in a PDF and the assistant leaked its system prompt", ANSWERS.security);
    const ticket = ticketIn(env, SECURITY, incident.id)!;
    const thread = channel(env.fake.url, SECURITY, ticket.id);
    await click(env, thread, hedy, ticket, (b) => b.data.op === "reroute", { reason: "No adversary: the PDF was our own test fixture" });
    expect(lastAnswer.get(env)!.value.body[0].text).toContain("rerouted");
    await env.app.idle();
    // The old card is retired by the update job in the old channel, and its thread is told why.
    const retired = cardOf(updatesOf(env.fake, ticket.id).at(-1)!)!;
    expect(textOf(retired)).toContain("Rerouted to safety");
    expect(submits(retired)).toEqual([]);
    expect(postsTo(env.fake, SECURITY).at(-1)).toMatchObject({ kind: "reply", activityId: ticket.id, body: { text: expect.stringContaining("rerouted from security to safety") } });
    const moved = (await env.app.incidents.get(incident.id))!;
    expect(moved).toMatchObject({ routing: { domain: "safety" }, routeCount: 2 });
    const fresh = ticketIn(env, SAFETY, incident.id)!;
    const freshButtons = lifecycle(await seenBy(env, channel(env.fake.url, SAFETY), ada, fresh));
    expect(freshButtons.length).toBeGreaterThan(0);
    expect(freshButtons.every((b) => b.data.route === 2)).toBe(true);
    expect(chatWith(env, "aad-ada")).toBeDefined();
    // A current client refreshes the retired card into one without buttons; an old client still showing
    // the page's buttons sends the Action.Submit fallback, which changes nothing.
    const hedyChat = chatWith(env, "aad-hedy")!.id;
    await click(env, personalChat(env.fake.url, hedy, hedyChat), hedy, postsTo(env.fake, hedyChat)[0]!, (b) => b.data.op === "acknowledge", {}, "legacy");
    expect(postsTo(env.fake, hedyChat).at(-1)!.body.text).toContain("from before");
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

describe("Teams: reporting obligations", () => {
  it("the ticket card shows the clock and the warning; Draft report sends the draft to the on-call's personal chat only", async () => {
    const env = await setup();
    const death = { ...ANSWERS.safety, harm: ["physical"], seriousEffects: ["death"], highRisk: "yes", awareness: "at-report" };
    const { incident } = await triage(env, rita, "The dosing assistant told a patient to double their insulin and the patient died", death);
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    const text = textOf(cardOf(ticket));
    expect(text).toContain("EU AI Act Art. 73: serious incident of a high-risk AI system: report by");
    expect(text).toContain("10 days from awareness, Regulation (EU) 2024/1689, Art. 73(4)");
    expect(text).toContain("do not alter the AI system");
    const thread = channel(env.fake.url, SAFETY, ticket.id);
    const draft = (b: { data: Record<string, unknown> }) => b.data.action === "draft-report";
    // Someone off the roster is told so where they pressed, and gets no draft.
    await click(env, thread, rita, ticket, draft);
    expect(postsTo(env.fake, SAFETY).at(-1)!.body.text).toContain("Report drafts are for the safety on-call");
    await click(env, thread, ada, ticket, draft);
    // The draft went to the personal chat the bot opened with the presser (their Teams account, from the press).
    const opened = env.fake.calls.findLast((c) => c.kind === "create")!;
    expect(opened.body.members).toEqual([{ id: "29:1ada" }]);
    expect(postsTo(env.fake, opened.id).some((p) => String(p.body.text ?? "").includes("# Draft initial report: EU AI Act Art. 73"))).toBe(true);
    expect(postsTo(env.fake, SAFETY).at(-1)!.body.text).toBe(`Sent you the draft for ${incident.id} in our chat.`);
    expect(postsTo(env.fake, SAFETY).some((p) => String(p.body.text ?? "").includes("# Draft"))).toBe(false);
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
    expect(card).toContain("**Total:** 1 (up from 0");
    await env.post(message(personalChat(env.fake.url, maya), maya, "summary yesterday"));
    expect(textOf(cardOf(postsTo(env.fake, "a:personal-aad-maya").at(-1)!))).toContain("Usage: summary");
  });

  it("with an app id configured, unauthenticated requests get 401 and change nothing", async () => {
    const env = await setup({ appId: "00000000-0000-0000-0000-0000000000aa", appPassword: "not-a-real-secret" });
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined); // botbuilder logs each refusal
    onTestFinished(() => quiet.mockRestore());
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
