// Issue 16, item 6: the ticket's Postmortem button, pressed through the real Slack endpoint (a signed
// block action on the card as the bot renders it; the draft comes back ephemerally) and the real Teams
// endpoint (the posted ticket card's action; the draft goes to the clicker's personal chat).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ticketCard } from "../../adapters/slack/blocks/ticket.js";
import { createSlackAdapter, type SlackAdapter } from "../../adapters/slack/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import { adapterPort } from "../../src/port.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { draftIncident, resolve, type Incident } from "../../src/domain/incident.js";
import { startWeb, type WebHandle } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { SAFETY_ANSWERS } from "../support/answers.js";
import { defs } from "../support/defs.js";
import { FakeSlack } from "../support/fake-slack.js";
import { testRoster } from "../support/roster.js";
import { SlackRequests } from "../support/slack-sign.js";
import { channel } from "../support/teams-activity.js";
import { ANSWERS, SAFETY, ada, cardOf, chatWith, click, hedy, postsTo, rita, setup, submits, ticketIn, triage, updatesOf, type Env } from "../support/teams-env.js";

const SECRET = "postmortem-signing-secret";
const TOKEN = "xoxb-postmortem";
const roster = testRoster();

describe("Slack: the Postmortem button", () => {
  let app: App;
  let fake: FakeSlack;
  let slack: SlackAdapter;
  let web: WebHandle;
  let req: SlackRequests;
  beforeAll(async () => {
    // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
    fake = await FakeSlack.start(TOKEN, { postLimit: false });
    app = createEmbeddedApp(loadConfig({}), { notifier: new RecordingNotifier(["console"]), log: silentLogger, clock: new ManualClock(), defs: { ...defs(), roster } });
    slack = createSlackAdapter(adapterPort(app), { signingSecret: SECRET, botToken: TOKEN, apiUrl: fake.apiUrl, botUserId: "U0BOT", botId: "B0BOT" });
    web = await startWeb(app, 0, silentLogger, [slack.route]);
    req = new SlackRequests(`http://127.0.0.1:${web.port}/slack/events`, SECRET, (id) => fake.responseUrl(id));
  });
  afterAll(async () => {
    await slack?.idle();
    await web?.stop();
    await app?.close();
    await fake?.stop();
  });

  async function resolvedIncident(): Promise<Incident> {
    const draft = draftIncident({
      conversationId: `pm-${Math.random()}`,
      reporter: { platform: "slack", userId: "U0RITA", name: "rita" },
      answers: { ...SAFETY_ANSWERS, description: "The bot told a customer to double a dose ``` & <!channel>" },
      classification: { primary: "safety", provisional: false, crossDomain: [], severity: "SEV2", rationale: ["people were put at risk"], refs: [] },
      routing: { domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: 15 },
      now: app.clock.now(),
    });
    const { incident } = await app.incidents.create(draft);
    return (await app.incidents.update(incident.id, (i) => {
      const r = resolve(i, roster, { platform: "slack", userId: "U0ADA" }, "answer template fixed", app.clock.now());
      return r.ok ? r.incident : undefined;
    }))!;
  }

  /** Presses Postmortem on the card as the bot renders it for this incident. */
  async function press(user: { id: string; name: string }, i: Incident) {
    const card = { channel: "C0SAFETY", ts: "1700000000.000200", text: "ticket", blocks: ticketCard(i, { routeCount: i.routeCount, roster }) };
    const button = card.blocks.flatMap((b: any) => (b.type === "actions" ? b.elements : [])).find((e: any) => e.action_id === "ticket_postmortem");
    expect(button).toBeDefined();
    const before = fake.responses.length;
    const r = await req.click(user, card, button);
    expect(r.status).toBe(200);
    await slack.idle();
    expect(fake.responses.length).toBe(before + 1);
    return fake.responses.at(-1)!.body;
  }

  it("is on a resolved card and sends the on-call the draft, ephemerally, in code blocks within Slack's limits", async () => {
    const i = await resolvedIncident();
    const body = await press({ id: "U0ADA", name: "ada" }, i);
    expect(body).toMatchObject({ response_type: "ephemeral", replace_original: false, text: `Postmortem draft of ${i.id}` });
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    for (const b of body.blocks) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    const md = body.blocks.slice(1).map((b: any) => b.text.text.replace(/^```|```$/g, "")).join("\n");
    expect(md).toMatch(new RegExp(`^# Postmortem: ${i.id}: `));
    expect(md).toContain("- Resolution note: answer template fixed");
    expect(md).toContain("## Root cause\n\n_To write._");
    expect(md).not.toContain("<!channel>");
    // The reporter's own fence does not close the code block.
    for (const b of body.blocks.slice(1)) expect(b.text.text.slice(3, -3)).not.toContain("```");
    expect((await app.incidents.get(i.id))!.rev).toBe(i.rev); // nothing changed
  });

  it("is not on an open card, nor on one a reroute superseded", async () => {
    const i = await resolvedIncident();
    const ids = (x: Incident, route: number) => ticketCard(x, { routeCount: route, roster }).flatMap((b: any) => (b.type === "actions" ? b.elements.map((e: any) => e.action_id) : []));
    expect(ids(i, i.routeCount)).toEqual(["ticket_postmortem"]);
    expect(ids({ ...i, status: "open" }, i.routeCount)).not.toContain("ticket_postmortem");
    expect(ids({ ...i, routeCount: 2 }, 1)).toEqual([]);
  });

  it("refuses someone who may not see the incident", async () => {
    const i = await resolvedIncident();
    const body = await press({ id: "U0HEDY", name: "hedy" }, i);
    expect(body.text).toContain(`I cannot show you ${i.id}`);
    expect(JSON.stringify(body)).not.toContain("Postmortem: ");
  });
});

