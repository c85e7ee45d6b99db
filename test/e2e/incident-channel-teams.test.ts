// Issue 16, point 3, in Teams: a SEV1/SEV2 of a domain with an incidentChannel block gets a thread of
// its own in the configured team channel (Bot Framework POST /v3/conversations, isGroup, channelData.
// channel.id, the card as its first activity), end to end through /api/messages and a fake connector
// that refuses a missing or unknown channel. The thread's card is kept current, the ticket links it.
import { describe, expect, it } from "vitest";
import { channel, message } from "../support/teams-activity.js";
import { TEAM_CHANNELS } from "../support/fake-connector.js";
import { HALLUCINATION_REPORT } from "../support/answers.js";
import { ANSWERS, SAFETY, ada, cardOf, click, postsTo, rita, setup, textOf, ticketIn, triage, updatesOf, type Env } from "../support/teams-env.js";

const ROOMS = TEAM_CHANNELS[0]!;
const MEDICATION = "The support chatbot told a customer to double their medication dose";
/** Physical harm: SEV1, safety. */
const SEV1 = { ...ANSWERS.safety, harm: ["physical"] };
const threads = (env: Env) => env.fake.calls.filter((c) => c.kind === "create" && c.body.isGroup === true);
const buttonsOf = (card: any): any[] => card?.actions ?? [];

describe("Teams: an incident channel thread for SEV1 and SEV2", () => {
  it("a SEV1 starts a thread in the team channel with the ticket card; the ticket card links it", async () => {
    const env = await setup({}, { incidentChannel: { safety: { teams: { channelId: ROOMS } } } });
    const { incident } = await triage(env, rita, MEDICATION, SEV1);
    expect(incident.classification.severity).toBe("SEV1");

    const [thread, ...more] = threads(env);
    expect(more).toEqual([]);
    expect(thread!.body.channelData.channel.id).toBe(ROOMS);
    expect(thread!.body.channelData.tenant?.id).toBeDefined();
    expect(textOf(thread!.body.activity.attachments[0].content)).toContain(incident.id);
    expect(incident.rooms).toEqual([
      expect.objectContaining({ platform: "teams", address: `${ROOMS};messageid=${thread!.id}`, link: expect.stringContaining(`/l/message/${encodeURIComponent(ROOMS)}/${thread!.id}`) }),
    ]);
    expect(incident.timeline.filter((e) => e.type === "channel-opened")).toHaveLength(1);

    // The ticket in the domain's channel now carries a button to the thread, and its thread says so once.
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    const shown = cardOf(updatesOf(env.fake, ticket.id).at(-1)!)!;
    expect(buttonsOf(shown).filter((b) => b.type === "Action.OpenUrl" && b.url === incident.rooms![0]!.link)).toHaveLength(1);
    expect(postsTo(env.fake, SAFETY).filter((c) => c.kind === "reply" && String(c.body.text).startsWith("Incident channel opened"))).toHaveLength(1);
  });

  it("an acknowledgement edits the thread's card in place and is replied in the thread", async () => {
    const env = await setup({}, { incidentChannel: { safety: { teams: { channelId: ROOMS } } } });
    const { incident } = await triage(env, rita, MEDICATION, SEV1);
    const head = threads(env)[0]!;
    const ticket = ticketIn(env, SAFETY, incident.id)!;
    expect(await click(env, channel(env.fake.url, SAFETY), ada, ticket, (b) => b.data.op === "acknowledge")).toBe(200);
    await env.app.idle();
    const edited = cardOf(updatesOf(env.fake, head.id).at(-1)!)!;
    expect(textOf(edited)).toContain("Acknowledged");
    const room = incident.rooms![0]!.address;
    const replies = env.fake.calls.filter((c) => c.kind === "reply" && c.conversationId === room && c.activityId === head.id);
    expect(replies.map((c) => c.body.text)).toEqual([`Ada acknowledged ${incident.id}.`]);
  });

  it("a status update typed to the bot is replied in the thread and shown on the thread's card", async () => {
    const env = await setup({}, { incidentChannel: { safety: { teams: { channelId: ROOMS } } } });
    const { incident } = await triage(env, rita, MEDICATION, SEV1);
    const head = threads(env)[0]!;
    expect(await env.post(message(channel(env.fake.url, SAFETY), ada, `update ${incident.id} Rolled back the prompt template`))).toBe(200);
    await env.app.idle();
    expect(textOf(cardOf(updatesOf(env.fake, head.id).at(-1)!)!)).toMatch(/Status \(\d\d:\d\d, by Ada\): Rolled back the prompt template/);
    const room = incident.rooms![0]!.address;
    const replies = env.fake.calls.filter((c) => c.kind === "reply" && c.conversationId === room && String(c.body.text ?? "").includes("Rolled back the prompt template"));
    expect(replies).toHaveLength(1);
  });

  it("a SEV2 gets one too; a SEV3 none", async () => {
    const env = await setup({}, { incidentChannel: { safety: { teams: { channelId: ROOMS } } } });
    const sev2 = await triage(env, rita, String(HALLUCINATION_REPORT.description), HALLUCINATION_REPORT);
    expect(sev2.incident.classification.severity).toBe("SEV2");
    expect(threads(env)).toHaveLength(1);
    const sev3 = await triage(env, rita, MEDICATION, ANSWERS.safety);
    expect(sev3.incident.classification.severity).toBe("SEV3");
    expect(threads(env)).toHaveLength(1);
    expect(sev3.incident.rooms).toBeUndefined();
  });

  it("a channel Teams does not know is refused: the job fails for an operator, the ticket and page went out", async () => {
    const env = await setup({}, { incidentChannel: { safety: { teams: { channelId: "19:nosuch@thread.tacv2" } } } });
    const { incident } = await triage(env, rita, MEDICATION, SEV1);
    expect(threads(env)).toEqual([]);
    expect(incident.rooms).toBeUndefined();
    expect((await env.app.queue.failed()).map((f) => [f.job.name, f.error])).toEqual([["channel", expect.stringContaining("404")]]);
    expect(ticketIn(env, SAFETY, incident.id)).toBeDefined();
  });
});
