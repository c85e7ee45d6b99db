// Issue 14, item 3: after a ticket action the card is edited by the worker's update job, which retries
// like a ticket; the request only answers the person. A card edit that fails (Teams answers 500 or 503)
// never tells the person that their saved action failed, and the card ends up edited anyway. A current
// client presses Action.Execute and is answered with the card as it stands; an older one sends the
// Action.Submit fallback and gets a receipt in the chat.
import { describe, expect, it } from "vitest";
import { channel, personalChat } from "../support/teams-activity.js";
import { ANSWERS, SAFETY, SECURITY, ada, cardOf, chatWith, click, hedy, lastAnswer, postsTo, rita, setup, lifecycle, submits, textOf, ticketIn, triage, updatesOf } from "../support/teams-env.js";

const FAILED = /went wrong|try again|not saved/i;

describe("Teams: card edits after a ticket action are durable", () => {
  it("an edit that fails is retried by the job; the person was told at once that it was done", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    const page = postsTo(env.fake, chatWith(env, "aad-ada")!.id)[0]!;
    env.fake.failUpdates(1, 500);

    // Pressed in the channel (Action.Execute, "<channel>;messageid=<card>"): answered with the card as it now stands.
    expect(await click(env, channel(env.fake.url, SAFETY), ada, ticket, (b) => b.data.op === "acknowledge")).toBe(200);
    const answer = lastAnswer.get(env)!;
    expect(answer.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(answer.value.body[0].text).toContain(`acknowledged ${incident.id}`);
    expect(lifecycle(answer.value).map((b) => b.title)).toEqual(["Escalate", "Reroute", "Resolve"]);
    expect((await env.app.incidents.get(incident.id))!.status).toBe("acknowledged");

    await env.app.idle(); // the job's first try met the 500; its retry (about 1 s later) went through
    expect(env.fake.failedUpdates).toHaveLength(1);
    for (const card of [ticket, page]) {
      const edited = cardOf(updatesOf(env.fake, card.id).at(-1)!)!;
      expect(textOf(edited)).toContain("Acknowledged");
      expect(submits(edited).map((b) => b.title)).not.toContain("Acknowledge");
    }
    // The thread is told once, and nobody was told the action failed.
    expect(postsTo(env.fake, SAFETY).filter((c) => c.body.text === `Ada acknowledged ${incident.id}.`)).toHaveLength(1);
    expect(env.fake.calls.filter((c) => FAILED.test(String(c.body.text ?? "")))).toEqual([]);
  });

  it("a card Teams no longer has (404) is a failed job for an operator, never a failure told to the person", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    env.fake.failUpdates(5, 404);
    // An older client, on the page in the personal chat: the Action.Submit fallback, and a receipt.
    const chat = chatWith(env, "aad-ada")!.id;
    await click(env, personalChat(env.fake.url, ada, chat), ada, postsTo(env.fake, chat)[0]!, (b) => b.data.op === "acknowledge", {}, "legacy");
    expect(postsTo(env.fake, chat).at(-1)!.body.text).toBe(`Acknowledged ${incident.id}. The card will show it in a moment.`);
    await env.app.idle();
    // 404 will not heal by retrying: one try, then the failed set (`triage tickets failed`).
    expect(env.fake.failedUpdates.map((f) => f.status)).toEqual([404]);
    expect((await env.app.queue.failed()).map((f) => [f.job.name, f.error])).toEqual([["update", expect.stringContaining("404")]]);
    expect((await env.app.incidents.get(incident.id))!.status).toBe("acknowledged");
    expect(env.fake.calls.filter((c) => FAILED.test(String(c.body.text ?? "")))).toEqual([]);
  });

  it("after a reroute the old card is retired by a retrying job, even when Teams fails the first edits", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "Someone hid instructions in a PDF and the assistant leaked its system prompt", ANSWERS.security);
    const ticket = ticketIn(env, SECURITY, incident.id)!;
    const page = postsTo(env.fake, chatWith(env, "aad-hedy")!.id)[0]!;
    env.fake.failUpdates(2, 503);

    // Pressed on the page, in the personal chat.
    const where = personalChat(env.fake.url, hedy, chatWith(env, "aad-hedy")!.id);
    await click(env, where, hedy, page, (b) => b.data.op === "reroute", { reason: "No adversary: the PDF was our own test fixture" }, "legacy");
    expect(postsTo(env.fake, where.conversationId).at(-1)!.body.text).toBe(`Rerouted ${incident.id}. The card will show it in a moment.`);

    await env.app.idle();
    expect(env.fake.failedUpdates).toHaveLength(2);
    for (const card of [ticket, page]) {
      const retired = cardOf(updatesOf(env.fake, card.id).at(-1)!)!;
      expect(textOf(retired)).toContain("Rerouted to safety");
      expect(submits(retired)).toEqual([]);
    }
    expect(postsTo(env.fake, SECURITY).filter((c) => c.kind === "reply" && c.activityId === ticket.id).map((c) => c.body.text)).toEqual([expect.stringContaining("rerouted from security to safety")]);
    expect(ticketIn(env, SAFETY, incident.id)).toBeDefined();
    expect(env.fake.calls.filter((c) => FAILED.test(String(c.body.text ?? "")))).toEqual([]);
  });
});
