// One outside job at a time against the local fakes (no queue): a Jira create whose answer was lost is
// found by its label, not made twice; refusals are permanent and say what to fix; a page acknowledged
// before it went out is not sent, and one that may have gone out is recorded so its acknowledgement follows.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { loadConfig, outsideSettings } from "../../src/config.js";
import { parseRoster, type Roster } from "../../src/domain/roster.js";
import { silentLogger } from "../../src/log.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { TicketActions } from "../../src/tickets/actions.js";
import type { TicketJob } from "../../src/tickets/jobs.js";
import type { OutsideJob } from "../../src/tickets/outside/job.js";
import { OutsideDelivery } from "../../src/tickets/outside/runner.js";
import { sendOpsgenie } from "../../src/tickets/outside/opsgenie.js";
import { sendPagerDuty, type PagerDutyEvent } from "../../src/tickets/outside/pagerduty.js";
import { FakeJira } from "../support/fake-jira.js";
import { FakeOpsgenie } from "../support/fake-opsgenie.js";
import { FakePagerDuty } from "../support/fake-pagerduty.js";
import { jailbreakDraft, recordingQueue } from "../support/fixtures.js";
import { testRoster } from "../support/roster.js";

const NOW = new Date("2026-11-24T10:00:00Z");
let pd: FakePagerDuty;
let og: FakeOpsgenie;
let jira: FakeJira;

beforeAll(async () => {
  pd = await FakePagerDuty.start(["R0SEC"]);
  og = await FakeOpsgenie.start("og-key");
  jira = await FakeJira.start("bot@acme.test", "jira-token", { SEC: ["Bug"] });
});
afterAll(async () => {
  await Promise.all([pd.stop(), og.stop(), jira.stop()]);
});
beforeEach(() => {
  for (const f of [pd.http, og.http, jira.http]) f.clear();
  pd.incidents.length = 0;
  og.alerts.length = 0;
  jira.issues.length = 0;
});

function roster(jiraTarget: Record<string, string> = { project: "SEC", issueType: "Bug" }): Roster {
  const doc = JSON.parse(JSON.stringify(testRoster())) as any;
  Object.assign(doc.domains.security, { pagerduty: {}, opsgenie: {}, jira: jiraTarget });
  return parseRoster(doc, "r");
}

async function setup(opts: { roster?: Roster; timeoutMs?: number; ogKey?: string } = {}) {
  const r = opts.roster ?? roster();
  const env = {
    PAGERDUTY_ROUTING_KEY_SECURITY: "R0SEC",
    PAGERDUTY_EVENTS_URL: pd.url,
    OPSGENIE_API_KEY: opts.ogKey ?? "og-key",
    OPSGENIE_API_URL: og.url,
    JIRA_BASE_URL: jira.url,
    JIRA_EMAIL: "bot@acme.test",
    JIRA_API_TOKEN: "jira-token",
    OUTSIDE_TIMEOUT_MS: String(opts.timeoutMs ?? 10_000),
  };
  const incidents = new MemoryIncidentStore();
  const jobs: TicketJob[] = [];
  const clock = new ManualClock(NOW.getTime());
  const queue = recordingQueue(jobs);
  const outside = new OutsideDelivery({ incidents, roster: r, settings: outsideSettings(loadConfig(env), r), queue, clock, log: silentLogger });
  const actions = new TicketActions({ incidents, queue, roster: r, clock });
  const { incident } = await incidents.create(jailbreakDraft(NOW));
  const job = (service: OutsideJob["service"], action: OutsideJob["action"], rev = 0): OutsideJob => ({ name: "outside", incidentId: incident.id, service, action, route: 1, rev });
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: Error & { permanent?: boolean }) => e);
  return { incidents, outside, actions, jobs, id: incident.id, job, failure };
}

