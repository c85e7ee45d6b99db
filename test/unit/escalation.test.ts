// Escalation with an injected clock: the processor schedules a timer per escalation generation; a
// timer fires the escalation only if nobody acknowledged (or escalated, rerouted) since.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { silentLogger } from "../../src/log.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { TicketActions } from "../../src/tickets/actions.js";
import type { FailedJob, JobQueue, TicketJob } from "../../src/tickets/jobs.js";
import { jailbreakDraft } from "../support/fixtures.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { TicketProcessor } from "../../src/tickets/processor.js";
import { testRoster } from "../support/roster.js";

/** Records jobs instead of running them; the test runs them when the clock says they are due. */
class ManualQueue implements JobQueue {
  jobs: Array<{ job: TicketJob; due: number }> = [];
  constructor(private clock: ManualClock) {}
  async add(_d: "safety" | "security", job: TicketJob, delayMs = 0) {
    this.jobs.push({ job, due: this.clock.now().getTime() + delayMs });
  }
  async failed(): Promise<FailedJob[]> {
    return [];
  }
  async replay() {
    return false;
  }
  async ping() {}
  async close() {}
  /** Runs every job due by now, including those the jobs add. */
  async runDue(p: TicketProcessor): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const i = this.jobs.findIndex((j) => j.due <= this.clock.now().getTime());
      if (i < 0) return out;
      const job = this.jobs.splice(i, 1)[0]!.job;
      out.push(`${job.name}:${await p.run(job)}`);
    }
  }
}

async function setup() {
  const clock = new ManualClock(Date.parse("2026-11-24T10:00:00Z"));
  const roster = testRoster();
  const incidents = new MemoryIncidentStore();
  const queue = new ManualQueue(clock);
  const sent = new RecordingNotifier(["console"]);
  const processor = new TicketProcessor({ incidents, roster, notifier: sent, queue, clock, log: silentLogger });
  const actions = new TicketActions({ incidents, queue, roster, clock });
  const { incident } = await incidents.create(jailbreakDraft(clock.now()));
  await actions.dispatch(incident);
  await queue.runDue(processor);
  return { clock, queue, processor, actions, incidents, sent, id: incident.id };
}

describe("escalation timers", () => {
  it("no acknowledgement within the policy's minutes escalates to level 2 and pages it", async () => {
    const t = await setup();
    expect(t.queue.jobs.map((j) => j.job)).toEqual([{ name: "escalate", incidentId: t.id, gen: 0 }]);
    t.clock.advance(14 * 60_000);
    expect(await t.queue.runDue(t.processor)).toEqual([]);
    t.clock.advance(60_000);
    expect(await t.queue.runDue(t.processor)).toEqual(["escalate:escalated", "page:paged level 2"]);
    const i = await t.incidents.get(t.id);
    expect(i).toMatchObject({ status: "escalated", level: 1 });
    expect(t.sent.sent.filter((m) => m.kind === "page").map((m) => m.to.address)).toEqual(["@hedy", "@radia"]);
    // Level 2 is the last level: no further timer.
    expect(t.queue.jobs).toEqual([]);
  });

  it("an acknowledgement before the deadline cancels the escalation", async () => {
    const t = await setup();
    t.clock.advance(10 * 60_000);
    await t.actions.act(t.id, { kind: "acknowledge" }, { platform: "slack", userId: "U0HEDY" });
    t.clock.advance(60 * 60_000);
    const ran = await t.queue.runDue(t.processor);
    expect(ran).toContain("escalate:stale timer (acknowledged, escalated or rerouted since)");
    expect((await t.incidents.get(t.id))!.status).toBe("acknowledged");
    expect(t.sent.sent.filter((m) => m.kind === "page")).toHaveLength(1);
  });

  it("a timer that fires twice (a retried job) escalates once and pages once", async () => {
    const t = await setup();
    t.clock.advance(15 * 60_000);
    const timer = t.queue.jobs[0]!.job;
    await t.queue.runDue(t.processor);
    expect(await t.processor.run(timer)).toBe("escalated");
    await t.queue.runDue(t.processor);
    const i = await t.incidents.get(t.id);
    expect(i!.timeline.filter((e) => e.type === "escalated")).toHaveLength(1);
    expect(t.sent.sent.filter((m) => m.kind === "page" && m.to.address === "@radia")).toHaveLength(1);
  });

  it("a manual escalation pages the next level at once and the old timer does nothing", async () => {
    const t = await setup();
    await t.actions.act(t.id, { kind: "escalate" }, { platform: "console", userId: "hedy" });
    expect(await t.queue.runDue(t.processor)).toEqual(["page:paged level 2"]);
    t.clock.advance(15 * 60_000);
    expect(await t.queue.runDue(t.processor)).toEqual(["escalate:stale timer (acknowledged, escalated or rerouted since)"]);
  });
});
