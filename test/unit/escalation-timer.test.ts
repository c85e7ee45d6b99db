// The acknowledgement timer after an edit (issue 16, item 7): a raised severity shortens the wait of the
// level that is waiting now, counted from when it started waiting; a lowered one never delays a page
// already due sooner; a reopen waits afresh from now; no timer where none runs.
import { describe, expect, it } from "vitest";
import { editIncident, type IncidentEdit } from "../../src/domain/edits.js";
import { shortestWaitMinutes, timerAfterSeverityChange, timerMinutes, timerRuns, waitingSince } from "../../src/domain/escalation-timer.js";
import { acknowledge, draftIncident, escalate, resolve, type Actor, type Incident } from "../../src/domain/incident.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();
// safety: SEV1 5, SEV2 15, SEV3 60, SEV4 240 minutes; two levels.
const minutes = roster.domains.safety.escalationMinutes;
const filed = new Date("2026-11-24T10:00:00Z");
const at = (min: number) => new Date(filed.getTime() + min * 60_000);
const ada: Actor = { platform: "slack", userId: "U0ADA", name: "Ada" };

function incident(severity: "SEV1" | "SEV2" | "SEV3" | "SEV4" = "SEV3"): Incident {
  const d = draftIncident({
    conversationId: "t1",
    reporter: { platform: "slack", userId: "U0RITA" },
    answers: { description: "x", intent: "none", failureKind: "hallucination", asset: "outputs", ciaLost: [], harm: [], ongoing: "no", scope: "one-user" },
    classification: { primary: "safety", provisional: false, crossDomain: [], severity, rationale: ["filed"], refs: [] },
    routing: { domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: minutes[severity] },
    now: filed,
  });
  return { ...d, id: "INC-2026-0009", rev: 2 };
}
const edit = (i: Incident, e: IncidentEdit, when: Date) => {
  const r = editIncident(i, roster, ada, e, when);
  if (!r.ok || !r.changed) throw new Error(JSON.stringify(r));
  return r;
};
const severity = (i: Incident, s: "SEV1" | "SEV2" | "SEV3" | "SEV4", when: Date) => edit(i, { kind: "severity", severity: s, reason: "the impact changed" }, when);

describe("raising the severity of an unacknowledged incident", () => {
  it("arms a sooner timer at (routed + the new minutes), for the same generation: a page or timer still pending stays current", () => {
    const i = incident("SEV3");
    const r = severity(i, "SEV2", at(3));
    expect(r.timerDueAt).toEqual(at(15));
    // Whichever timer fires first escalates and moves the generation on; a bump here would cancel a
    // page of an escalation made just before the edit.
    expect(r.incident.escalationGen).toBe(i.escalationGen);
    expect(r.incident.routing.ackMinutes).toBe(15);
  });

  it("fires at once when the new wait is already over", () => {
    const r = severity(incident("SEV3"), "SEV1", at(20));
    expect(r.timerDueAt).toEqual(at(20));
  });

  it("counts from when the current level started waiting: its escalation, not the filing", () => {
    const escalated = escalate(incident("SEV4"), roster, undefined, at(240), 2);
    if (!escalated.ok) throw new Error("escalate");
    // Level 2 is the last level of the test roster: once escalated there, no timer runs at all.
    expect(severity(escalated.incident, "SEV2", at(250)).timerDueAt).toBeUndefined();
    const threeLevels = { ...roster, domains: { ...roster.domains, safety: { ...roster.domains.safety, levels: [["ada"], ["grace"], ["radia"]] } } };
    const r = editIncident(escalated.incident, threeLevels, ada, { kind: "severity", severity: "SEV2", reason: "worse" }, at(250));
    expect(r.ok && r.timerDueAt).toEqual(at(255));
    expect(waitingSince(escalated.incident)).toEqual(at(240));
  });
});

describe("lowering the severity", () => {
  it("keeps the running timer (never delays a page due sooner); a later raise compares with the shortest wait since", () => {
    const i = incident("SEV2");
    const lowered = severity(i, "SEV4", at(2));
    expect(lowered.timerDueAt).toBeUndefined();
    expect(lowered.incident.escalationGen).toBe(i.escalationGen);
    // The SEV2 timer (due at +15) still runs: raising to SEV3 (60) must not move it to +60.
    expect(severity(lowered.incident, "SEV3", at(4)).timerDueAt).toBeUndefined();
    // Raising above the running one does: SEV1 (5) from the routing.
    expect(severity(lowered.incident, "SEV1", at(4)).timerDueAt).toEqual(at(5));
  });

  it("a timer armed later at the same level (a delivery after the edit) waits the shortest wait since the level started waiting", () => {
    const lowered = severity(incident("SEV2"), "SEV4", at(1)).incident;
    expect(shortestWaitMinutes(lowered, minutes)).toBe(15);
    // A new level starts a new wait: only what is in effect from its escalation on counts.
    const escalated = escalate(lowered, roster, undefined, at(15), 3);
    if (!escalated.ok) throw new Error("escalate");
    expect(shortestWaitMinutes(escalated.incident, minutes)).toBe(240);
    // What the processor arms: the shorter wait after an edit; the routing's own target without one.
    expect(timerMinutes(lowered, minutes)).toBe(15);
    const unedited = incident("SEV2");
    expect(timerMinutes({ ...unedited, routing: { ...unedited.routing, ackMinutes: 42 } }, minutes)).toBe(42);
  });

  it("the pure rule agrees on its own", () => {
    const after = severity(incident("SEV2"), "SEV4", at(1)).incident;
    expect(timerAfterSeverityChange(after, "SEV2", "SEV4", minutes, 2, at(1))).toBeUndefined();
  });
});

describe("no timer to re-arm", () => {
  it("once acknowledged, resolved, or over a limit", () => {
    const acked = acknowledge(incident("SEV3"), roster, ada, at(1));
    if (!acked.ok) throw new Error("ack");
    const r = severity(acked.incident, "SEV1", at(2));
    expect(r.timerDueAt).toBeUndefined();
    expect(r.incident.escalationGen).toBe(acked.incident.escalationGen);
    expect(timerRuns({ ...incident(), limited: true }, 2)).toBe(false);
  });
});

describe("reopening", () => {
  it("waits afresh from now at the current severity's minutes", () => {
    const done = resolve(incident("SEV2"), roster, ada, "fixed the template", at(30));
    if (!done.ok) throw new Error("resolve");
    const r = edit(done.incident, { kind: "reopen", reason: "it is back" }, at(90));
    expect(r.incident.status).toBe("open");
    expect(r.timerDueAt).toEqual(at(105));
    expect(waitingSince(r.incident)).toEqual(at(90));
  });
});
