// Paging and ticketing beyond chat, piece by piece: the mappings to PagerDuty, Opsgenie and Jira, the
// webhook signature, which calls a change makes (and never back to where it came from), the settings
// that refuse a roster asking for a service without its credential, and how answers become retries.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { ConfigError, loadConfig, outsideSettings } from "../../src/config.js";
import { jiraIssue, OPSGENIE_PRIORITY, PAGERDUTY_SEVERITY } from "../../src/domain/outside.js";
import { parseRoster, type Roster } from "../../src/domain/roster.js";
import type { Incident } from "../../src/domain/incident.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { TicketActions } from "../../src/tickets/actions.js";
import type { TicketJob } from "../../src/tickets/jobs.js";
import { jobId } from "../../src/tickets/jobs.js";
import { DeliveryError } from "../../src/tickets/notifier.js";
import { call } from "../../src/tickets/outside/http.js";
import { jiraIssueFields } from "../../src/tickets/outside/jira.js";
import { mirrorJobs, openJobs } from "../../src/tickets/outside/mirror.js";
import { opsgenieCall } from "../../src/tickets/outside/opsgenie.js";
import { pagerDutyEvent } from "../../src/tickets/outside/pagerduty.js";
import { validSignature } from "../../src/tickets/outside/pagerduty-webhook.js";
import { FakeHttp } from "../support/fake-http.js";
import { jailbreakDraft, recordingQueue } from "../support/fixtures.js";
import { testRoster } from "../support/roster.js";

const NOW = new Date("2026-11-24T10:00:00Z");

/** The test roster with PagerDuty + Opsgenie for security and Jira for both. */
function outsideRoster(): Roster {
  const doc = JSON.parse(JSON.stringify(testRoster())) as any;
  doc.people[2].pagerduty = "PALAN01";
  doc.domains.security.pagerduty = { source: "llm-gateway" };
  doc.domains.security.opsgenie = { team: "ai-security" };
  doc.domains.security.jira = { project: "SEC", issueType: "Bug", doneStatus: "Closed" };
  doc.domains.safety.jira = { project: "AIS" };
  return parseRoster(doc, "outside-roster");
}

async function incident(roster = outsideRoster()): Promise<{ i: Incident; store: MemoryIncidentStore; jobs: TicketJob[]; actions: TicketActions }> {
  const store = new MemoryIncidentStore();
  const jobs: TicketJob[] = [];
  const actions = new TicketActions({ incidents: store, queue: recordingQueue(jobs), roster, clock: new ManualClock(NOW.getTime()) });
  const { incident: i } = await store.create(jailbreakDraft(NOW));
  return { i, store, jobs, actions };
}

