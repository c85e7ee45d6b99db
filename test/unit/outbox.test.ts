// The transactional outbox of ticket actions (src/tickets/follow-ups.ts, action-follow-ups.ts): what
// each stored change queues, computed once from the stored record; the entry written with the change
// and cleared once queued; a process that dies in between leaves it, and the sweep's replay queues the
// same jobs (no more) and clears it.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { draftIncident, type Actor, type Incident } from "../../src/domain/incident.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { actionFollowUps, clockFollowUps, commanderFollowUps, editFollowUps, statusFollowUps } from "../../src/tickets/action-follow-ups.js";
import { TicketActions } from "../../src/tickets/actions.js";
import { decodeFollowUps, delayOf, encodeFollowUps, replayOutbox, type FollowUp } from "../../src/tickets/follow-ups.js";
import type { JobQueue, TicketJob } from "../../src/tickets/jobs.js";
import type { Domain } from "../../src/domain/vocabulary.js";
import { crashAfterActionStore } from "../../src/tickets/crash-hook.js";
import { testRoster } from "../support/roster.js";
import { makeDraft } from "../support/fixtures.js";

const roster = testRoster();
const T = new Date("2026-11-24T10:00:00Z");
const ada: Actor = { platform: "slack", userId: "U0ADA", name: "Ada" }; // safety on call
const rita: Actor = { platform: "slack", userId: "U0RITA", name: "rita" };

function incident(over: Partial<Incident> = {}): Incident {
  const d = draftIncident({
    conversationId: "o1",
    reporter: rita,
    answers: { description: "x", intent: "none", failureKind: "hallucination", asset: "outputs", ciaLost: [], harm: [], ongoing: "no", scope: "one-user" },
    classification: { primary: "safety", provisional: false, crossDomain: [], severity: "SEV3", rationale: ["filed"], refs: [] },
    routing: { domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: 60 },
    now: T,
  });
  return { ...d, id: "INC-2026-0011", rev: 4, ...over };
}
const chat = (f: FollowUp[]) => f.filter((x) => x.job.name !== "outside");

