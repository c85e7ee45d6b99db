// Abuse limits: the policy (buckets, sliding windows, configuration) and the worker's side of it:
// limited reports page nobody and set no timer, pages over the domain's limit are skipped and recorded.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { limitPolicy, loadConfig } from "../../src/config.js";
import { draftIncident, markLimited } from "../../src/domain/incident.js";
import { DEFAULT_LIMITS, limitReason, pageBuckets, reportBuckets, slidingCount, workspaceOf } from "../../src/domain/limits.js";
import { silentLogger } from "../../src/log.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { MemoryRateLimiter } from "../../src/store/rate-limiter.js";
import { TicketActions } from "../../src/tickets/actions.js";
import type { JobQueue, TicketJob } from "../../src/tickets/jobs.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { TicketProcessor } from "../../src/tickets/processor.js";
import { testRoster } from "../support/roster.js";

describe("limit policy", () => {
  it("names buckets per reporter, workspace and domain; 0 switches one off", () => {
    expect(workspaceOf("slack:T1:U1")).toBe("slack:T1");
    expect(workspaceOf("teams:tenant-1:aad-x")).toBe("teams:tenant-1");
    expect(workspaceOf("console:ada")).toBe("console");
    expect(reportBuckets(DEFAULT_LIMITS, "slack:T1:U1").map((b) => [b.name, b.key, b.max])).toEqual([
      ["incidents-per-reporter", "reporter:slack:T1:U1", 10],
      ["incidents-per-workspace", "workspace:slack:T1", 100],
    ]);
    expect(reportBuckets({ ...DEFAULT_LIMITS, incidentsPerReporter: 0 }, "slack:T1:U1").map((b) => b.name)).toEqual(["incidents-per-workspace"]);
    expect(pageBuckets({ ...DEFAULT_LIMITS, pagesPerDomain: 0 }, "safety")).toEqual([]);
    expect(limitReason(pageBuckets(DEFAULT_LIMITS, "safety")[0]!)).toBe("more than 30 pages to this on-call per hour");
  });

  it("weights the previous window by its overlap with the last hour", () => {
    const hour = 3_600_000;
    expect(slidingCount(10, 2, 0, hour)).toBe(12);
    expect(slidingCount(10, 2, hour / 4, hour)).toBe(9.5);
  });

  it("is configured from the environment, and a bad value names its variable", () => {
    expect(limitPolicy(loadConfig({}))).toEqual(DEFAULT_LIMITS);
    expect(limitPolicy(loadConfig({ LIMIT_PAGES_PER_DOMAIN_PER_HOUR: "5", LIMIT_INCIDENTS_PER_REPORTER_PER_HOUR: "0" }))).toMatchObject({ pagesPerDomain: 5, incidentsPerReporter: 0 });
    expect(() => loadConfig({ LIMIT_INCIDENTS_PER_WORKSPACE_PER_HOUR: "lots" })).toThrow(/LIMIT_INCIDENTS_PER_WORKSPACE_PER_HOUR/);
    expect(() => loadConfig({ LIMIT_PAGES_PER_DOMAIN_PER_HOUR: "-1" })).toThrow(/LIMIT_PAGES_PER_DOMAIN_PER_HOUR/);
  });
});

class ListQueue implements JobQueue {
  jobs: Array<{ job: TicketJob; delayMs: number }> = [];
  async add(_d: "safety" | "security", job: TicketJob, delayMs = 0) {
    this.jobs.push({ job, delayMs });
  }
  async failed() {
    return [];
  }
  async replay() {
    return false;
  }
  async ping() {}
  async close() {}
}

async function setup(pagesPerDomain: number) {
  const clock = new ManualClock(Date.parse("2026-11-24T10:00:00Z"));
  const roster = testRoster();
  const incidents = new MemoryIncidentStore();
  const queue = new ListQueue();
  const sent = new RecordingNotifier(["console"]);
  const processor = new TicketProcessor({ incidents, roster, notifier: sent, queue, clock, log: silentLogger, limiter: new MemoryRateLimiter(), limits: { ...DEFAULT_LIMITS, pagesPerDomain } });
  const actions = new TicketActions({ incidents, queue, roster, clock });
  const file = async (n: number) =>
    (
      await incidents.create(
        draftIncident({
          conversationId: `c${n}`,
          reporter: { platform: "console", userId: "rita" },
          answers: { description: `jailbreak number ${n}` },
          classification: { primary: "security", provisional: false, crossDomain: [], severity: "SEV2", rationale: [], refs: [] },
          routing: { domain: "security", queue: "oncall-security", cc: [], ackMinutes: 15 },
          now: clock.now(),
        }),
      )
    ).incident;
  return { clock, incidents, queue, sent, processor, actions, file };
}

describe("paging limits in the worker", () => {
  it("a limited report is posted to the channel (as its reporter's group message) but pages nobody and sets no escalation timer", async () => {
    const { incidents, queue, sent, processor, file, clock } = await setup(30);
    const i = await file(1);
    await incidents.update(i.id, (cur) => markLimited(cur, "incidents-per-reporter", "too many", clock.now()));
    expect(await processor.run({ name: "deliver", incidentId: i.id, routeCount: 1 })).toBe("grouped");
    expect(sent.sent.map((m) => m.kind)).toEqual(["group"]);
    expect(queue.jobs.filter((j) => j.job.name === "escalate")).toEqual([]);
  });

  it("pages over the domain's limit are skipped and recorded once; the ticket still goes out; a person's escalation still pages", async () => {
    const { incidents, sent, processor, actions, file } = await setup(2);
    for (let n = 1; n <= 3; n++) {
      const i = await file(n);
      await processor.run({ name: "deliver", incidentId: i.id, routeCount: 1 });
      // A retried job neither pages nor counts again.
      await processor.run({ name: "deliver", incidentId: i.id, routeCount: 1 });
    }
    expect(sent.sent.filter((m) => m.kind === "ticket")).toHaveLength(3);
    expect(sent.sent.filter((m) => m.kind === "page").map((m) => m.incident.id)).toEqual(["INC-2026-0001", "INC-2026-0002"]);
    const third = (await incidents.get("INC-2026-0003"))!;
    expect(third.timeline.filter((e) => e.type === "page-skipped")).toEqual([
      expect.objectContaining({ to: "r1:page:console:@hedy", reason: "paging limit reached: more than 2 pages to this on-call per hour" }),
    ]);
    // Someone chose to escalate: that page is sent whatever the count.
    const out = await actions.act(third.id, { kind: "escalate" }, { platform: "console", userId: "radia" });
    if (!out.ok) throw new Error(out.message);
    expect(await processor.run({ name: "page", incidentId: third.id, gen: out.incident.escalationGen })).toBe("paged level 2");
    expect(sent.sent.filter((m) => m.kind === "page").at(-1)).toMatchObject({ person: { id: "radia" } });
  });
});
