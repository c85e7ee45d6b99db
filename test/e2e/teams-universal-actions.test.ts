// Issue 14, item 6: Teams' current conventions, through the real POST /api/messages. Ticket cards are
// Adaptive Cards 1.5 with Universal Actions: the card in the channel shows everyone the status and names
// the roster in `refresh.userIds`; Teams asks the bot for each of them (`adaptiveCard/action`, verb
// "refresh") and shows the card the bot answers, with Action.Execute buttons whose Action.Submit
// fallback serves older clients. A press is answered with the card as it stands after it. The fake
// connector and the invoke answers are held to the rules Teams applies (test/support/card-rules.ts).
import { describe, expect, it } from "vitest";
import { cardProblem, invokeResponseProblem } from "../support/card-rules.js";
import { channel, execute } from "../support/teams-activity.js";
import { ANSWERS, SAFETY, SECURITY, ada, cardOf, click, hedy, lastAnswer, postsTo, rita, seenBy, setup, lifecycle, textOf, ticketIn, triage, updatesOf } from "../support/teams-env.js";

const CARD = "application/vnd.microsoft.card.adaptive";

describe("Teams: Universal Actions on ticket cards", () => {
  it("the channel's card shows status to everyone and refreshes into the four actions for the roster only", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    const posted = ticketIn(env, SAFETY, incident.id)!;
    const base = cardOf(posted)!;
    expect(base).toMatchObject({ version: "1.5", refresh: { action: { type: "Action.Execute", verb: "refresh", data: { action: "refresh", incidentId: incident.id, route: 1 } } } });
    // The safety roster (ada, grace; radia at level 2) and the incident manager: their MRIs, nobody else's.
    expect([...base.refresh!.userIds].sort()).toEqual(["8:orgid:aad-ada", "8:orgid:aad-grace", "8:orgid:aad-radia"]);
    expect(lifecycle(base)).toEqual([]);
    expect(textOf(base)).toContain("on-call roster sees the actions");

    const where = channel(env.fake.url, SAFETY);
    const mine = await seenBy(env, where, ada, posted);
    const buttons = lifecycle(mine);
    expect(buttons.map((b) => [b.type, b.title])).toEqual([
      ["Action.Execute", "Acknowledge"],
      ["Action.Execute", "Escalate"],
      ["Action.Execute", "Reroute"],
      ["Action.Execute", "Resolve"],
    ]);
    // Each carries the same data in its Action.Submit fallback, for clients without Universal Actions.
    for (const b of buttons as Array<{ data: object; fallback?: { type: string; data: object } }>) expect(b.fallback).toEqual(expect.objectContaining({ type: "Action.Submit", data: b.data }));
    expect(lifecycle(await seenBy(env, where, rita, posted))).toEqual([]);
  });

  it("a press is answered with the card as it now stands; the channel's card follows through the update job", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    const posted = ticketIn(env, SAFETY, incident.id)!;
    expect(await click(env, channel(env.fake.url, SAFETY), ada, posted, (b) => b.data.op === "acknowledge")).toBe(200);
    const answer = lastAnswer.get(env)!;
    expect(answer.type).toBe(CARD);
    expect(answer.value.body[0]).toMatchObject({ color: "good", text: expect.stringContaining(`acknowledged ${incident.id}`) });
    expect(textOf(answer.value)).toContain("Acknowledged");
    expect(lifecycle(answer.value).map((b) => b.title)).toEqual(["Escalate", "Reroute", "Resolve"]);
    expect((await env.app.incidents.get(incident.id))!.status).toBe("acknowledged");

    await env.app.idle();
    // The edit of the base card makes Teams refresh it for the roster: status only, and a refresh still.
    const edited = cardOf(updatesOf(env.fake, posted.id).at(-1)!)!;
    expect(textOf(edited)).toContain("Acknowledged");
    expect(lifecycle(edited)).toEqual([]);
    expect(edited.refresh).toBeDefined();
    expect(postsTo(env.fake, SAFETY).filter((c) => c.body.text === `Ada acknowledged ${incident.id}.`)).toHaveLength(1);
  });

  it("a press on a card of an older routing is answered with the moved card and changes nothing", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "Someone hid instructions in a PDF and the assistant leaked its system prompt", ANSWERS.security);
    const posted = ticketIn(env, SECURITY, incident.id)!;
    const where = channel(env.fake.url, SECURITY);
    await click(env, where, hedy, posted, (b) => b.data.op === "reroute", { reason: "No adversary: the PDF was our own test fixture" });
    await env.app.idle();
    const moved = (await env.app.incidents.get(incident.id))!;
    expect(moved.routeCount).toBe(2);
    // A client that has not refreshed yet presses Acknowledge of routing 1.
    const r = await env.invoke(execute(where, hedy, "ticket", { action: "ticket", op: "acknowledge", incidentId: incident.id, route: 1 }, posted.id));
    expect(invokeResponseProblem(r.status, r.body)).toBeUndefined();
    expect(r.body.value.body[0]).toMatchObject({ color: "attention", text: expect.stringContaining("from before") });
    expect(lifecycle(r.body.value)).toEqual([]);
    expect(textOf(r.body.value)).toContain("Rerouted to safety");
    expect(await env.app.incidents.get(incident.id)).toEqual(moved);
  });

  it("an unreadable Action.Execute is answered with a message Teams shows, never an error page", async () => {
    const env = await setup();
    const where = channel(env.fake.url, SAFETY);
    for (const [verb, data] of [["ticket", { action: "ticket", op: "explode", incidentId: "INC-2026-0001", route: 1 }], ["refresh", { action: "refresh", incidentId: "nope", route: 1 }], ["dance", {}]] as const) {
      const r = await env.invoke(execute(where, ada, verb, data, "card-1"));
      expect(invokeResponseProblem(r.status, r.body), verb).toBeUndefined();
      expect(r.body).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: expect.stringContaining("nothing was changed") });
    }
  });
});

