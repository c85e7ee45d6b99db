// The authorization matrix in the domain, and the duplicate matcher it shares a conversation with.
import { describe, expect, it } from "vitest";
import { AuthzAction, MATRIX, authorize, rolesOf } from "../../src/domain/authz.js";
import { findDuplicate, similarity } from "../../src/domain/duplicates.js";
import { draftIncident, mayAct, type Incident } from "../../src/domain/incident.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();
const as = (userId: string) => ({ platform: "slack" as const, userId });
const people = { stranger: as("U0NOBODY"), ada: as("U0ADA"), hedy: as("U0HEDY"), radia: as("U0RADIA"), maya: as("U0MAYA") };

describe("authorization matrix", () => {
  it("derives roles from the roster, per domain", () => {
    expect(rolesOf(roster, people.stranger, "safety").roles).toEqual(["reporter"]);
    expect(rolesOf(roster, people.ada, "safety").roles).toEqual(["reporter", "oncall"]);
    expect(rolesOf(roster, people.ada, "security").roles).toEqual(["reporter"]);
    expect(rolesOf(roster, people.radia, "security").roles).toEqual(["reporter", "oncall", "incident-manager"]);
    expect(rolesOf(roster, people.maya, "safety").roles).toEqual(["reporter", "manager"]);
    // Maya's Slack id typed on the console is not Maya.
    expect(rolesOf(roster, { platform: "console", userId: "U0MAYA" }).roles).toEqual(["reporter"]);
  });

  it("gives every action to exactly the roles of the table", () => {
    const expected: Record<keyof typeof people, AuthzAction[]> = {
      stranger: ["start-triage", "answer-own-triage", "join-duplicate"],
      ada: ["start-triage", "answer-own-triage", "join-duplicate", "acknowledge", "escalate", "reroute", "resolve", "view-incident", "edit-incident", "post-status", "subscribe"],
      hedy: ["start-triage", "answer-own-triage", "join-duplicate"],
      radia: ["start-triage", "answer-own-triage", "join-duplicate", "acknowledge", "escalate", "reroute", "resolve", "view-incident", "edit-incident", "post-status", "subscribe"],
      // Managers see every incident, so they may follow one; they post no status (not on a roster).
      maya: ["start-triage", "answer-own-triage", "join-duplicate", "view-summary", "view-incident", "subscribe"],
    };
    for (const [who, actor] of Object.entries(people)) {
      const allowed = AuthzAction.options.filter((a) => authorize(roster, actor, a, { domain: "safety" }).ok);
      expect([who, allowed]).toEqual([who, expected[who as keyof typeof people]]);
    }
    expect(Object.keys(MATRIX).sort()).toEqual([...AuthzAction.options].sort());
  });

  it("keeps triage steps to the walk-through's owner, and mayAct agrees with the table", () => {
    expect(authorize(roster, people.radia, "answer-own-triage", { owner: people.stranger })).toMatchObject({ ok: false, message: expect.stringMatching(/belongs to someone else/) });
    expect(authorize(roster, people.stranger, "join-duplicate", { owner: people.stranger }).ok).toBe(true);
    // Viewing: the owner (the incident's reporter) may, whatever their role; someone else needs one.
    expect(authorize(roster, people.stranger, "view-incident", { domain: "safety", owner: people.stranger }).ok).toBe(true);
    expect(authorize(roster, people.hedy, "view-incident", { domain: "safety", owner: people.stranger })).toMatchObject({ ok: false, message: expect.stringMatching(/Only its reporter/) });
    expect(mayAct(roster, "safety", people.ada, "resolve")?.id).toBe("ada");
    expect(mayAct(roster, "security", people.ada, "resolve")).toBeUndefined();
    expect(mayAct(roster, "security", people.maya)).toBeUndefined();
  });
});

describe("duplicate matching", () => {
  const now = new Date("2026-11-24T10:00:00Z");
  const incident = (n: number, answers: Record<string, string | string[]>, over: Partial<Incident> = {}): Incident => ({
    ...draftIncident({
      conversationId: `c${n}`,
      reporter: people.stranger,
      answers,
      classification: { primary: "security", provisional: false, crossDomain: [], severity: "SEV2", rationale: [], refs: [] },
      routing: { domain: "security", queue: "oncall-security", cc: [], ackMinutes: 15 },
      now: new Date(now.getTime() - 30 * 60_000),
    }),
    id: `INC-2026-000${n}`,
    rev: 1,
    ...over,
  });
  const leak = { description: "The support bot is leaking its system prompt to users", asset: "prompts-or-inputs", attackKind: "prompt-injection" };

  it("matches the same asset and kind with similar words, the most similar first", () => {
    const report = { ...leak, description: "support chatbot revealed the system prompt to a user" };
    const found = findDuplicate(report, [incident(1, { ...leak, description: "The bot leaked something" }), incident(2, leak)], now);
    expect(found?.incident.id).toBe("INC-2026-0002");
    expect(found!.similarity).toBeGreaterThan(0.3);
  });

  it("ignores other assets or kinds, resolved incidents, old ones and unlike words; markers do not count", () => {
    expect(findDuplicate(leak, [incident(1, { ...leak, asset: "model" })], now)).toBeUndefined();
    expect(findDuplicate(leak, [incident(1, { ...leak, attackKind: "jailbreak" })], now)).toBeUndefined();
    expect(findDuplicate(leak, [incident(1, leak, { status: "resolved" })], now)).toBeUndefined();
    expect(findDuplicate(leak, [incident(1, leak, { createdAt: "2026-11-24T07:00:00.000Z" })], now)).toBeUndefined();
    expect(findDuplicate(leak, [incident(1, { ...leak, description: "Our image model produces biased results" })], now)).toBeUndefined();
    expect(similarity("[REDACTED:jwt] [REDACTED:jwt]", "[REDACTED:jwt]")).toBe(0);
  });
});
