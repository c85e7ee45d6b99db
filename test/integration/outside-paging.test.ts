// Paging and ticketing beyond chat, on a real Redis through the real composition (`serve`: web, the
// Slack adapter, BullMQ workers) and, for the crash, the Procfile's worker process: a routed incident
// triggers PagerDuty once, raises an Opsgenie alert and opens a Jira issue linked on the Slack card;
// an acknowledgement in Slack reaches PagerDuty and Opsgenie; PagerDuty's signed webhook resolves it in
// the bot (and the card) without being sent back; edits after filing (severity, note, reopen) reach all
// three; bad signatures, 429s, revoked credentials and a
// worker killed between PagerDuty's answer and its record are each covered against local fakes.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { serve, type Served } from "../../src/serve.js";
import { PAGERDUTY_WEBHOOK_PATH } from "../../src/tickets/outside/pagerduty-webhook.js";
import { fileIncident, redisApp, rosterFrom, writeRoster } from "../support/durable.js";
import { spawnWorker, type WorkerProc } from "../support/app-procs.js";
import { FakeJira } from "../support/fake-jira.js";
import { FakeOpsgenie } from "../support/fake-opsgenie.js";
import { FakePagerDuty, pdWebhookBody, sendPdWebhook } from "../support/fake-pagerduty.js";
import { FakeSlack, type FakeMessage } from "../support/fake-slack.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { SlackRequests } from "../support/slack-sign.js";
import { button, SECRET, slackEnv, TOKEN } from "../support/slack-stack.js";
import { jobState } from "../support/slack-cluster.js";
import { waitFor } from "../support/webhook.js";

const PD_KEY = "R0SAFETYROUTINGKEY0000000000000A";
const PD_SECRET = "pd-webhook-secret-0123456789";
const OG_KEY = "og-api-key-0123";
const JIRA = { email: "triage-bot@acme.test", token: "jira-api-token-0123" };
const ADA = { id: "U0ADA", name: "ada" };

/** Slack channels as usual; the safety domain also pages PagerDuty and Opsgenie and files in Jira. */
function outsideRosterDoc() {
  const rotation = { every: "weekly", startDate: "2026-01-05", handoff: "09:00", timeZone: "UTC" };
  const minutes = { SEV1: 60, SEV2: 60, SEV3: 60, SEV4: 60 };
  return {
    people: [
      { id: "ada", name: "Ada", slack: "U0ADA", pagerduty: "PADA001" },
      { id: "alan", name: "Alan", slack: "U0ALAN" },
      { id: "radia", name: "Radia", slack: "U0RADIA" },
      { id: "maya", name: "Maya", slack: "U0MAYA", pagerduty: "PMAYA01" },
    ],
    managers: ["maya"],
    incidentManagers: ["radia"],
    domains: {
      safety: {
        destinations: { slack: { channel: "C0SAFETY" } },
        rotation,
        levels: [["ada"], ["radia"]],
        escalationMinutes: minutes,
        pagerduty: { source: "llm-gateway" },
        opsgenie: { team: "ai-safety" },
        jira: { project: "AIS", issueType: "Bug", doneStatus: "Done" },
      },
      security: { destinations: { slack: { channel: "C0SECURITY" } }, rotation, levels: [["alan"], ["radia"]], escalationMinutes: minutes },
    },
  };
}

let redis: RedisServer;
let slack: FakeSlack;
let pd: FakePagerDuty;
let og: FakeOpsgenie;
let jira: FakeJira;

function outsideEnv(prefix: string): Record<string, string> {
  return {
    ...slackEnv(redis.url, prefix, slack.apiUrl, writeRoster(outsideRosterDoc())),
    PAGERDUTY_ROUTING_KEY_SAFETY: PD_KEY,
    PAGERDUTY_EVENTS_URL: pd.url,
    PAGERDUTY_WEBHOOK_SECRET: PD_SECRET,
    OPSGENIE_API_KEY: OG_KEY,
    OPSGENIE_API_URL: og.url,
    JIRA_BASE_URL: jira.url,
    JIRA_EMAIL: JIRA.email,
    JIRA_API_TOKEN: JIRA.token,
    DELIVERY_ATTEMPTS: "3",
    DELIVERY_RETRY_BASE_MS: "50",
    DELIVERY_RETRY_MAX_MS: "200",
    // Unpaced: the fake Slack here takes bursts (postLimit: false) and pacing is tested in the storm and
    // delivery tests; paced, each ticket, thread note and page in a channel waited up to 1.1 s for its slot.
    CHANNEL_POST_INTERVAL_MS: "0",
  };
}