describe("mappings", () => {
  it("severity maps to PagerDuty's severity and Opsgenie's priority", () => {
    expect(PAGERDUTY_SEVERITY).toEqual({ SEV1: "critical", SEV2: "error", SEV3: "warning", SEV4: "info" });
    expect(OPSGENIE_PRIORITY).toEqual({ SEV1: "P1", SEV2: "P2", SEV3: "P3", SEV4: "P4" });
  });

  it("a PagerDuty trigger carries dedup_key = incident id, a summary within 1024 characters, the classification and the links", async () => {
    const { i } = await incident();
    const long = { ...i, title: "x".repeat(2000) };
    const e = pagerDutyEvent(long, "open", { source: "llm-gateway" }, "R0KEY", [{ href: "https://acme.slack.com/archives/C0/p1", text: "Ticket" }]);
    expect(e).toMatchObject({ routing_key: "R0KEY", event_action: "trigger", dedup_key: i.id, client_url: "https://acme.slack.com/archives/C0/p1" });
    expect(e.payload!.summary.length).toBe(1024);
    expect(e.payload).toMatchObject({ source: "llm-gateway", severity: PAGERDUTY_SEVERITY[i.classification.severity] });
    expect(e.payload!.custom_details).toMatchObject({ incident: i.id, primary: i.classification.primary, rationale: i.classification.rationale });
    // Acknowledge and resolve name the incident and nothing more.
    expect(pagerDutyEvent(i, "acknowledge", { source: "x" }, "R0KEY", [])).toEqual({ routing_key: "R0KEY", event_action: "acknowledge", dedup_key: i.id });
    expect(pagerDutyEvent(i, "resolve", { source: "x" }, "R0KEY", []).event_action).toBe("resolve");
  });

  it("an Opsgenie alert is created by alias with a message within 130 characters; acknowledge and close go by alias", async () => {
    const { i } = await incident();
    const c = opsgenieCall({ ...i, title: "y".repeat(500) }, "open", { team: "ai-security" }, "");
    expect(c.path).toBe("/v2/alerts");
    expect(c.body).toMatchObject({ alias: i.id, priority: OPSGENIE_PRIORITY[i.classification.severity], responders: [{ name: "ai-security", type: "team" }] });
    expect((c.body.message as string).length).toBe(130);
    expect(opsgenieCall(i, "acknowledge", {}, "n").path).toBe(`/v2/alerts/${i.id}/acknowledge?identifierType=alias`);
    expect(opsgenieCall(i, "resolve", {}, "n").path).toBe(`/v2/alerts/${i.id}/close?identifierType=alias`);
  });

  it("a Jira issue has an ADF description, the project and type from the roster, and the incident id as a label", async () => {
    const { i } = await incident();
    const f = jiraIssueFields(i, { project: "SEC", issueType: "Bug", doneStatus: "Done" }, "https://ticket");
    expect(f).toMatchObject({ project: { key: "SEC" }, issuetype: { name: "Bug" }, labels: ["ai-incident", i.id], description: { type: "doc", version: 1 } });
    expect(JSON.stringify(f.description)).toContain("https://ticket");
    expect(f.summary.length).toBeLessThanOrEqual(255);
  });

  it("the linked Jira issue is read from the timeline", () => {
    expect(jiraIssue([{ type: "delivered", to: "out:jira:r1:open", ref: "SEC-4", link: "https://j/browse/SEC-4" }])).toEqual({ key: "SEC-4", link: "https://j/browse/SEC-4" });
    expect(jiraIssue([{ type: "cancelled", to: "out:jira:r2:open" }])).toBeUndefined();
  });
});

describe("the PagerDuty webhook signature", () => {
  const body = Buffer.from('{"event":{}}');
  const sign = (secret: string) => `v1=${createHmac("sha256", secret).update(body).digest("hex")}`;
  it("accepts the right signature, also among several (secret rotation)", () => {
    expect(validSignature(sign("s3cret"), body, "s3cret")).toBe(true);
    expect(validSignature(`${sign("old")},${sign("s3cret")}`, body, "s3cret")).toBe(true);
  });
  it("refuses a missing, wrong, malformed or other-body signature", () => {
    expect(validSignature(undefined, body, "s3cret")).toBe(false);
    expect(validSignature(sign("other"), body, "s3cret")).toBe(false);
    expect(validSignature("v1=zz", body, "s3cret")).toBe(false);
    expect(validSignature(sign("s3cret"), Buffer.from('{"event":{"x":1}}'), "s3cret")).toBe(false);
  });
});

describe("which calls a change makes", () => {
  it("routing opens each service of the routed domain; the job ids make a second enqueue a no-op", async () => {
    const { i } = await incident();
    const opens = openJobs(outsideRoster(), i);
    expect(opens.map((j) => j.service)).toEqual(["pagerduty", "opsgenie", "jira"]);
    expect(new Set(opens.map((j) => jobId(j))).size).toBe(3);
    expect(jobId(opens[0]!)).toBe(`${i.id}.o-pagerduty-r1-open`);
  });

  it("an acknowledgement in chat is mirrored to PagerDuty and Opsgenie (not Jira); one from PagerDuty is not sent back to it", async () => {
    const t = await incident();
    await t.actions.act(t.i.id, { kind: "acknowledge" }, { platform: "console", userId: "alan" });
    expect(t.jobs.filter((j) => j.name === "outside").map((j) => j.name === "outside" && `${j.service}:${j.action}`)).toEqual(["pagerduty:acknowledge", "opsgenie:acknowledge"]);
    const stored = (await t.store.get(t.i.id))!;
    expect(mirrorJobs(outsideRoster(), stored, "acknowledge", "pagerduty").map((j) => j.service)).toEqual(["opsgenie"]);
    expect(mirrorJobs(outsideRoster(), stored, "resolve", "pagerduty").map((j) => j.service)).toEqual(["opsgenie", "jira"]);
  });

  it("a reroute resolves the old domain's page and alert; a refused action sends nothing", async () => {
    const t = await incident();
    const refused = await t.actions.act(t.i.id, { kind: "acknowledge" }, { platform: "console", userId: "maya" });
    expect(refused.ok).toBe(false);
    expect(t.jobs.filter((j) => j.name === "outside")).toHaveLength(0);
    await t.actions.act(t.i.id, { kind: "reroute", reason: "an honest model mistake after all" }, { platform: "console", userId: "alan" });
    const out = t.jobs.filter((j) => j.name === "outside");
    expect(out.map((j) => j.name === "outside" && `${j.service}:${j.action}:r${j.route}`)).toEqual(["pagerduty:resolve:r1", "opsgenie:resolve:r1"]);
  });
});