describe("outside jobs", () => {
  it("a Jira create whose answer never came back is found by its label on the retry, not created twice", async () => {
    const t = await setup();
    jira.http.dropAfterWork(1);
    const lost = await t.failure(t.outside.run(t.job("jira", "open")));
    expect(lost).toMatchObject({ permanent: false, message: expect.stringContaining("Jira unreachable") });
    expect(jira.issues).toHaveLength(1);
    expect(await t.outside.run(t.job("jira", "open"))).toBe("open sent to Jira");
    expect(jira.issues).toHaveLength(1);
    expect(jira.http.requests.some((r) => r.path === "/rest/api/3/search/jql")).toBe(true);
    const i = (await t.incidents.get(t.id))!;
    expect(i.timeline.find((e) => e.type === "delivered" && e.to === "out:jira:r1:open")).toMatchObject({ ref: "SEC-1", link: `${jira.url}/browse/SEC-1` });
    // The card shows the link through an update job.
    expect(t.jobs).toEqual([expect.objectContaining({ name: "update", text: `Jira issue SEC-1: ${jira.url}/browse/SEC-1` })]);
    expect(await t.outside.run(t.job("jira", "open"))).toBe("already sent");
  });

  it("an unknown Jira project or issue type is permanent, with Jira's own words", async () => {
    const t = await setup({ roster: roster({ project: "NOPE", issueType: "Bug" }) });
    expect(await t.failure(t.outside.run(t.job("jira", "open")))).toMatchObject({ permanent: true, message: "Jira answered 400: project: valid project is required" });
    const u = await setup({ roster: roster({ project: "SEC", issueType: "Epic" }) });
    expect(await u.failure(u.outside.run(u.job("jira", "open")))).toMatchObject({ permanent: true, message: "Jira answered 400: issuetype: Specify a valid issue type" });
  });

  it("resolve moves the Jira issue by the transition to the configured status; a status no transition reaches is permanent and says so", async () => {
    const t = await setup();
    await t.outside.run(t.job("jira", "open"));
    await t.actions.act(t.id, { kind: "resolve", note: "patched the system prompt" }, { platform: "console", userId: "alan" });
    const resolve = t.jobs.find((j): j is OutsideJob => j.name === "outside" && j.service === "jira" && j.action === "resolve")!;
    expect(await t.outside.run(resolve)).toBe("resolve sent to Jira");
    expect(jira.issues[0]!.status).toBe("Done");
    const u = await setup({ roster: roster({ project: "SEC", issueType: "Bug", doneStatus: "Closed" }) });
    jira.issues.length = 0;
    await u.outside.run(u.job("jira", "open"));
    expect(await u.failure(u.outside.run(u.job("jira", "resolve", 9)))).toMatchObject({ permanent: true, message: expect.stringContaining('no transition from "To Do" to "Closed"') });
  });

  it("a wrong Opsgenie key is permanent and names OPSGENIE_API_KEY, never the key", async () => {
    const t = await setup({ ogKey: "revoked-key-xyz" });
    const e = await t.failure(t.outside.run(t.job("opsgenie", "open")));
    expect(e).toMatchObject({ permanent: true, message: "Opsgenie refused the credentials (401): check OPSGENIE_API_KEY" });
    expect(e!.message).not.toContain("revoked-key-xyz");
    expect(og.alerts).toHaveLength(0);
  });

  it("an unknown PagerDuty routing key is permanent and names the variable", async () => {
    const t = await setup();
    const r = roster();
    const other = new OutsideDelivery({ incidents: t.incidents, roster: r, settings: outsideSettings(loadConfig({ PAGERDUTY_ROUTING_KEY_SECURITY: "R0WRONG", PAGERDUTY_EVENTS_URL: pd.url, OPSGENIE_API_KEY: "k", JIRA_BASE_URL: jira.url, JIRA_EMAIL: "a@b.test", JIRA_API_TOKEN: "t" }), r), queue: recordingQueue(), clock: new ManualClock(NOW.getTime()), log: silentLogger });
    expect(await t.failure(other.run(t.job("pagerduty", "open")))).toMatchObject({ permanent: true, message: expect.stringContaining("check PAGERDUTY_ROUTING_KEY_SECURITY") });
  });

  it("a trigger acknowledged before it went out is not sent, and its acknowledgement has nothing to do", async () => {
    const t = await setup();
    await t.actions.act(t.id, { kind: "acknowledge" }, { platform: "console", userId: "alan" });
    const ack = t.jobs.find((j): j is OutsideJob => j.name === "outside" && j.service === "pagerduty" && j.action === "acknowledge")!;
    expect(await t.outside.run(t.job("pagerduty", "open"))).toBe("not sent: acknowledged before it was sent");
    expect(await t.outside.run(ack)).toBe("nothing to acknowledge: never opened in PagerDuty");
    expect(pd.events).toHaveLength(0);
  });

  it("a trigger that may have reached PagerDuty before its worker died is recorded, not cancelled, when acknowledged meanwhile: the ack follows", async () => {
    const t = await setup();
    pd.http.dropAfterWork(1);
    expect(await t.failure(t.outside.run(t.job("pagerduty", "open")))).toMatchObject({ permanent: false });
    expect(pd.incident(t.id)?.status).toBe("triggered");
    await t.actions.act(t.id, { kind: "acknowledge" }, { platform: "console", userId: "alan" });
    const ack = t.jobs.find((j): j is OutsideJob => j.name === "outside" && j.service === "pagerduty" && j.action === "acknowledge")!;
    expect(await t.failure(t.outside.run(ack))).toMatchObject({ message: expect.stringContaining("waiting for the open") });
    expect(await t.outside.run(t.job("pagerduty", "open"))).toBe("open sent to PagerDuty");
    expect(await t.outside.run(ack)).toBe("acknowledge sent to PagerDuty");
    expect(pd.incident(t.id)).toMatchObject({ status: "acknowledged", triggers: 2 });
  });

  it("the fakes refuse what the services refuse, and each refusal is permanent with the service's words", async () => {
    const t = await setup();
    const trigger = (e: Partial<PagerDutyEvent> & Record<string, unknown>) =>
      t.failure(sendPagerDuty(pd.url, { routing_key: "R0SEC", event_action: "trigger", dedup_key: t.id, payload: { summary: "s", source: "x", severity: "info" }, ...e } as PagerDutyEvent, 5000, "PAGERDUTY_ROUTING_KEY_SECURITY"));
    expect(await trigger({ routing_key: "" })).toMatchObject({ permanent: true, message: expect.stringContaining("'routing_key' is missing") });
    expect(await trigger({ event_action: "page" as never })).toMatchObject({ permanent: true, message: expect.stringContaining("'event_action' is invalid") });
    expect(await trigger({ payload: { summary: "s".repeat(1025), source: "x", severity: "info" } })).toMatchObject({ permanent: true, message: expect.stringContaining("1024 characters") });
    expect(await trigger({})).toBeUndefined();
    const alert = (key: string, body: Record<string, unknown>) => t.failure(sendOpsgenie(og.url, key, { method: "POST", path: "/v2/alerts", body }, 5000));
    expect(await alert("", { message: "m", alias: t.id })).toMatchObject({ permanent: true, message: "Opsgenie refused the credentials (401): check OPSGENIE_API_KEY" });
    expect(await alert("og-key", { message: " ", alias: t.id })).toMatchObject({ permanent: true, message: expect.stringContaining("Opsgenie answered 422") });
    expect(pd.incidents).toHaveLength(1);
  });
});