/** A queue that records what it is given; `broken` makes add() fail as a dead Redis would. */
class RecordingQueue implements JobQueue {
  readonly added: Array<{ domain: Domain; job: TicketJob; delayMs?: number; via: "add" | "ensure" }> = [];
  broken = false;
  async add(domain: Domain, job: TicketJob, delayMs?: number) {
    if (this.broken) throw new Error("queue unreachable");
    this.added.push({ domain, job, ...(delayMs === undefined ? {} : { delayMs }), via: "add" });
  }
  async ensure(domain: Domain, job: TicketJob, delayMs?: number) {
    this.added.push({ domain, job, ...(delayMs === undefined ? {} : { delayMs }), via: "ensure" });
    return "added" as const;
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

describe("the follow-ups of each change, from the stored record", () => {
  it("an acknowledgement or a resolve updates the card at the stored rev; an escalation pages its generation", () => {
    const stored = incident({ escalationGen: 2 });
    expect(chat(actionFollowUps(roster, stored, "acknowledge", "Ada acknowledged"))).toEqual([{ domain: "safety", job: { name: "update", incidentId: stored.id, rev: 4, text: "Ada acknowledged" } }]);
    expect(chat(actionFollowUps(roster, stored, "escalate", "escalated"))).toEqual([{ domain: "safety", job: { name: "page", incidentId: stored.id, gen: 2 } }]);
    expect(chat(actionFollowUps(roster, stored, "resolve", "x".repeat(5000)))[0]!.job).toMatchObject({ name: "update", text: "x".repeat(3000) });
  });

  it("a reroute delivers the new routing and retires the old card in the old domain's queue", () => {
    const base = incident();
    // The timeline names each routing: safety first (filing), then security (the reroute).
    const routed = base.timeline.filter((e) => e.type === "routed");
    expect(routed.map((e) => e.type === "routed" && e.domain)).toEqual(["safety"]);
    const stored: Incident = { ...base, routing: { ...base.routing, domain: "security", queue: "oncall-security" }, routeCount: 2, timeline: [...base.timeline, { ...routed[0]!, domain: "security" } as Incident["timeline"][number]] };
    const out = chat(actionFollowUps(roster, stored, "reroute", "moved"));
    expect(out).toEqual([
      { domain: "security", job: { name: "deliver", incidentId: base.id, routeCount: 2 } },
      { domain: "safety", job: { name: "update", incidentId: base.id, rev: 4, text: "moved", route: 1 } },
    ]);
  });

  it("an edit with a timer arms it at the stored rev, due when the domain said; one that moved the incident is followed up like a reroute", () => {
    const stored = incident({ escalationGen: 1 });
    const due = new Date(T.getTime() + 15 * 60_000);
    const out = chat(editFollowUps(roster, stored, { kind: "severity", routeBefore: 1, message: "raised", timerDueAt: due }));
    expect(out[0]).toEqual({ domain: "safety", job: { name: "escalate", incidentId: stored.id, gen: 1, rearm: 4 }, dueAt: due.toISOString() });
    expect(out[1]).toEqual({ domain: "safety", job: { name: "update", incidentId: stored.id, rev: 4, text: "raised" } });
    const moved = chat(editFollowUps(roster, { ...stored, routeCount: 2 }, { kind: "intent", routeBefore: 1, message: "now deliberate" }));
    expect(moved.map((f) => f.job.name)).toEqual(["deliver", "update"]);
    expect(moved[1]!.job).toMatchObject({ route: 1 });
  });

  it("a commander change updates the card and, with an incident channel, invites; a status update is one status job; a clock change carries its reminders", () => {
    const stored = incident();
    expect(commanderFollowUps(stored, "Ada leads").map((f) => f.job.name)).toEqual(["update"]);
    expect(commanderFollowUps({ ...stored, rooms: [{ platform: "slack", address: "C1", name: "inc" } as never] }, "Ada leads").map((f) => f.job.name)).toEqual(["update", "channel"]);
    const posted = { ...stored, latestStatus: { text: "rolled back", at: T.toISOString(), by: ada } };
    expect(statusFollowUps(posted, ada)).toEqual([{ domain: "safety", job: { name: "status", incidentId: stored.id, rev: 4, text: "rolled back", by: ada } }]);
    const reminder: FollowUp = { domain: "safety", job: { name: "obligation-reminder", incidentId: stored.id, regime: "eu-ai-act", point: 0, deadlineAt: T.toISOString() }, dueAt: T.toISOString() };
    expect(clockFollowUps(stored, "aware at", [reminder]).map((f) => f.job.name)).toEqual(["update", "obligation-reminder"]);
  });
});

describe("the outbox payload", () => {
  it("round-trips through its schema; nothing to follow up writes no entry; a payload that is not follow-ups is refused", () => {
    const f = actionFollowUps(roster, incident(), "acknowledge", "ok");
    expect(decodeFollowUps(encodeFollowUps(f)!)).toEqual(f);
    expect(encodeFollowUps([])).toBeUndefined();
    expect(() => decodeFollowUps(JSON.stringify([{ domain: "safety", job: { name: "explode", incidentId: "INC-2026-0001" } }]))).toThrow();
    expect(() => decodeFollowUps("[]")).toThrow();
  });

  it("a delayed follow-up waits until its dueAt from now, never less than zero", () => {
    const f: FollowUp = { domain: "safety", job: { name: "escalate", incidentId: "INC-2026-0001", gen: 0 }, dueAt: new Date(T.getTime() + 60_000).toISOString() };
    expect(delayOf(f, T)).toBe(60_000);
    expect(delayOf(f, new Date(T.getTime() + 90_000))).toBe(0);
    expect(delayOf({ domain: "safety", job: f.job }, T)).toBe(0);
  });
});

describe("ticket actions through the outbox", () => {
  async function setup() {
    const clock = new ManualClock(T.getTime());
    const incidents = new MemoryIncidentStore();
    const queue = new RecordingQueue();
    const { incident: filed } = await incidents.create(makeDraft({ domain: "safety", createdAt: T }));
    return { clock, incidents, queue, filed };
  }

  it("queues the follow-ups and clears the entry; the hook runs after the store and before anything is queued", async () => {
    const { clock, incidents, queue, filed } = await setup();
    const seen: Array<{ entries: number; queued: number; rev: number }> = [];
    const actions = new TicketActions({
      incidents,
      queue,
      roster,
      clock,
      afterStore: async () => void seen.push({ entries: (await incidents.outboxDue(new Date(8e15))).length, queued: queue.added.length, rev: (await incidents.get(filed.id))!.rev }),
    });
    const r = await actions.act(filed.id, { kind: "acknowledge" }, ada);
    expect(r.ok).toBe(true);
    expect(seen).toEqual([{ entries: 1, queued: 0, rev: 2 }]);
    expect(chat(queue.added.map((a) => ({ domain: a.domain, job: a.job })))).toEqual([{ domain: "safety", job: expect.objectContaining({ name: "update", rev: 2 }) }]);
    expect(await incidents.outboxDue(new Date(8e15))).toEqual([]);
  });

  it("a refusal or a change that changes nothing writes no entry and queues nothing", async () => {
    const { clock, incidents, queue, filed } = await setup();
    const actions = new TicketActions({ incidents, queue, roster, clock });
    expect((await actions.act(filed.id, { kind: "acknowledge" }, rita)).ok).toBe(false);
    expect((await actions.subscribe(filed.id, ada, true)).ok).toBe(true);
    expect(queue.added).toEqual([]);
    expect(await incidents.outboxDue(new Date(8e15))).toEqual([]);
  });

  it("a queue that fails after the store leaves the entry; the sweep's replay queues the same jobs once and clears it", async () => {
    const { clock, incidents, queue, filed } = await setup();
    const actions = new TicketActions({ incidents, queue, roster, clock });
    queue.broken = true;
    await expect(actions.status(filed.id, "rolled back the template", ada)).rejects.toThrow("queue unreachable");
    const stored = (await incidents.get(filed.id))!;
    expect(stored.latestStatus?.text).toBe("rolled back the template");
    // Not yet due: the writer may still be about to queue it.
    expect((await replayOutbox({ incidents, queue, clock }, T)).replayed).toEqual([]);
    queue.broken = false;
    clock.advance(60_000);
    const r = await replayOutbox({ incidents, queue, clock }, new Date(clock.now().getTime() - 30_000));
    expect(r).toEqual({ replayed: [{ id: filed.id, rev: stored.rev, jobs: ["status"] }], unreadable: [] });
    expect(queue.added).toEqual([{ domain: "safety", job: { name: "status", incidentId: filed.id, rev: stored.rev, text: "rolled back the template", by: ada }, delayMs: 0, via: "ensure" }]);
    expect(await incidents.outboxDue(new Date(8e15))).toEqual([]);
    expect((await replayOutbox({ incidents, queue, clock }, new Date(8e15))).replayed).toEqual([]);
    expect(queue.added).toHaveLength(1);
  });

  it("a replayed timer keeps its due time: what is left of it, or none once past", async () => {
    const { clock, incidents, queue, filed } = await setup();
    const due = new Date(T.getTime() + 10 * 60_000);
    const timer: FollowUp = { domain: "safety", job: { name: "escalate", incidentId: filed.id, gen: 0, rearm: 2 }, dueAt: due.toISOString() };
    const late: FollowUp = { ...timer, job: { ...timer.job, rearm: 3 } as TicketJob, dueAt: new Date(T.getTime() - 1000).toISOString() };
    await incidents.update(filed.id, (i) => ({ ...i, assignee: "ada" }), { outbox: () => encodeFollowUps([timer, late]), at: T });
    clock.advance(4 * 60_000);
    await replayOutbox({ incidents, queue, clock }, new Date(8e15));
    expect(queue.added.map((a) => a.delayMs)).toEqual([6 * 60_000, 0]);
  });

  it("an entry that does not decode is left in place and named, not dropped", async () => {
    const { clock, incidents, queue, filed } = await setup();
    await incidents.update(filed.id, (i) => ({ ...i, assignee: "ada" }), { outbox: () => "not json", at: T });
    expect(await replayOutbox({ incidents, queue, clock }, new Date(8e15))).toEqual({ replayed: [], unreadable: [`${filed.id}:2`] });
    expect(await incidents.outboxDue(new Date(8e15))).toHaveLength(1);
    expect(queue.added).toEqual([]);
  });
});

describe("the crash hook", () => {
  it("is armed only with NODE_ENV=test and TEST_CRASH_AFTER_ACTION_STORE=1", () => {
    expect(crashAfterActionStore({ NODE_ENV: "production", TEST_CRASH_AFTER_ACTION_STORE: "1" })).toBeUndefined();
    expect(crashAfterActionStore({ NODE_ENV: "test" })).toBeUndefined();
    expect(crashAfterActionStore({ NODE_ENV: "test", TEST_CRASH_AFTER_ACTION_STORE: "1" })).toBeTypeOf("function");
  });
});
