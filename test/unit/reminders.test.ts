// Reporting reminders with an injected clock: the delivery schedules them, each fires once to the
// on-call and the managers, a restart in between changes nothing, and marking the report sent, or
// setting an earlier awareness time, leaves the old reminders doing nothing.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { ROOT } from "../../src/config.js";
import { readYaml } from "../../src/definitions.js";
import { draftIncident } from "../../src/domain/incident.js";
import { parseObligations } from "../../src/domain/obligations-file.js";
import { silentLogger } from "../../src/log.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { TicketActions } from "../../src/tickets/actions.js";
import { jobId, type FailedJob, type JobQueue, type TicketJob } from "../../src/tickets/jobs.js";
import { RecordingNotifier } from "../../src/tickets/notifier.js";
import { TicketProcessor } from "../../src/tickets/processor.js";
import { SAFETY_ANSWERS } from "../support/answers.js";
import { testRoster } from "../support/roster.js";

const obligations = parseObligations(readYaml(join(ROOT, "flows/obligations.yaml")), "flows/obligations.yaml");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ada = { platform: "console" as const, userId: "ada", name: "Ada" };

/** Keeps jobs by id like BullMQ (adding an id twice, even once done, is a no-op) and runs those due by the clock. */
class ManualQueue implements JobQueue {
  jobs = new Map<string, { job: TicketJob; due: number; done?: boolean }>();
  constructor(private clock: ManualClock) {}
  async add(_d: "safety" | "security", job: TicketJob, delayMs = 0) {
    if (!this.jobs.has(jobId(job))) this.jobs.set(jobId(job), { job, due: this.clock.now().getTime() + delayMs });
  }
  async failed(): Promise<FailedJob[]> {
    return [];
  }
  async replay() {
    return false;
  }
  async ping() {}
  async close() {}
  pending = (name: string) => [...this.jobs.values()].filter((j) => j.job.name === name && !j.done);
  async runDue(p: TicketProcessor): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const next = [...this.jobs.entries()].filter(([, j]) => !j.done && j.due <= this.clock.now().getTime()).sort((a, b) => a[1].due - b[1].due)[0];
      if (!next) return out;
      next[1].done = true;
      out.push(`${next[1].job.name}:${await p.run(next[1].job)}`);
    }
  }
}

async function setup(answers: Record<string, string | string[]>) {
  const clock = new ManualClock(Date.parse("2026-11-24T10:00:00Z"));
  const roster = testRoster();
  const incidents = new MemoryIncidentStore();
  const queue = new ManualQueue(clock);
  const sent = new RecordingNotifier(["console"]);
  const make = () => new TicketProcessor({ incidents, roster, notifier: sent, queue, clock, log: silentLogger, obligations });
  const actions = new TicketActions({ incidents, queue, roster, clock, obligations });
  const draft = draftIncident({
    conversationId: "c1",
    reporter: { platform: "console", userId: "rita" },
    answers,
    classification: { primary: "safety", provisional: false, crossDomain: [], severity: "SEV1", rationale: [], refs: [] },
    routing: { domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: 5 },
    now: clock.now(),
  });
  const { incident } = await incidents.create(draft);
  await actions.dispatch(incident);
  let processor = make();
  await queue.runDue(processor);
  const reminders = () => sent.sent.filter((m) => m.kind === "reminder");
  return { clock, queue, actions, incidents, sent, reminders, id: incident.id, processor: () => processor, restart: () => (processor = make()) };
}

const DEATH = { ...SAFETY_ANSWERS, harm: ["physical"], seriousEffects: ["death"], highRisk: "yes", awareness: "at-report" };

