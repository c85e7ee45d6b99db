// Edits after filing (issue 16, item 2): who may, what each changes, the timeline event with who and
// why, and refusals that change nothing. Also the command parser shared by Slack and Teams.
import { describe, expect, it } from "vitest";
import { parseEdit } from "../../src/bot/edit-command.js";
import { editIncident, type IncidentEdit } from "../../src/domain/edits.js";
import { draftIncident, resolve, type Actor, type Incident } from "../../src/domain/incident.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();
const now = new Date("2026-11-24T10:00:00Z");
const slack = (userId: string, name: string): Actor => ({ platform: "slack", userId, name });
const ada = slack("U0ADA", "Ada"); // safety on call
const alan = slack("U0ALAN", "Alan"); // security on call
const radia = slack("U0RADIA", "Radia"); // incident manager
const maya = slack("U0MAYA", "Maya"); // manager: reads, does not edit
const rita = slack("U0RITA", "rita");

function incident(domain: "safety" | "security", provisional = false): Incident {
  const d = draftIncident({
    conversationId: "e1",
    reporter: rita,
    answers: { description: "x", intent: provisional ? "unknown" : domain === "security" ? "deliberate" : "none", [domain === "security" ? "attackKind" : "failureKind"]: domain === "security" ? "prompt-injection" : "hallucination", asset: "outputs", ciaLost: [], harm: [], ongoing: "no", scope: "one-user" },
    classification: { primary: domain, provisional, crossDomain: [], severity: "SEV3", rationale: ["filed"], refs: [] },
    routing: { domain, queue: `oncall-${domain}`, cc: [], ackMinutes: 60 },
    now,
  });
  return { ...d, id: "INC-2026-0007", rev: 3 };
}
const run = (i: Incident, who: Actor, e: IncidentEdit) => editIncident(i, roster, who, e, now);
const changed = (r: ReturnType<typeof run>) => {
  if (!r.ok || !r.changed) throw new Error(JSON.stringify(r));
  return r.incident;
};

describe("who may edit", () => {
  it("the domain's on-call and incident managers; not a manager, the other domain's on-call or the reporter", () => {
    const i = incident("safety");
    const note: IncidentEdit = { kind: "note", text: "looking at the logs" };
    expect([ada, radia].map((a) => run(i, a, note).ok)).toEqual([true, true]);
    for (const a of [maya, alan, rita]) expect(run(i, a, note)).toMatchObject({ ok: false, code: "NOT_ALLOWED" });
  });
});

describe("what each edit changes", () => {
  it("severity: the classification, the acknowledgement target and one timeline event with why", () => {
    const after = changed(run(incident("safety"), ada, { kind: "severity", severity: "SEV1", reason: "a second customer was hurt" }));
    expect(after.classification.severity).toBe("SEV1");
    expect(after.routing.ackMinutes).toBe(5);
    expect(after.timeline.at(-1)).toEqual({ type: "edited", at: now.toISOString(), by: ada, field: "severity", from: "SEV3", to: "SEV1", reason: "a second customer was hurt" });
    expect(run(after, ada, { kind: "severity", severity: "SEV1", reason: "again" })).toMatchObject({ ok: true, changed: false });
  });

  it("confirming intent clears provisional and keeps the domain", () => {
    const after = changed(run(incident("security", true), alan, { kind: "intent", intent: "deliberate", reason: "the attacker's prompt is in the logs" }));
    expect(after.classification).toMatchObject({ primary: "security", provisional: false });
    expect(after.answers.intent).toBe("deliberate");
    expect(after.routeCount).toBe(1);
    expect(after.timeline.at(-1)).toMatchObject({ type: "edited", field: "intent", from: "unknown", to: "deliberate" });
  });

  it("ruling out intent on a provisional security incident reroutes it to safety with the reason", () => {
    const after = changed(run(incident("security", true), alan, { kind: "intent", intent: "none", reason: "a stale template, no attacker" }));
    expect(after.routing.domain).toBe("safety");
    expect(after.classification).toMatchObject({ primary: "safety", provisional: false });
    expect(after.routeCount).toBe(2);
    const reroute = after.timeline.find((e) => e.type === "rerouted");
    expect(reroute).toMatchObject({ from: "security", to: "safety", reason: expect.stringContaining("a stale template, no attacker") });
    expect(after.timeline.at(-1)).toMatchObject({ type: "edited", field: "intent", from: "unknown", to: "none" });
  });

  it("kinds: several allowed, of the incident's domain; the first is the answer", () => {
    const after = changed(run(incident("security"), alan, { kind: "kinds", kinds: ["jailbreak", "data-exfiltration"], reason: "it also pulled records" }));
    expect(after.kinds).toEqual(["jailbreak", "data-exfiltration"]);
    expect(after.answers.attackKind).toBe("jailbreak");
    expect(after.timeline.at(-1)).toMatchObject({ field: "kinds", from: "prompt-injection", to: "jailbreak, data-exfiltration" });
    expect(run(incident("security"), alan, { kind: "kinds", kinds: ["hallucination"], reason: "wrong side" })).toMatchObject({ ok: false, message: expect.stringContaining("not an attack kind") });
  });

  it("notes and reopening work on a resolved incident; other edits ask to reopen first", () => {
    const done = changed(resolve(incident("safety"), roster, ada, "fixed", now) as never);
    expect(run(done, ada, { kind: "severity", severity: "SEV1", reason: "worse than we thought" })).toMatchObject({ ok: false, code: "ALREADY_RESOLVED" });
    expect(changed(run(done, ada, { kind: "note", text: "customer called back" })).timeline.at(-1)).toMatchObject({ type: "note", text: "customer called back" });
    const reopened = changed(run(done, ada, { kind: "reopen", reason: "it is happening again" }));
    expect(reopened).toMatchObject({ status: "open", escalationGen: done.escalationGen + 1 });
    expect(reopened.resolvedAt).toBeUndefined();
    expect(run(reopened, ada, { kind: "reopen", reason: "again" })).toMatchObject({ ok: true, changed: false });
  });
});