describe("the fake connector is as strict as Teams about cards", () => {
  const card = (over: object) => ({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "x" }], ...over });
  const exec = { type: "Action.Execute", title: "Go", verb: "go", data: {} };
  it.each([
    ["Action.Execute in a 1.3 card", card({ version: "1.3", actions: [exec] }), /1\.4 or later/],
    ["refresh in a 1.2 card", card({ version: "1.2", refresh: { action: exec, userIds: [] } }), /1\.4 or later/],
    ["a refresh that is not Action.Execute", card({ refresh: { action: { type: "Action.Submit", title: "r" }, userIds: [] } }), /Action\.Execute/],
    ["61 users in refresh.userIds", card({ refresh: { action: exec, userIds: Array.from({ length: 61 }, (_, n) => `8:orgid:${n}`) } }), /at most 60/],
    ["an Action.Execute without a verb", card({ actions: [{ ...exec, verb: "" }] }), /no verb/],
    ["a fallback that is not an Action.Submit", card({ actions: [{ ...exec, fallback: { type: "Action.OpenUrl", title: "u", url: "https://x" } }] }), /fallback/],
    ["Action.Execute hidden in a 1.3 card's ShowCard", card({ version: "1.3", actions: [{ type: "Action.ShowCard", title: "s", card: { type: "AdaptiveCard", body: [], actions: [exec] } }] }), /1\.4 or later/],
  ])("refuses %s", async (_, bad, why) => {
    expect(cardProblem(bad)).toMatch(why);
    const env = await setup();
    const r = await fetch(`${env.fake.url}/v3/conversations/${encodeURIComponent(SAFETY)}/activities`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "message", attachments: [{ contentType: CARD, content: bad }] }),
    });
    expect(r.status).toBe(400);
    // Refused loudly: setup's own check fails a test in which the bot posted such a card; empty it here.
    expect(env.fake.refused.splice(0)).toHaveLength(1);
  });
  it("and about invoke answers", () => {
    expect(invokeResponseProblem(200, { statusCode: 200, type: CARD, value: card({ actions: [exec] }) })).toBeUndefined();
    expect(invokeResponseProblem(200, { statusCode: 200, type: CARD, value: card({ version: "1.3", actions: [exec] }) })).toMatch(/1\.4/);
    expect(invokeResponseProblem(200, { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: { text: "x" } })).toMatch(/string/);
    expect(invokeResponseProblem(200, { type: CARD, value: card({}) })).toMatch(/statusCode/);
    expect(invokeResponseProblem(501, undefined)).toMatch(/501/);
    expect(invokeResponseProblem(200, { statusCode: 200, type: "text/plain", value: "x" })).toMatch(/unknown/);
  });
});