beforeAll(async () => {
  redis = await startRedis();
  // Clicks come faster than a person's: the posting limit is tested in storm/delivery tests.
  slack = await FakeSlack.start(TOKEN, { postLimit: false });
  pd = await FakePagerDuty.start([PD_KEY]);
  og = await FakeOpsgenie.start(OG_KEY);
  jira = await FakeJira.start(JIRA.email, JIRA.token, { AIS: ["Task", "Bug"] });
});
afterAll(async () => {
  await Promise.all([slack?.stop(), pd?.stop(), og?.stop(), jira?.stop()]);
  await redis?.stop();
});

/** Each suite numbers its incidents from INC-…-0001 on a prefix of its own: the fakes start empty. */
function clearFakes() {
  for (const f of [pd.http, og.http, jira.http]) f.clear();
  pd.incidents.length = 0;
  og.alerts.length = 0;
  jira.issues.length = 0;
}

/** The root message (the ticket card) of incident `id` in `channel`, as Slack shows it now. */
const cardOf = (channel: string, id: string): FakeMessage | undefined =>
  [...slack.messages.values()].find((m) => m.channel === channel && !m.thread_ts && String(m.metadata?.event_payload?.key ?? "").startsWith(`${id}.`));
const textOf = (m: FakeMessage | undefined) => JSON.stringify([m?.text, m?.blocks]);

