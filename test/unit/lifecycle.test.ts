import { describe, expect, it } from "vitest";
import { acknowledge, draftIncident, escalate, reroute, resolve, type Incident } from "../../src/domain/incident.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();
const now = new Date("2026-11-24T10:00:00Z");
const alan = { platform: "slack" as const, userId: "U0ALAN", name: "Alan" };
const ada = { platform: "teams" as const, userId: "aad-ada", name: "Ada" };
const radia = { platform: "console" as const, userId: "radia" };
const stranger = { platform: "slack" as const, userId: "U0NOBODY" };

function incident(): Incident {
  const d = draftIncident({
    conversationId: "c1",
    reporter: stranger,
    answers: { description: "prompt injection via a PDF" },
    classification: { primary: "security", provisional: false, crossDomain: [], severity: "SEV2", rationale: ["x"], refs: [] },
    routing: { domain: "security", queue: "oncall-security", cc: [], ackMinutes: 15 },
    now,
  });
  return { ...d, id: "INC-2026-0001", rev: 1 };
}

describe("ticket lifecycle", () => {
  it("only the domain's roster or an incident manager may act; others change nothing", () => {
    const i = incident();
    expect(acknowledge(i, roster, stranger, now)).toMatchObject({ ok: false, code: "NOT_ALLOWED" });
    expect(acknowledge(i, roster, ada, now)).toMatchObject({ ok: false, code: "NOT_ALLOWED" }); // safety on-call
    expect(acknowledge(i, roster, radia, now)).toMatchObject({ ok: true, changed: true });
    expect(i.status).toBe("open");
  });

  it("acknowledge assigns, records, bumps the escalation generation; twice is a no-op", () => {
    const r = acknowledge(incident(), roster, alan, now);
    if (!r.ok) throw new Error(r.message);
    expect(r.incident).toMatchObject({ status: "acknowledged", assignee: "alan", acknowledgedAt: now.toISOString(), escalationGen: 1 });
    expect(r.incident.timeline.at(-1)).toMatchObject({ type: "acknowledged", person: "alan" });
    expect(acknowledge(r.incident, roster, alan, now)).toMatchObject({ ok: true, changed: false });
  });

  it("timer escalation moves up a level, stops at the last, and skips acknowledged tickets", () => {
    const e1 = escalate(incident(), roster, undefined, now, 2);
    if (!e1.ok) throw new Error(e1.message);
    expect(e1.incident).toMatchObject({ status: "escalated", level: 1, escalationGen: 1 });
    expect(e1.incident.timeline.at(-1)).toMatchObject({ type: "escalated", timer: 0, gen: 1, reason: "not acknowledged within 15 minutes" });
    const e2 = escalate(e1.incident, roster, undefined, now, 2);
    expect(e2.ok && e2.incident.level).toBe(1);
    const acked = acknowledge(incident(), roster, alan, now);
    if (!acked.ok) throw new Error();
    expect(escalate(acked.incident, roster, undefined, now, 2)).toMatchObject({ ok: true, changed: false });
  });

  it("reroute needs a reason, records the previous classification and re-routes to the other queue", () => {
    expect(reroute(incident(), roster, alan, " ", now)).toMatchObject({ ok: false, code: "REASON_REQUIRED" });
    const r = reroute(incident(), roster, alan, "no attacker, the retriever indexed a stale policy", now);
    if (!r.ok) throw new Error(r.message);
    expect(r.incident.routing).toEqual({ domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: 15 });
    expect(r.incident).toMatchObject({ status: "open", level: 0, routeCount: 2, classification: { primary: "safety", provisional: false } });
    const ev = r.incident.timeline.find((e) => e.type === "rerouted");
    expect(ev).toMatchObject({ from: "security", to: "safety", previous: { primary: "security" } });
  });

  it("resolve needs a note and closes the ticket for good", () => {
    expect(resolve(incident(), roster, alan, "", now)).toMatchObject({ ok: false, code: "NOTE_REQUIRED" });
    const r = resolve(incident(), roster, alan, "blocked the injected document source", now);
    if (!r.ok) throw new Error(r.message);
    expect(r.incident).toMatchObject({ status: "resolved", resolvedAt: now.toISOString() });
    expect(acknowledge(r.incident, roster, alan, now)).toMatchObject({ ok: false, code: "ALREADY_RESOLVED" });
  });
});