describe("reporting reminders", () => {
  it("the ticket shows the clock; reminders at half time and 24 hours before go once to the on-call and the manager, across a restart", async () => {
    const t = await setup(DEATH);
    const ticket = t.sent.sent.find((m) => m.kind === "ticket")!;
    expect(ticket.obligations).toEqual([expect.objectContaining({ regimeId: "eu-ai-act-art73", state: "open", text: expect.stringContaining("report by 2026-12-04 10:00") })]);
    expect(ticket.obligations![0]!.warnings[0]).toMatch(/do not alter the AI system/);
    const due = t.queue.pending("obligation-reminder").map((j) => [j.job, j.due - t.clock.now().getTime()]);
    expect(due).toEqual([
      [{ name: "obligation-reminder", incidentId: t.id, regime: "eu-ai-act-art73", point: 0, deadlineAt: "2026-12-04T10:00:00.000Z" }, 5 * DAY],
      [{ name: "obligation-reminder", incidentId: t.id, regime: "eu-ai-act-art73", point: 1, deadlineAt: "2026-12-04T10:00:00.000Z" }, 9 * DAY],
    ]);
    await t.actions.act(t.id, { kind: "acknowledge" }, { platform: "console", userId: "ada" });
    t.clock.advance(5 * DAY);
    t.restart();
    expect(await t.queue.runDue(t.processor())).toContain("obligation-reminder:reminded 2 of eu-ai-act-art73");
    expect(t.reminders().map((m) => [m.to.address, m.person.id])).toEqual([["@ada", "ada"], ["@maya", "maya"]]);
    expect(t.reminders()[0]!.kind === "reminder" && t.reminders()[0]!.text).toMatch(/due by 2026-12-04 10:00 .*5 d 0 h left/);
    // The same reminder run again (a replay, a worker that died after sending) sends nothing more.
    await t.processor().run({ name: "obligation-reminder", incidentId: t.id, regime: "eu-ai-act-art73", point: 0, deadlineAt: "2026-12-04T10:00:00.000Z" });
    expect(t.reminders()).toHaveLength(2);
    // Delivering again (a retried job) adds no reminder twice.
    await t.processor().run({ name: "deliver", incidentId: t.id, routeCount: 1 });
    expect(t.queue.pending("obligation-reminder")).toHaveLength(1);
    // Four days on, the weekly rotation has handed over: the assignee (Ada), the on-call now (Grace) and the manager.
    t.clock.advance(4 * DAY);
    await t.queue.runDue(t.processor());
    expect(t.reminders().slice(2).map((m) => m.kind === "reminder" && m.person.id)).toEqual(["ada", "grace", "maya"]);
  });

  it("marked reported: the clock stops, the card says who and when, and the next reminder does nothing", async () => {
    const t = await setup(DEATH);
    t.clock.advance(DAY);
    const r = await t.actions.markReported(t.id, "eu-ai-act-art73", "initial", ada);
    expect(r).toMatchObject({ ok: true, changed: true });
    await t.queue.runDue(t.processor());
    const update = t.sent.sent.findLast((m) => m.kind === "update")!;
    expect(update.obligations?.[0]).toMatchObject({ state: "reported", warnings: [] });
    expect(update.obligations?.[0]!.text).toMatch(/reported \(initial\) by Ada/);
    const stored = (await t.incidents.get(t.id))!;
    expect(stored.timeline.findLast((e) => e.type === "obligation-reported")).toMatchObject({ by: ada, regime: "eu-ai-act-art73", report: "initial", at: "2026-11-25T10:00:00.000Z" });
    t.clock.advance(10 * DAY);
    expect(await t.queue.runDue(t.processor())).toEqual(expect.arrayContaining(["obligation-reminder:reminder not needed: already reported (initial)"]));
    expect(t.reminders()).toEqual([]);
    // Marking a regime that does not apply is refused and changes nothing.
    expect(await t.actions.markReported(t.id, "gdpr-art33", "complete", ada)).toMatchObject({ ok: false, code: "NOT_APPLICABLE" });
  });

  it("awareness set earlier: the deadline moves, the old reminders do nothing, a past point fires once now", async () => {
    const t = await setup({ ...DEATH, awareness: "earlier" });
    await t.actions.act(t.id, { kind: "acknowledge" }, { platform: "console", userId: "ada" });
    const r = await t.actions.setAwareAt(t.id, "2026-11-18T10:00:00Z", ada);
    expect(r).toMatchObject({ ok: true, changed: true });
    // Aware 6 days ago, 10-day deadline: half time (day 5) is past and fires now; 24 h before is on day 9.
    const out = await t.queue.runDue(t.processor());
    expect(out).toContain("obligation-reminder:reminded 2 of eu-ai-act-art73");
    expect(t.reminders()[0]!.kind === "reminder" && t.reminders()[0]!.text).toMatch(/due by 2026-11-28 10:00/);
    const reminderRuns = async () => (await t.queue.runDue(t.processor())).filter((x) => x.startsWith("obligation-reminder"));
    t.clock.advance(3 * DAY);
    expect(await reminderRuns()).toEqual(["obligation-reminder:reminded 2 of eu-ai-act-art73"]);
    t.clock.advance(10 * DAY);
    expect(await reminderRuns()).toEqual([
      "obligation-reminder:reminder not needed: the deadline moved (awareness time changed)",
      "obligation-reminder:reminder not needed: the deadline moved (awareness time changed)",
    ]);
    expect(t.reminders()).toHaveLength(4);
  });

  it("an incident no obligation applies to gets no reminder and no clock line", async () => {
    const t = await setup(SAFETY_ANSWERS);
    expect(t.queue.pending("obligation-reminder")).toEqual([]);
    expect(t.sent.sent.find((m) => m.kind === "ticket")!.obligations).toBeUndefined();
  });
});