describe("outside services through the real composition (serve, inline workers)", () => {
  let served: Served;
  let app: App;
  let req: SlackRequests;
  let hook: string;
  const logs: string[] = [];
  let n = 0;
  const file = () => fileIncident(app, `outside-${++n}`, "safety");

  beforeAll(async () => {
    clearFakes();
    const sink = new Writable({ write: (chunk, _enc, done) => void (logs.push(String(chunk)), done()) });
    served = await serve(loadConfig({ ...outsideEnv(uniquePrefix()), WORKER_MODE: "inline", STORM_THRESHOLD: "0" }), createLogger("info", sink));
    app = served.app;
    req = new SlackRequests(`http://127.0.0.1:${served.web.port}/slack/events`, SECRET, (id) => slack.responseUrl(id));
    hook = `http://127.0.0.1:${served.web.port}${PAGERDUTY_WEBHOOK_PATH}`;
  });
  afterAll(async () => {
    await served?.stop();
  });

  it("a routed incident triggers PagerDuty once, raises an Opsgenie alert, opens a Jira issue and shows it on the Slack card", async () => {
    const inc = await file();
    await waitFor(() => pd.incident(inc.id) !== undefined && og.alert(inc.id) !== undefined && jira.issueFor(inc.id).length === 1, "the page, the alert and the issue");
    await waitFor(() => textOf(cardOf("C0SAFETY", inc.id)).includes("AIS-"), "the Jira link on the ticket card");
    const page = pd.incident(inc.id)!;
    expect(page).toMatchObject({ routingKey: PD_KEY, triggers: 1, status: "triggered", payload: { source: "llm-gateway", custom_details: { incident: inc.id, primary: "safety" } } });
    expect(page.payload.severity).toBe({ SEV1: "critical", SEV2: "error", SEV3: "warning", SEV4: "info" }[inc.classification.severity]);
    expect(og.alert(inc.id)).toMatchObject({ priority: inc.classification.severity.replace("SEV", "P"), count: 1, body: { responders: [{ name: "ai-safety", type: "team" }] } });
    const issue = jira.issueFor(inc.id)[0]!;
    expect(issue).toMatchObject({ project: "AIS", issueType: "Bug", status: "To Do" });
    const stored = (await app.incidents.get(inc.id))!;
    expect(stored.timeline.filter((e) => e.type === "delivered" && e.to.startsWith("out:"))).toHaveLength(3);
    expect(stored.timeline.find((e) => e.type === "delivered" && e.to === "out:jira:r1:open")).toMatchObject({ ref: issue.key, link: `${jira.url}/browse/${issue.key}` });
    expect(textOf(cardOf("C0SAFETY", inc.id))).toContain(`${jira.url}/browse/${issue.key}`);
  });

  it("acknowledged in Slack: PagerDuty and Opsgenie acknowledge; PagerDuty's webhook echo of it changes nothing and is not sent back", async () => {
    const inc = await file();
    await waitFor(() => cardOf("C0SAFETY", inc.id) !== undefined && pd.incident(inc.id) !== undefined && og.alert(inc.id) !== undefined, "the card and the page");
    const card = cardOf("C0SAFETY", inc.id)!;
    expect((await req.click(ADA, card, button(card, "ticket_acknowledge"))).status).toBe(200);
    await waitFor(() => pd.incident(inc.id)?.status === "acknowledged" && og.alert(inc.id)?.acknowledged === true, "PagerDuty and Opsgenie to hear of the acknowledgement");
    expect((await app.incidents.get(inc.id))!.status).toBe("acknowledged");
    const echo = await sendPdWebhook(hook, pdWebhookBody("incident.acknowledged", inc.id, { id: "PADA001", summary: "Ada" }), [PD_SECRET]);
    expect(echo.status).toBe(200);
    expect(await echo.json()).toEqual({ outcome: "already acknowledged" });
    // Nothing acted, so nothing was queued for PagerDuty: still the one acknowledgement, from chat.
    expect((await app.incidents.get(inc.id))!.timeline.filter((e) => e.type === "acknowledged")).toHaveLength(1);
    expect(pd.eventsFor(inc.id, "acknowledge")).toHaveLength(1);
  });

  it("resolved in PagerDuty: the signed webhook resolves it in the bot as the roster person, updates the Slack card, closes Opsgenie, moves Jira to Done, sends nothing back", async () => {
    const inc = await file();
    await waitFor(() => pd.incident(inc.id) !== undefined && og.alert(inc.id) !== undefined && textOf(cardOf("C0SAFETY", inc.id)).includes("AIS-"), "the page, the alert and the linked issue");
    const body = pdWebhookBody("incident.resolved", inc.id, { id: "PADA001", summary: "Ada" });
    const res = await sendPdWebhook(hook, body, ["an-old-secret-being-rotated", PD_SECRET]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: "resolved" });
    const resolved = (await app.incidents.get(inc.id))!;
    expect(resolved.status).toBe("resolved");
    expect(resolved.timeline.findLast((e) => e.type === "resolved")).toMatchObject({ by: { platform: "webhook", userId: "ada", name: "Ada (PagerDuty)" }, note: "Resolved in PagerDuty." });
    await waitFor(() => textOf(cardOf("C0SAFETY", inc.id)).includes("Resolved"), "the Slack card to show it resolved");
    const issue = jira.issueFor(inc.id)[0]!;
    await waitFor(() => og.alert(inc.id)?.status === "closed" && issue.status === "Done", "Opsgenie closed and Jira done");
    // It came from PagerDuty: no resolve job for PagerDuty was ever made.
    expect(await jobState(app, `${inc.id}.o-pagerduty-r1-resolve-${resolved.rev}`)).toBeUndefined();
    expect(pd.eventsFor(inc.id, "resolve")).toHaveLength(0);
    // A replay of the same delivery changes nothing.
    const replay = await sendPdWebhook(hook, body, [PD_SECRET]);
    expect(await replay.json()).toEqual({ outcome: "already resolved" });
    expect((await app.incidents.get(inc.id))!.timeline.filter((e) => e.type === "resolved")).toHaveLength(1);
  });

  it("edits after filing reach them: a new severity re-triggers PagerDuty (its severity follows), sets Opsgenie's priority, comments on Jira; a note; a reopen opens them again", async () => {
    const inc = await file();
    await waitFor(() => pd.incident(inc.id) !== undefined && og.alert(inc.id) !== undefined && textOf(cardOf("C0SAFETY", inc.id)).includes("AIS-"), "the page, the alert and the linked issue");
    const to = inc.classification.severity === "SEV1" ? "SEV2" : "SEV1";
    const ada = { platform: "slack" as const, userId: ADA.id, name: ADA.name };
    expect(await app.actions.edit(inc.id, { kind: "severity", severity: to, reason: "a second customer is affected" }, ada)).toMatchObject({ ok: true, changed: true });
    const issue = jira.issueFor(inc.id)[0]!;
    const pdSeverity = { SEV1: "critical", SEV2: "error", SEV3: "warning", SEV4: "info" }[to];
    await waitFor(() => pd.incident(inc.id)?.payload.severity === pdSeverity && og.alert(inc.id)?.priority === to.replace("SEV", "P") && issue.comments.length === 1, "the new severity in all three");
    expect(pd.incidents.filter((i) => i.dedupKey === inc.id)).toHaveLength(1);
    expect(JSON.stringify(issue.comments[0]!.body)).toContain("a second customer is affected");
    expect(await app.actions.edit(inc.id, { kind: "note", text: "rolled back the prompt template" }, ada)).toMatchObject({ ok: true });
    await waitFor(() => og.alert(inc.id)!.notes.length === 1 && issue.comments.length === 2, "the note in Opsgenie and Jira");
    expect(await app.actions.act(inc.id, { kind: "resolve", note: "template fixed" }, ada)).toMatchObject({ ok: true });
    await waitFor(() => pd.incident(inc.id)?.status === "resolved" && og.alert(inc.id)?.status === "closed" && issue.status === "Done", "resolved everywhere");
    expect(await app.actions.edit(inc.id, { kind: "reopen", reason: "the strange answers are back" }, ada)).toMatchObject({ ok: true, changed: true });
    const pages = () => pd.incidents.filter((i) => i.dedupKey === inc.id).map((i) => i.status);
    await waitFor(() => pages().length === 2 && og.alerts.filter((a) => a.alias === inc.id && a.status === "open").length === 1 && issue.status === "To Do", "opened again everywhere");
    expect(pages()).toEqual(["resolved", "triggered"]);
  });

  it("a bad or missing signature gets 401 and changes nothing", async () => {
    const inc = await file();
    await waitFor(() => pd.incident(inc.id) !== undefined, "the page");
    const before = (await app.incidents.get(inc.id))!;
    const body = pdWebhookBody("incident.resolved", inc.id, { id: "PADA001" });
    expect((await sendPdWebhook(hook, body, ["not-the-secret"])).status).toBe(401);
    expect((await fetch(hook, { method: "POST", headers: { "content-type": "application/json" }, body })).status).toBe(401);
    const after = (await app.incidents.get(inc.id))!;
    expect(after.status).toBe(before.status);
    expect(after.timeline.some((e) => e.type === "resolved")).toBe(false);
  });

  it("PagerDuty answering 429 several times (more than the attempts): waited out, then triggered once", async () => {
    pd.http.failNext(4, 429, "0", { status: "throttle exceeded", message: "Requests for this service are arriving too quickly.  Please retry later." });
    const inc = await file();
    const recorded = async () => (await app.incidents.get(inc.id))!.timeline.filter((e) => e.type === "delivered" && e.to === "out:pagerduty:r1:open");
    await waitFor(async () => (await recorded()).length > 0, "the trigger after the 429s, recorded");
    expect(pd.incident(inc.id)!.triggers).toBe(1);
    // Four refused (429) and one accepted, with only three attempts allowed: 429s used none.
    expect(pd.eventsFor(inc.id, "trigger")).toHaveLength(5);
    expect(await recorded()).toHaveLength(1);
  });

  it("PagerDuty refusing the routing key: the page job fails permanently, the channel is told, and a replay once fixed pages", async () => {
    pd.revoke(PD_KEY);
    let jobId = "";
    try {
      const inc = await file();
      jobId = `${inc.id}.o-pagerduty-r1-open`;
      const failedJob = async () => (await app.queue.failed()).find((f) => f.id === jobId);
      await waitFor(async () => (await failedJob()) !== undefined, "the PagerDuty job to fail");
      expect((await failedJob())!.error).toContain("check PAGERDUTY_ROUTING_KEY_SAFETY");
      // In the ticket's thread, or in the channel when the page failed before the ticket was posted.
      const told = () => [...slack.messages.values()].filter((m) => m.channel === "C0SAFETY" && String(m.text).includes(`PagerDuty page for ${inc.id}`));
      await waitFor(() => told().length > 0, "the channel to hear the page failed");
      expect(told()).toHaveLength(1);
      expect(told()[0]!.text).toContain(`triage tickets replay ${jobId}`);
      expect(pd.incident(inc.id)).toBeUndefined();
      pd.revoke(PD_KEY, false);
      expect(await app.queue.replay(jobId)).toBe(true);
      await waitFor(() => pd.incident(inc.id) !== undefined, "the replayed page");
    } finally {
      pd.revoke(PD_KEY, false);
    }
  });

  it("a PagerDuty user not on the roster, or not allowed to act, is not mirrored (recorded, the channel told); a key that is not ours is ignored", async () => {
    const inc = await file();
    await waitFor(() => cardOf("C0SAFETY", inc.id) !== undefined && pd.incident(inc.id) !== undefined, "the card and the page");
    const res = await sendPdWebhook(hook, pdWebhookBody("incident.acknowledged", inc.id, { id: "PSTRANGER", summary: "Stranger" }), [PD_SECRET]);
    expect(await res.json()).toEqual({ outcome: "not mirrored: PagerDuty user not on the roster" });
    expect((await app.incidents.get(inc.id))!.status).toBe("open");
    const ts = cardOf("C0SAFETY", inc.id)!.ts;
    await waitFor(() => slack.thread("C0SAFETY", ts).some((m) => String(m.text).includes("Stranger")), "the note in the ticket's thread");
    expect((await app.incidents.get(inc.id))!.timeline.filter((e) => e.type === "not-mirrored")).toHaveLength(1);
    // A manager is on the roster but may not act on tickets: the same authorization as in chat.
    const manager = await sendPdWebhook(hook, pdWebhookBody("incident.resolved", inc.id, { id: "PMAYA01", summary: "Maya" }), [PD_SECRET]);
    expect(await manager.json()).toEqual({ outcome: "refused: NOT_ALLOWED" });
    const after = (await app.incidents.get(inc.id))!;
    expect(after.status).toBe("open");
    expect(after.timeline.filter((e) => e.type === "not-mirrored").map((e) => e.type === "not-mirrored" && e.reason)).toEqual([expect.stringContaining("Stranger"), expect.stringContaining("Maya")]);
    const foreign = await sendPdWebhook(hook, pdWebhookBody("incident.resolved", "d3640fbd41094207a1c11e58e46b1662", { id: "PADA001" }), [PD_SECRET]);
    expect(await foreign.json()).toEqual({ outcome: "ignored: not an incident of this bot" });
  });

  it("a revoked Jira token fails the Jira job permanently (listed as failed, named, the token never shown); the page still goes out", async () => {
    jira.token = "rotated-elsewhere";
    try {
      const inc = await file();
      const failedJob = async () => (await app.queue.failed()).find((f) => f.id === `${inc.id}.o-jira-r1-open`);
      await waitFor(async () => (await failedJob()) !== undefined, "the Jira job to fail");
      const f = (await failedJob())!;
      expect(f.error).toBe("permanent: Jira refused the credentials (401): check JIRA_EMAIL and JIRA_API_TOKEN");
      expect(f.attempts).toBe(1);
      await waitFor(() => pd.incident(inc.id) !== undefined, "the page, which does not depend on Jira");
      const lines = logs.filter((l) => l.includes(inc.id) && l.includes("Jira refused the credentials"));
      expect(lines.length).toBeGreaterThan(0);
      expect(logs.join("")).not.toContain(JIRA.token);
      expect(logs.join("")).not.toContain(Buffer.from(`${JIRA.email}:${JIRA.token}`).toString("base64"));
    } finally {
      jira.token = JIRA.token;
    }
  });
});

