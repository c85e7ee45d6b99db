// Edits after filing reach the outside services (issue 16, item 2), one job at a time against the local
// fakes: a new severity re-triggers PagerDuty on the same dedup_key (its severity follows), sets the
// Opsgenie priority and comments on Jira; a note becomes an Opsgenie note and a Jira comment (PagerDuty
// takes none); a reopen opens PagerDuty and Opsgenie again and moves Jira back. Each job has its own id,
// runs once, and what may have reached the service before a crash is not repeated.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { loadConfig, outsideSettings } from "../../src/config.js";
import type { Actor } from "../../src/domain/incident.js";
import { parseRoster, type Roster } from "../../src/domain/roster.js";
import { silentLogger } from "../../src/log.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { TicketActions } from "../../src/tickets/actions.js";
import { jobId, type TicketJob } from "../../src/tickets/jobs.js";
import type { OutsideJob } from "../../src/tickets/outside/job.js";
import { mirrorJobs } from "../../src/tickets/outside/mirror.js";
import { OutsideDelivery } from "../../src/tickets/outside/runner.js";
import { sendOpsgenie } from "../../src/tickets/outside/opsgenie.js";
import { FakeJira } from "../support/fake-jira.js";
import { FakeOpsgenie } from "../support/fake-opsgenie.js";
import { FakePagerDuty } from "../support/fake-pagerduty.js";
import { jailbreakDraft, recordingQueue } from "../support/fixtures.js";
import { testRoster } from "../support/roster.js";

const NOW = new Date("2026-11-24T10:00:00Z");
const alan: Actor = { platform: "console", userId: "alan", name: "Alan" };
let pd: FakePagerDuty;
let og: FakeOpsgenie;
let jira: FakeJira;

beforeAll(async () => {
  pd = await FakePagerDuty.start(["R0SEC"]);
  og = await FakeOpsgenie.start("og-key");
  jira = await FakeJira.start("bot@acme.test", "jira-token", { SEC: ["Bug"] });
});
afterAll(async () => {
  await Promise.all([pd?.stop(), og?.stop(), jira?.stop()]);
});
beforeEach(() => {
  for (const f of [pd.http, og.http, jira.http]) f.clear();
  pd.incidents.length = 0;
  og.alerts.length = 0;
  jira.issues.length = 0;
});

function roster(jiraExtra: Record<string, string> = {}): Roster {
  const doc = JSON.parse(JSON.stringify(testRoster())) as any;
  Object.assign(doc.domains.security, { pagerduty: {}, opsgenie: {}, jira: { project: "SEC", issueType: "Bug", ...jiraExtra } });
  return parseRoster(doc, "r");
}

/** An incident (security, SEV2) opened in all three services, and the actions and runner around it. */
async function opened(r: Roster = roster()) {
  const env = {
    PAGERDUTY_ROUTING_KEY_SECURITY: "R0SEC",
    PAGERDUTY_EVENTS_URL: pd.url,
    OPSGENIE_API_KEY: "og-key",
    OPSGENIE_API_URL: og.url,
    JIRA_BASE_URL: jira.url,
    JIRA_EMAIL: "bot@acme.test",
    JIRA_API_TOKEN: "jira-token",
  };
  const incidents = new MemoryIncidentStore();
  const jobs: TicketJob[] = [];
  const clock = new ManualClock(NOW.getTime());
  const queue = recordingQueue(jobs);
  const outside = new OutsideDelivery({ incidents, roster: r, settings: outsideSettings(loadConfig(env), r), queue, clock, log: silentLogger });
  const actions = new TicketActions({ incidents, queue, roster: r, clock });
  const { incident } = await incidents.create(jailbreakDraft(NOW));
  for (const service of ["pagerduty", "opsgenie", "jira"] as const) await outside.run({ name: "outside", incidentId: incident.id, service, action: "open", route: 1, rev: 0 });
  jobs.length = 0;
  /** Runs the outside jobs queued since the last call, in order; returns what each said. */
  const drain = async () => {
    const mine = jobs.splice(0).filter((j): j is OutsideJob => j.name === "outside");
    const said: string[] = [];
    for (const j of mine) said.push(`${j.service} ${j.action}: ${await outside.run(j)}`);
    return said;
  };
  return { r, id: incident.id, incidents, actions, outside, jobs, drain };
}

