// A double-clicked Escalate escalates once and queues one page: the button carries the escalation
// generation its card was rendered for, and a click rendered before an escalation changes nothing.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { TicketActions } from "../../src/tickets/actions.js";
import type { TicketJob } from "../../src/tickets/jobs.js";
import { jailbreakDraft, recordingQueue } from "../support/fixtures.js";
import { testRoster } from "../support/roster.js";

async function setup() {
  const clock = new ManualClock(Date.parse("2026-11-24T10:00:00Z"));
  const incidents = new MemoryIncidentStore();
  const jobs: TicketJob[] = [];
  const queue = recordingQueue(jobs);
  const actions = new TicketActions({ incidents, queue, roster: testRoster(), clock });
  const { incident } = await incidents.create(jailbreakDraft(clock.now()));
  return { incidents, actions, jobs, id: incident.id };
}
const hedy = { platform: "console" as const, userId: "hedy" };

describe("escalate once per card", () => {
  it("two clicks on the same card (different requests, same generation) escalate once and page once", async () => {
    const t = await setup();
    const [a, b] = await Promise.all([t.actions.act(t.id, { kind: "escalate", seenGen: 0 }, hedy), t.actions.act(t.id, { kind: "escalate", seenGen: 0 }, hedy)]);
    expect([a, b].filter((o) => o.ok && o.changed)).toHaveLength(1);
    const stale = [a, b].find((o) => o.ok && !o.changed)!;
    expect(stale).toMatchObject({ ok: true, changed: false, message: expect.stringContaining("already escalated to level 2") });
    const i = (await t.incidents.get(t.id))!;
    expect(i.level).toBe(1);
    expect(t.jobs.filter((j) => j.name === "page")).toHaveLength(1);
  });

  it("the updated card (the new generation) escalates further; an acknowledgement does not make a card stale", async () => {
    const t = await setup();
    await t.actions.act(t.id, { kind: "acknowledge" }, hedy);
    const after = (await t.incidents.get(t.id))!;
    expect(after.escalationGen).toBe(1);
    const first = await t.actions.act(t.id, { kind: "escalate", seenGen: 0 }, hedy);
    expect(first).toMatchObject({ ok: true, changed: true });
    const now = (await t.incidents.get(t.id))!;
    expect(await t.actions.act(t.id, { kind: "escalate", seenGen: now.escalationGen }, { platform: "console", userId: "radia" })).toMatchObject({ ok: true, changed: true });
  });

  it("someone off the roster is refused before anything is said about the card", async () => {
    const t = await setup();
    await t.actions.act(t.id, { kind: "escalate", seenGen: 0 }, hedy);
    expect(await t.actions.act(t.id, { kind: "escalate", seenGen: 0 }, { platform: "console", userId: "nobody" })).toMatchObject({ ok: false, code: "NOT_ALLOWED" });
  });
});

describe("reroute once per dialog", () => {
  it("two reroute dialogs opened on the same route and both submitted: one reroute, one new delivery", async () => {
    const t = await setup();
    const [a, b] = await Promise.all([
      t.actions.act(t.id, { kind: "reroute", reason: "it is a model bug, not an attack", seenRoute: 1 }, hedy),
      t.actions.act(t.id, { kind: "reroute", reason: "no adversary in the logs", seenRoute: 1 }, hedy),
    ]);
    expect([a, b].filter((o) => o.ok && o.changed)).toHaveLength(1);
    expect([a, b].find((o) => o.ok && !o.changed)).toMatchObject({ message: expect.stringContaining("already rerouted to safety") });
    const i = (await t.incidents.get(t.id))!;
    expect(i.routing.domain).toBe("safety");
    expect(i.routeCount).toBe(2);
    expect(t.jobs.filter((j) => j.name === "deliver")).toHaveLength(1);
  });

  it("a dialog opened after the reroute may reroute back on purpose", async () => {
    const t = await setup();
    await t.actions.act(t.id, { kind: "reroute", reason: "it is a model bug, not an attack", seenRoute: 1 }, hedy);
    const back = await t.actions.act(t.id, { kind: "reroute", reason: "found the injected prompt after all", seenRoute: 2 }, { platform: "console", userId: "ada" });
    expect(back).toMatchObject({ ok: true, changed: true });
    expect((await t.incidents.get(t.id))!.routing.domain).toBe("security");
  });
});