describe("settings", () => {
  it("a roster turning a service on without its credential is refused, naming the variable", () => {
    const roster = outsideRoster();
    expect(() => outsideSettings(loadConfig({}), roster)).toThrow(ConfigError);
    try {
      outsideSettings(loadConfig({}), roster);
    } catch (e) {
      expect((e as Error).message).toContain("PAGERDUTY_ROUTING_KEY_SECURITY");
      expect((e as Error).message).toContain("OPSGENIE_API_KEY");
      expect((e as Error).message).toContain("JIRA_API_TOKEN");
    }
    const s = outsideSettings(loadConfig({ PAGERDUTY_ROUTING_KEY_SECURITY: "k", OPSGENIE_API_KEY: "g", JIRA_BASE_URL: "https://acme.atlassian.net", JIRA_EMAIL: "bot@acme.test", JIRA_API_TOKEN: "t" }), roster);
    expect(s.pagerduty.routingKeys).toEqual({ security: "k" });
    expect(s.jira?.baseUrl).toBe("https://acme.atlassian.net");
  });

  it("the roster refuses a Jira project key that is not one", () => {
    const doc = JSON.parse(JSON.stringify(testRoster())) as any;
    doc.domains.safety.jira = { project: "not a key" };
    expect(() => parseRoster(doc, "r")).toThrow(/domains\.safety\.jira\.project/);
  });
});

describe("answers from a service", () => {
  let fake: FakeHttp;
  const answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }> = [];
  beforeAll(async () => {
    fake = await FakeHttp.start(() => answers.shift() ?? { status: 202, body: {} });
  });
  afterAll(() => fake.stop());
  const opts = { service: "Jira", credential: "JIRA_EMAIL and JIRA_API_TOKEN", timeoutMs: 5000 };
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: DeliveryError) => e);

  it("401 and 403 are permanent and name the variable, never the secret", async () => {
    answers.push({ status: 401, body: { errorMessages: ["Client must be authenticated"] } });
    const e = await failure(call(fake.url, { method: "POST", headers: { authorization: "Basic c2VjcmV0LXRva2Vu" }, body: "{}" }, opts));
    expect(e).toMatchObject({ permanent: true, message: "Jira refused the credentials (401): check JIRA_EMAIL and JIRA_API_TOKEN" });
    expect(e!.message).not.toContain("c2VjcmV0");
  });
  it("429 waits out Retry-After (or a default) without being permanent; 5xx retries; 400 is permanent with the service's words", async () => {
    answers.push({ status: 429, headers: { "retry-after": "3" } }, { status: 429 }, { status: 503 }, { status: 400, body: { errorMessages: [], errors: { project: "valid project is required" } } });
    expect(await failure(call(fake.url, { method: "POST" }, opts))).toMatchObject({ retryAfterMs: 3000, permanent: false });
    expect((await failure(call(fake.url, { method: "POST" }, opts)))!.retryAfterMs).toBeGreaterThan(0);
    expect(await failure(call(fake.url, { method: "POST" }, opts))).toMatchObject({ permanent: false, retryAfterMs: undefined });
    expect(await failure(call(fake.url, { method: "POST" }, opts))).toMatchObject({ permanent: true, message: "Jira answered 400: project: valid project is required" });
  });
});