describe("a new severity", () => {
  it("re-triggers PagerDuty on the same dedup_key (one incident, the new severity), sets the Opsgenie priority, comments on Jira", async () => {
    const t = await opened();
    const r = await t.actions.edit(t.id, { kind: "severity", severity: "SEV1", reason: "customer data reached the attacker" }, alan);
    expect(r).toMatchObject({ ok: true, changed: true });
    const queued = t.jobs.filter((j): j is OutsideJob => j.name === "outside");
    expect(queued.map((j) => `${j.service}:${j.action}`)).toEqual(["pagerduty:update", "opsgenie:update", "jira:note"]);
    // Idempotent ids: the record version is part of each.
    expect(queued.map(jobId)).toEqual([`${t.id}.o-pagerduty-r1-update-${r.ok ? r.incident.rev : 0}`, `${t.id}.o-opsgenie-r1-update-${r.ok ? r.incident.rev : 0}`, `${t.id}.o-jira-r1-note-${r.ok ? r.incident.rev : 0}`]);
    expect(await t.drain()).toEqual(["pagerduty update: update sent to PagerDuty", "opsgenie update: update sent to Opsgenie", "jira note: note sent to Jira"]);
    expect(pd.incidents).toHaveLength(1);
    expect(pd.incident(t.id)).toMatchObject({ status: "triggered", triggers: 2, payload: { severity: "critical", summary: expect.stringContaining("SEV1") } });
    expect(og.alert(t.id)).toMatchObject({ priority: "P1", count: 1 });
    const comments = jira.issues[0]!.comments;
    expect(comments).toHaveLength(1);
    expect(JSON.stringify(comments[0]!.body)).toContain("SEV2 → SEV1");
    expect(JSON.stringify(comments[0]!.body)).toContain("customer data reached the attacker");
  });

  it("a job run again after it was recorded calls nothing; a Jira comment whose answer was lost is found on the retry, not added twice", async () => {
    const t = await opened();
    await t.actions.edit(t.id, { kind: "severity", severity: "SEV1", reason: "worse than we thought" }, alan);
    const [pdJob, , jiraJob] = t.jobs.filter((j): j is OutsideJob => j.name === "outside");
    expect(await t.outside.run(pdJob!)).toBe("update sent to PagerDuty");
    expect(await t.outside.run(pdJob!)).toBe("already sent");
    expect(pd.eventsFor(t.id, "trigger")).toHaveLength(2);
    jira.http.dropAfterWork(1);
    await expect(t.outside.run(jiraJob!)).rejects.toMatchObject({ permanent: false });
    expect(jira.issues[0]!.comments).toHaveLength(1);
    expect(await t.outside.run(jiraJob!)).toBe("note sent to Jira");
    expect(jira.issues[0]!.comments).toHaveLength(1);
    // Found by its delivery property, read through the comment list (the issue's comments carry none).
    expect(jira.http.requests.filter((r) => r.path === "/rest/api/3/comment/list").map((r) => r.query.get("expand"))).toEqual(["properties"]);
  });

  it("is not sent to PagerDuty once the incident was resolved meanwhile (a trigger would page again)", async () => {
    const t = await opened();
    await t.actions.edit(t.id, { kind: "severity", severity: "SEV1", reason: "worse than we thought" }, alan);
    const pdJob = t.jobs.find((j): j is OutsideJob => j.name === "outside" && j.service === "pagerduty")!;
    await t.actions.act(t.id, { kind: "resolve", note: "blocked the account" }, alan);
    expect(await t.outside.run(pdJob)).toBe("not sent: resolved before it was sent");
    expect(pd.eventsFor(t.id, "trigger")).toHaveLength(1);
  });
});

describe("a note, an intent or kinds edit", () => {
  it("becomes an Opsgenie note and a Jira comment; PagerDuty's Events API takes no notes", async () => {
    const t = await opened();
    await t.actions.edit(t.id, { kind: "note", text: "the attacker used a shared API key" }, alan);
    await t.actions.edit(t.id, { kind: "kinds", kinds: ["jailbreak", "data-exfiltration"], reason: "it also pulled records" }, alan);
    expect(await t.drain()).toEqual(["opsgenie note: note sent to Opsgenie", "jira note: note sent to Jira", "opsgenie note: note sent to Opsgenie", "jira note: note sent to Jira"]);
    expect(og.alert(t.id)!.notes).toEqual([expect.stringContaining("the attacker used a shared API key"), expect.stringContaining("data-exfiltration")]);
    expect(jira.issues[0]!.comments).toHaveLength(2);
    expect(pd.events).toHaveLength(1);
    expect(mirrorJobs(t.r, (await t.incidents.get(t.id))!, "note", undefined, "x").map((j) => j.service)).toEqual(["opsgenie", "jira"]);
  });
});

