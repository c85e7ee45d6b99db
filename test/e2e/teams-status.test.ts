// Issue 16, point 4 in Teams, through POST /api/messages and the fake Bot Framework connector: a status
// update typed to the bot and one from the card's "Post update" (Action.Execute with its Input.Text)
// re-render the card, reply in its thread and reach each subscriber's personal chat once; "Subscribe"
// on the card (offered to everyone who sees it) subscribes the presser; someone off the roster is
// refused and nothing changes; an activity delivered again posts nothing twice.
import { describe, expect, it } from "vitest";
import { channel, message, personalChat, submit } from "../support/teams-activity.js";
import { ANSWERS, SAFETY, ada, cardOf, chatWith, click, hedy, lastAnswer, maya, postsTo, rita, seenBy, setup, submits, textOf, ticketIn, triage, updatesOf, type Env } from "../support/teams-env.js";

const inChat = (env: Env, aad: string, words: string) => {
  const chat = chatWith(env, aad);
  return chat ? env.fake.calls.filter((c) => c.kind === "send" && c.conversationId === chat.id && String(c.body.text ?? "").includes(words)) : [];
};
const lastSaid = (env: Env, conv: string) => JSON.stringify(postsTo(env.fake, conv).at(-1)?.body ?? {});

describe("Teams: status updates and subscribers", () => {
  it("a typed update goes on the card, in its thread and to each subscriber's personal chat, once", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    const mine = personalChat(env.fake.url, maya);
    expect(await env.post(message(mine, maya, `subscribe ${incident.id}`))).toBe(200);
    expect(lastSaid(env, mine.conversationId)).toContain(`Subscribed to ${incident.id}`);
    expect(await env.post(message(mine, maya, `subscribe ${incident.id}`))).toBe(200);
    expect(lastSaid(env, mine.conversationId)).toContain("already subscribed");

    const where = channel(env.fake.url, SAFETY);
    const typed = message(where, ada, `update ${incident.id} Rolled back the prompt template`);
    expect(await env.post(typed)).toBe(200);
    // Teams delivers the same activity again: it is worked on once.
    expect(await env.post(typed)).toBe(200);
    await env.app.idle();
    const after = (await env.app.incidents.get(incident.id))!;
    expect(after.timeline.filter((e) => e.type === "status-update")).toHaveLength(1);
    expect(after.latestStatus).toMatchObject({ text: "Rolled back the prompt template", by: { userId: "aad-ada" } });
    expect(textOf(cardOf(updatesOf(env.fake, ticket.id).at(-1)!))).toMatch(/Status \(\d\d:\d\d, by Ada\): Rolled back the prompt template/);
    expect(postsTo(env.fake, SAFETY).filter((c) => c.kind === "reply" && String(c.body.text ?? "").includes("Status update by Ada: Rolled back the prompt template"))).toHaveLength(1);
    expect(inChat(env, "aad-maya", "Rolled back the prompt template")).toHaveLength(1);
    // The author is not told what they wrote.
    expect(inChat(env, "aad-ada", "Rolled back the prompt template")).toEqual([]);
  });

  it("'Post update' (Action.Execute with its text) and 'Subscribe' on the card; Subscribe is offered to everyone who sees it", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    const where = channel(env.fake.url, SAFETY);

    // Maya (a manager) sees the status-only card: Subscribe, but no Post update.
    const hers = await seenBy(env, where, maya, ticket);
    expect(submits(hers).map((b) => b.title)).toEqual(["Subscribe"]);
    expect(await click(env, where, maya, ticket, (b) => b.data.action === "subscribe")).toBe(200);
    expect(lastAnswer.get(env)!.value.body[0].text).toContain(`Subscribed to ${incident.id}`);
    expect((await env.app.incidents.get(incident.id))!.subscribers).toEqual([{ person: "maya" }]);

    expect(await click(env, where, ada, ticket, (b) => b.data.action === "status", { status: "Customer contacted; fix deployed" })).toBe(200);
    const answer = lastAnswer.get(env)!;
    expect(answer.value.body[0].text).toContain(`Status update on ${incident.id} by Ada`);
    expect(textOf(answer.value)).toContain("by Ada): Customer contacted; fix deployed");
    await env.app.idle();
    expect(inChat(env, "aad-maya", "Customer contacted; fix deployed")).toHaveLength(1);

    // On an older client (no refresh), Ada has the buttons on her page; Post update sends its Action.Submit fallback.
    const chat = chatWith(env, "aad-ada")!;
    const page = postsTo(env.fake, chat.id).find((c) => cardOf(c))!;
    expect(await click(env, { ...personalChat(env.fake.url, ada), conversationId: chat.id }, ada, page, (b) => b.data.action === "status", { status: "Monitoring for an hour" }, "legacy")).toBe(200);
    expect(lastSaid(env, chat.id)).toContain("Status update posted");
    await env.app.idle();
    expect((await env.app.incidents.get(incident.id))!.latestStatus?.text).toBe("Monitoring for an hour");
    expect(inChat(env, "aad-maya", "Monitoring for an hour")).toHaveLength(1);
  });

  it("someone off the roster, or the other domain's on-call, is refused and nothing changes", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    const where = channel(env.fake.url, SAFETY);
    await env.app.idle();
    const before = (await env.app.incidents.get(incident.id))!;
    const updates = updatesOf(env.fake, ticket.id).length;
    for (const who of [rita, hedy, maya]) {
      expect(await env.post(message(where, who, `update ${incident.id} all good now`))).toBe(200);
      expect(lastSaid(env, SAFETY)).toContain("can post a status update");
    }
    // Hedy (security on call) cannot see a safety incident: she may not subscribe either.
    expect(await env.post(message(where, hedy, `subscribe ${incident.id}`))).toBe(200);
    expect(lastSaid(env, SAFETY)).toContain(`I cannot show you ${incident.id}`);
    // A press forged from a copied card (the data of Ada's Post update) is refused by the ticket actions all the same.
    expect(await env.post(submit(where, rita, { action: "status", incidentId: incident.id, status: "all good now" }, ticket.id))).toBe(200);
    expect(lastSaid(env, SAFETY)).toContain("Nothing was changed");
    await env.app.idle();
    const after = (await env.app.incidents.get(incident.id))!;
    expect(after.rev).toBe(before.rev);
    expect(after.latestStatus).toBeUndefined();
    expect(updatesOf(env.fake, ticket.id)).toHaveLength(updates);
  });
});