describe("Teams: the Postmortem button", () => {
  /** A safety incident filed through Teams and resolved by Ada: its card, as last edited. */
  async function resolvedCard(env: Env) {
    const { incident } = await triage(env, rita, "The support bot told a customer their anxiety was their own fault", ANSWERS.safety);
    const posted = ticketIn(env, SAFETY, incident.id)!;
    expect(submits(cardOf(posted)!).map((s) => s.title)).not.toContain("Postmortem"); // open: lifecycle actions only
    expect(await click(env, channel(env.fake.url, SAFETY), ada, posted, (b) => b.data.op === "resolve", { note: "answer template fixed" })).toBe(200);
    await env.app.idle();
    const edited = updatesOf(env.fake, posted.id).at(-1)!;
    expect(submits(cardOf(edited)!).map((s) => s.title)).toEqual(["Postmortem"]);
    return { incident, ticket: { ...edited, id: posted.id } };
  }

  it("is the only action on a resolved card and sends the draft to the clicker's personal chat; the channel hears one line", async () => {
    const env = await setup();
    const { incident, ticket } = await resolvedCard(env);
    const before = postsTo(env.fake, SAFETY).length;
    expect(await click(env, channel(env.fake.url, SAFETY), ada, ticket, (b) => b.data.action === "postmortem")).toBe(200);
    const chat = chatWith(env, ada.id)!;
    const draft = postsTo(env.fake, chat.id).at(-1)!.body;
    expect(draft.textFormat).toBe("plain");
    expect(draft.text).toMatch(new RegExp(`^# Postmortem: ${incident.id}: The support bot`));
    expect(draft.text).toContain("## Action items");
    expect(draft.text).toContain("- Resolution note: answer template fixed");
    expect(postsTo(env.fake, SAFETY).slice(before).map((c) => c.body.text)).toEqual([`Sent you the postmortem draft of ${incident.id} in our chat.`]);
  });

  it("refuses the other domain's on-call where they clicked, sending nothing privately", async () => {
    const env = await setup();
    const { incident, ticket } = await resolvedCard(env);
    expect(await click(env, channel(env.fake.url, SAFETY), hedy, ticket, (b) => b.data.action === "postmortem")).toBe(200);
    expect(chatWith(env, hedy.id)).toBeUndefined();
    expect(JSON.stringify(postsTo(env.fake, SAFETY).at(-1)!.body)).toContain(`I cannot show you ${incident.id}`);
  });
});