describe("a reopen", () => {
  it("opens PagerDuty and Opsgenie again (new incident and alert) and moves the Jira issue back to To Do", async () => {
    const t = await opened();
    await t.actions.act(t.id, { kind: "resolve", note: "blocked the account" }, alan);
    expect(await t.drain()).toEqual(["pagerduty resolve: resolve sent to PagerDuty", "opsgenie resolve: resolve sent to Opsgenie", "jira resolve: resolve sent to Jira"]);
    expect(jira.issues[0]!.status).toBe("Done");
    await t.actions.edit(t.id, { kind: "reopen", reason: "the same prompt works again" }, alan);
    expect(await t.drain()).toEqual(["pagerduty reopen: reopen sent to PagerDuty", "opsgenie reopen: reopen sent to Opsgenie", "jira reopen: reopen sent to Jira"]);
    expect(pd.incidents.map((i) => i.status)).toEqual(["resolved", "triggered"]);
    expect(og.alerts.map((a) => a.status)).toEqual(["closed", "open"]);
    expect(jira.issues[0]!.status).toBe("To Do");
  });

  it("a reopenStatus no transition reaches fails permanently and names the setting", async () => {
    const t = await opened(roster({ reopenStatus: "Backlog" }));
    await t.actions.act(t.id, { kind: "resolve", note: "blocked the account" }, alan);
    await t.drain();
    await t.actions.edit(t.id, { kind: "reopen", reason: "the same prompt works again" }, alan);
    const reopen = t.jobs.find((j): j is OutsideJob => j.name === "outside" && j.service === "jira")!;
    await expect(t.outside.run(reopen)).rejects.toMatchObject({ permanent: true, message: expect.stringContaining('no transition from "Done" to "Backlog"') });
    await expect(t.outside.run(reopen)).rejects.toMatchObject({ message: expect.stringContaining("set jira.reopenStatus in the roster") });
    expect(jira.issues[0]!.status).toBe("Done");
  });

  it("acknowledged before its page went out: not sent", async () => {
    const t = await opened();
    await t.actions.act(t.id, { kind: "resolve", note: "blocked the account" }, alan);
    await t.drain();
    await t.actions.edit(t.id, { kind: "reopen", reason: "the same prompt works again" }, alan);
    const reopen = t.jobs.find((j): j is OutsideJob => j.name === "outside" && j.service === "pagerduty")!;
    await t.actions.act(t.id, { kind: "acknowledge" }, alan);
    expect(await t.outside.run(reopen)).toBe("not sent: acknowledged before it was sent");
    expect(pd.incidents).toHaveLength(1);
  });
});

describe("the fakes refuse what the services refuse", () => {
  it("Opsgenie: a priority outside P1..P5, an empty note, an identifier not marked as an alias", async () => {
    const call = (method: "POST" | "PUT", path: string, body: Record<string, unknown>) => sendOpsgenie(og.url, "og-key", { method, path, body }, 5000).then(() => undefined, (e: Error & { permanent?: boolean }) => e);
    expect(await call("PUT", "/v2/alerts/INC-2026-0001/priority?identifierType=alias", { priority: "P9" })).toMatchObject({ permanent: true, message: expect.stringContaining("Priority should be one of") });
    expect(await call("POST", "/v2/alerts/INC-2026-0001/notes?identifierType=alias", { note: " " })).toMatchObject({ permanent: true, message: expect.stringContaining("Note can not be empty") });
    expect(await call("POST", "/v2/alerts/INC-2026-0001/notes", { note: "n" })).toMatchObject({ permanent: true, message: expect.stringContaining("identifierType") });
    expect(await call("PUT", "/v2/alerts/INC-2026-0001/priority?identifierType=alias", { priority: "P2" })).toBeUndefined();
  });

  it("Jira: a comment body that is not Atlassian Document Format", async () => {
    const t = await opened();
    const auth = `Basic ${Buffer.from("bot@acme.test:jira-token").toString("base64")}`;
    const res = await fetch(`${jira.url}/rest/api/3/issue/${jira.issues[0]!.key}/comment`, { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify({ body: "plain text" }) });
    expect(res.status).toBe(400);
    expect(jira.issues[0]!.comments).toHaveLength(0);
    expect(jira.issues[0]!.labels).toContain(t.id);
  });
});