describe("a worker killed after PagerDuty took the trigger, before the answer was recorded", () => {
  let web: App;
  let worker: WorkerProc | undefined;
  afterAll(async () => {
    await worker?.stop();
    await web?.close();
  });

  it("the retried job sends the trigger again with the same dedup_key: PagerDuty keeps one incident, the timeline one record", async () => {
    clearFakes();
    const prefix = uniquePrefix();
    const e = outsideEnv(prefix);
    // The web side files and enqueues; it calls no outside service and needs none of their credentials.
    web = redisApp(redis.url, prefix, rosterFrom(outsideRosterDoc()));
    pd.http.holdAfterWork(1);
    worker = spawnWorker(e);
    await worker.ready();
    const inc = await fileIncident(web, "crash-mid-trigger", "safety");
    await waitFor(() => pd.http.heldCount === 1, "PagerDuty to take the trigger and hold its answer");
    expect(pd.incident(inc.id)?.triggers).toBe(1);
    await worker.kill9();
    pd.http.release(); // the answer goes nowhere: its worker is dead
    worker = spawnWorker(e);
    await waitFor(async () => (await web.incidents.get(inc.id))!.timeline.some((x) => x.type === "delivered" && x.to === "out:pagerduty:r1:open"), "the successor to record the trigger");
    expect(pd.eventsFor(inc.id, "trigger")).toHaveLength(2);
    expect(pd.incidents.filter((i) => i.dedupKey === inc.id)).toHaveLength(1);
    expect(pd.incident(inc.id)!.triggers).toBe(2);
    const i = (await web.incidents.get(inc.id))!;
    expect(i.timeline.filter((x) => x.type === "delivered" && x.to === "out:pagerduty:r1:open")).toHaveLength(1);
    expect(i.timeline.some((x) => x.type === "sending" && x.to === "out:pagerduty:r1:open")).toBe(false);
  }, 120_000);
});
