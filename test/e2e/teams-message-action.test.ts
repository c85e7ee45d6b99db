// Issue 14, item 5: "Report as AI incident" on any Teams message (a message extension action, as
// Slack's message shortcut): the invoke opens the triage in the reporter's personal chat with the
// message's text as the description, and the ticket links back to the message.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REPORT_MESSAGE_COMMAND } from "../../adapters/teams/message-action.js";
import { channel, messageAction, personalChat, user } from "../support/teams-activity.js";
import { ANSWERS, SAFETY, ada, cardOf, chatWith, postsTo, rita, seenBy, setup, lifecycle, textOf, ticketIn, walk } from "../support/teams-env.js";

const GENERAL = "19:general@thread.tacv2";
const LINK = "https://teams.microsoft.com/l/message/19%3Ageneral%40thread.tacv2/1700000000000?tenantId=tenant-0001";
const sam = user("sam", "Sam"); // wrote the message being reported
const HTML = "<p>The support bot told a customer their anxiety was <b>their own fault</b> &amp; refused to escalate.</p>";

describe("Teams: Report as AI incident (message action)", () => {
  it("the manifest is on a current schema (1.22, the one Microsoft Learn lists as current), named the same in $schema", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../adapters/teams/appPackage/manifest.json", import.meta.url), "utf8"));
    expect(manifest.manifestVersion).toBe("1.22");
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("the manifest declares the action on messages, with a dialog first", () => {
    const manifest = JSON.parse(readFileSync(new URL("../../adapters/teams/appPackage/manifest.json", import.meta.url), "utf8"));
    expect(manifest.composeExtensions).toEqual([
      { botId: manifest.bots[0].botId, commands: [expect.objectContaining({ id: REPORT_MESSAGE_COMMAND, type: "action", title: "Report as AI incident", context: ["message"], fetchTask: true })] },
    ]);
  });

  it("opens the triage in the personal chat with the message as the description and a link to it", async () => {
    const env = await setup();
    const answer = await env.invoke(messageAction(channel(env.fake.url, GENERAL), rita, { html: HTML, link: LINK, author: sam }));
    expect(answer).toEqual({ status: 200, body: { task: { type: "message", value: "I have sent you a private chat to triage this message." } } });
    // Nothing in the channel: the dialog is the answer there.
    expect(postsTo(env.fake, GENERAL)).toEqual([]);

    const chat = chatWith(env, rita.id)!;
    expect(chat.body).toMatchObject({ isGroup: false, members: [{ id: rita.id }] });
    const first = cardOf(postsTo(env.fake, chat.id)[0]!)!;
    expect(first).toBeDefined();
    const incident = await walk(env, personalChat(env.fake.url, rita, chat.id), rita, ANSWERS.safety);
    await env.app.idle();
    expect(incident.answers.description).toBe("The support bot told a customer their anxiety was their own fault & refused to escalate.");
    expect(incident.link).toBe(LINK);

    const posted = ticketIn(env, SAFETY, incident.id)!;
    const ticket = cardOf(posted)!;
    expect(ticket.actions).toContainEqual({ type: "Action.OpenUrl", title: "Open the reported message", url: LINK });
    // The safety roster's own view of the card (Teams refreshes it for them) has the four actions.
    expect(lifecycle(await seenBy(env, channel(env.fake.url, SAFETY), ada, posted)).map((b) => b.title)).toEqual(["Acknowledge", "Escalate", "Reroute", "Resolve"]);
    expect(textOf(ticket)).toContain("their own fault");
  });

  it("submitAction works the same, and a link that is not a Teams link is dropped", async () => {
    const env = await setup();
    const answer = await env.invoke(messageAction(channel(env.fake.url, GENERAL), rita, { html: HTML, link: "https://evil.example/login", author: sam }, "composeExtension/submitAction"));
    expect(answer.status).toBe(200);
    expect(answer.body.task.value).toContain("private chat");
    const incident = await walk(env, personalChat(env.fake.url, rita, chatWith(env, rita.id)!.id), rita, ANSWERS.safety);
    expect(incident.link).toBeUndefined();
  });
});
