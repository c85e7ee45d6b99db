// Issue 16, item 2 in Teams: edits typed to the bot. Ruling out deliberate intent on a provisional
// security incident reroutes it to safety with the reason (a new ticket there, the old card retired);
// someone not on the roster is refused and nothing changes.
import { describe, expect, it } from "vitest";
import { channel, message } from "../support/teams-activity.js";
import { ANSWERS, SAFETY, SECURITY, ada, cardOf, hedy, maya, postsTo, rita, setup, submits, textOf, ticketIn, triage, updatesOf } from "../support/teams-env.js";

const UNKNOWN_INTENT = { intent: "unknown", failureKind: "other", asset: "outputs", ciaLost: [], harm: [], ongoing: "no", scope: "one-user" };

describe("Teams: editing an incident after filing", () => {
  it("ruling out intent on a provisional security incident reroutes it to safety, with the reason", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The assistant started answering in a strange way, not sure why", UNKNOWN_INTENT);
    expect(incident.classification).toMatchObject({ primary: "security", provisional: true });
    const old = ticketIn(env, SECURITY, incident.id)!;

    expect(await env.post(message(channel(env.fake.url, SECURITY), maya, `intent ${incident.id} none looks harmless`))).toBe(200);
    expect(JSON.stringify(postsTo(env.fake, SECURITY).at(-1)!.body)).toContain("Only the security on-call roster, an incident manager or the commander can edit");
    expect((await env.app.incidents.get(incident.id))!.rev).toBe(incident.rev);

    expect(await env.post(message(channel(env.fake.url, SECURITY), hedy, `intent ${incident.id} none a stale template, no attacker`))).toBe(200);
    await env.app.idle();
    const after = (await env.app.incidents.get(incident.id))!;
    expect(after).toMatchObject({ routing: { domain: "safety" }, routeCount: 2, classification: { primary: "safety", provisional: false }, answers: { intent: "none" } });
    expect(after.timeline.find((e) => e.type === "rerouted")).toMatchObject({ by: { userId: "aad-hedy" }, reason: expect.stringContaining("a stale template, no attacker") });
    expect(after.timeline.findLast((e) => e.type === "edited")).toMatchObject({ type: "edited", field: "intent", from: "unknown", to: "none", reason: "a stale template, no attacker" });
    // A new ticket for safety; the security card retired (no actions left).
    expect(textOf(cardOf(ticketIn(env, SAFETY, incident.id)!))).toContain(incident.id);
    expect(submits(cardOf(updatesOf(env.fake, old.id).at(-1)!)!)).toEqual([]);
  });

  it("the on-call assigns the commander by roster id, who may then edit", async () => {
    const env = await setup();
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    const where = channel(env.fake.url, SAFETY);
    expect(await env.post(message(where, ada, `commander ${incident.id} maya`))).toBe(200);
    expect(JSON.stringify(postsTo(env.fake, SAFETY).at(-1)!.body)).toContain("assigned to Maya");
    expect(await env.post(message(where, maya, `note ${incident.id} talking to the customer`))).toBe(200);
    await env.app.idle();
    const after = (await env.app.incidents.get(incident.id))!;
    expect(after.commander).toBe("maya");
    expect(after.timeline.some((e) => e.type === "note" && e.by.userId === "aad-maya")).toBe(true);
  });
});