describe("parseEdit", () => {
  it("reads each command, refuses a missing reason, and leaves reports alone", () => {
    expect(parseEdit("severity inc-2026-0007 sev1 a second customer")).toEqual({ id: "INC-2026-0007", edit: { kind: "severity", severity: "SEV1", reason: "a second customer" } });
    expect(parseEdit("kind INC-2026-0007 jailbreak,data-exfiltration it pulled records")).toEqual({ id: "INC-2026-0007", edit: { kind: "kinds", kinds: ["jailbreak", "data-exfiltration"], reason: "it pulled records" } });
    expect(parseEdit("note INC-2026-0007 customer called back")).toEqual({ id: "INC-2026-0007", edit: { kind: "note", text: "customer called back" } });
    expect(parseEdit("intent INC-2026-0007 none")).toEqual({ error: expect.stringContaining("reason") });
    expect(parseEdit("severity INC-2026-0007 SEV9 bad")).toEqual({ error: expect.stringContaining("severity") });
    expect(parseEdit("note that the bot leaked the prompt")).toBeUndefined();
    expect(parseEdit("the bot leaked the prompt")).toBeUndefined();
  });
});

describe("the commander", () => {
  it("is taken by the on-call, handed over, and may then edit; others may not choose one", async () => {
    const { setCommander } = await import("../../src/domain/commander.js");
    const i = incident("safety");
    expect(setCommander(i, roster, alan, undefined, now)).toMatchObject({ ok: false, code: "NOT_ALLOWED" });
    expect(setCommander(i, roster, rita, undefined, now)).toMatchObject({ ok: false, code: "NOT_ALLOWED" });
    const taken = changed(setCommander(i, roster, ada, undefined, now) as never);
    expect(taken.commander).toBe("ada");
    expect(taken.timeline.at(-1)).toEqual({ type: "commander", at: now.toISOString(), by: ada, to: "ada" });
    expect(setCommander(taken, roster, ada, "nobody", now)).toMatchObject({ ok: false, message: expect.stringContaining("not in the on-call roster") });
    const handed = changed(setCommander(taken, roster, ada, "maya", now) as never);
    expect(handed.timeline.at(-1)).toMatchObject({ type: "commander", to: "maya", from: "ada" });
    // Maya, a manager, may not edit an incident on her own, but may as its commander.
    expect(run(taken, maya, { kind: "note", text: "on it" })).toMatchObject({ ok: false });
    expect(run(handed, maya, { kind: "note", text: "on it" })).toMatchObject({ ok: true, changed: true });
    // The commander hands over again, without being on the roster of the domain.
    expect(changed(setCommander(handed, roster, maya, "radia", now) as never).commander).toBe("radia");
  });

  it("parses command and commander", async () => {
    const { parseCommander } = await import("../../src/bot/commander-command.js");
    expect(parseCommander("command INC-2026-0007")).toEqual({ id: "INC-2026-0007" });
    expect(parseCommander("commander inc-2026-0007 <@U0MAYA|maya>")).toEqual({ id: "INC-2026-0007", to: { slackUser: "U0MAYA" } });
    expect(parseCommander("commander INC-2026-0007 maya")).toEqual({ id: "INC-2026-0007", to: { personId: "maya" } });
    expect(parseCommander("commander INC-2026-0007")).toEqual({ error: expect.stringContaining("needs who") });
    expect(parseCommander("command the bot to stop")).toBeUndefined();
  });
});
