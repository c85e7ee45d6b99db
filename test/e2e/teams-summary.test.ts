// Issue 14, item 1: a manager's summary asked for in a channel goes to their personal chat; the
// channel hears one short line without any figure (Slack answers the same request ephemerally).
import { describe, expect, it } from "vitest";
import { channel, message, personalChat } from "../support/teams-activity.js";
import { ANSWERS, ada, cardOf, chatWith, maya, postsTo, rita, setup, textOf, triage } from "../support/teams-env.js";

const GENERAL = "19:general@thread.tacv2";

describe("Teams: a summary asked for in a channel", () => {
  it("is sent to the manager's personal chat, and the channel gets one line with no figures", async () => {
    const env = await setup();
    await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    env.clock.advance(60_000);
    const before = postsTo(env.fake, GENERAL).length;

    expect(await env.post(message(channel(env.fake.url, GENERAL), maya, "summary 7d"))).toBe(200);

    const chat = chatWith(env, maya.id)!;
    expect(chat.body).toMatchObject({ isGroup: false, members: [{ id: maya.id }] });
    const sent = postsTo(env.fake, chat.id);
    expect(sent).toHaveLength(1);
    const card = textOf(cardOf(sent[0]!));
    expect(card).toContain("Incidents, last 7 days");
    expect(card).toContain("**Total:** 1");
    expect(card).toContain("time to acknowledge (median / p90)");

    const inChannel = postsTo(env.fake, GENERAL).slice(before);
    expect(inChannel.map((c) => c.body.text)).toEqual(["Sent you the summary in our chat."]);
    expect(inChannel[0]!.body.attachments ?? []).toEqual([]);
  });

  it("asked by someone who is not a manager, is refused where they asked and nothing is sent privately", async () => {
    const env = await setup();
    await env.post(message(channel(env.fake.url, GENERAL), ada, "summary 30d"));
    expect(postsTo(env.fake, GENERAL).map((c) => c.body.text)).toEqual([expect.stringContaining("Summaries are for the managers")]);
    expect(chatWith(env, ada.id)).toBeUndefined();
  });

  it("asked in the personal chat, is answered there with the card and no extra line", async () => {
    const env = await setup();
    const where = personalChat(env.fake.url, maya);
    await env.post(message(where, maya, "summary"));
    const sent = postsTo(env.fake, where.conversationId);
    expect(sent).toHaveLength(1);
    expect(textOf(cardOf(sent[0]!))).toContain("Incidents, last 7 days");
    expect(env.fake.calls.filter((c) => c.kind === "create")).toEqual([]);
  });
});
