// Status updates and subscribers (issue 16, point 4) in the domain: who may post, what a post leaves on
// the record, who may subscribe (whoever may see the incident), idempotence, and refusals that change
// nothing. Also the command parser shared by Slack, Teams and the command line, and the card's line.
import { describe, expect, it } from "vitest";
import { parseStatusCommand } from "../../src/bot/status-command.js";
import { setCommander } from "../../src/domain/commander.js";
import { draftIncident, resolve, type Actor, type Incident } from "../../src/domain/incident.js";
import { postStatus, statusLine, subscribe, subscriberOf } from "../../src/domain/status.js";
import { ticketView } from "../../src/views/ticket.js";
import { testRoster } from "../support/roster.js";
import { defs } from "../support/defs.js";
import { incidentDetail } from "../../src/bot/incident-view.js";

const roster = testRoster();
const now = new Date("2026-11-24T10:05:00Z");
const slack = (userId: string, name: string): Actor => ({ platform: "slack", userId, name });
const ada = slack("U0ADA", "Ada"); // safety on call
const alan = slack("U0ALAN", "Alan"); // security on call: a stranger to safety incidents
const radia = slack("U0RADIA", "Radia"); // incident manager
const maya = slack("U0MAYA", "Maya"); // manager: sees everything, posts nothing
const rita = slack("U0RITA", "rita"); // the reporter, on no roster
const stranger = slack("U0NOBODY", "nobody");

function incident(): Incident {
  const d = draftIncident({
    conversationId: "s1",
    reporter: rita,
    answers: { description: "x", intent: "none", failureKind: "hallucination", asset: "outputs", ciaLost: [], harm: [], ongoing: "no", scope: "one-user" },
    classification: { primary: "safety", provisional: false, crossDomain: [], severity: "SEV3", rationale: ["filed"], refs: [] },
    routing: { domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: 60 },
    now: new Date("2026-11-24T10:00:00Z"),
  });
  return { ...d, id: "INC-2026-0009", rev: 2 };
}
const changed = (r: ReturnType<typeof postStatus>) => {
  if (!r.ok || !r.changed) throw new Error(JSON.stringify(r));
  return r.incident;
};

describe("posting a status update", () => {
  it("the domain's on-call, incident managers and the commander may; a manager, the other domain's on-call and the reporter may not", () => {
    const i = incident();
    expect([ada, radia].map((a) => postStatus(i, roster, a, "rolled back the prompt", now).ok)).toEqual([true, true]);
    for (const a of [maya, alan, rita, stranger]) expect(postStatus(i, roster, a, "rolled back the prompt", now)).toMatchObject({ ok: false, code: "NOT_ALLOWED", message: expect.stringContaining("Only the safety on-call roster") });
    const led = setCommander(i, roster, ada, "maya", now);
    if (!led.ok) throw new Error(led.message);
    expect(postStatus(led.incident, roster, maya, "talking to the customer", now).ok).toBe(true);
  });

  it("keeps the latest status and adds one timeline event, with who and when", () => {
    const once = changed(postStatus(incident(), roster, ada, "  rolled back the prompt  ", now));
    expect(once.latestStatus).toEqual({ text: "rolled back the prompt", at: now.toISOString(), by: ada });
    expect(once.timeline.at(-1)).toEqual({ type: "status-update", at: now.toISOString(), by: ada, text: "rolled back the prompt" });
    const later = new Date("2026-11-24T11:30:00Z");
    const twice = changed(postStatus(once, roster, radia, "no repeats in an hour", later));
    expect(twice.latestStatus).toMatchObject({ text: "no repeats in an hour", by: radia });
    expect(twice.timeline.filter((e) => e.type === "status-update")).toHaveLength(2);
  });

  it("refuses empty or overlong text, and a resolved incident, changing nothing", () => {
    const i = incident();
    expect(postStatus(i, roster, ada, "   ", now)).toMatchObject({ ok: false, code: "NOTE_REQUIRED", message: expect.stringContaining("needs some text") });
    expect(postStatus(i, roster, ada, "x".repeat(2001), now)).toMatchObject({ ok: false, message: expect.stringContaining("at most 2000") });
    const closed = resolve(i, roster, ada, "fixed it", now);
    if (!closed.ok) throw new Error(closed.message);
    expect(postStatus(closed.incident, roster, ada, "one more thing", now)).toMatchObject({ ok: false, code: "ALREADY_RESOLVED" });
  });

  it("shows on the ticket card as 'Status (HH:MM, by X): …' in the roster's time zone", () => {
    const i = changed(postStatus(incident(), roster, ada, "rolled back the prompt", now));
    expect(statusLine(i.latestStatus!)).toBe("Status (10:05, by Ada): rolled back the prompt");
    expect(statusLine(i.latestStatus!, "Europe/Berlin")).toBe("Status (11:05, by Ada): rolled back the prompt");
    expect(ticketView(i, { roster }).statusLine).toMatch(/^Status \(\d\d:05, by Ada\): rolled back the prompt$/);
    expect(ticketView(incident(), { roster }).statusLine).toBeUndefined();
    // `show INC-…` lists it, with the subscribers' count, and the timeline in words.
    const sub = subscribe(i, roster, maya, true, now);
    if (!sub.ok) throw new Error(sub.message);
    const detail = incidentDetail(sub.incident, defs().flow);
    expect(detail.facts).toContainEqual(["Latest status", expect.stringContaining("rolled back the prompt")]);
    expect(detail.facts).toContainEqual(["Subscribers", "1"]);
    expect(detail.sections.find((x) => x.title === "Timeline")!.lines.join("\n")).toMatch(/status update by Ada: rolled back the prompt[\s\S]*Maya subscribed/);
  });
});

describe("subscribing", () => {
  it("whoever may see the incident may subscribe themselves: its reporter, its on-call, incident and other managers; not others", () => {
    const i = incident();
    for (const a of [rita, ada, radia, maya]) expect([a.userId, subscribe(i, roster, a, true, now).ok]).toEqual([a.userId, true]);
    for (const a of [alan, stranger]) expect(subscribe(i, roster, a, true, now)).toMatchObject({ ok: false, code: "NOT_ALLOWED", message: expect.stringContaining("cannot show you INC-2026-0009") });
  });

  it("records a roster person by id and anyone else by their chat identity, with a timeline event", () => {
    const a = changed(subscribe(incident(), roster, maya, true, now));
    expect(a.subscribers).toEqual([{ person: "maya" }]);
    expect(a.timeline.at(-1)).toEqual({ type: "subscribed", at: now.toISOString(), by: maya });
    const b = changed(subscribe(a, roster, rita, true, now));
    expect(b.subscribers).toEqual([{ person: "maya" }, { platform: "slack", userId: "U0RITA", name: "rita" }]);
    // Maya on Teams is the same person: already subscribed.
    expect(subscriberOf(roster, { platform: "teams", userId: "aad-maya" })).toEqual({ person: "maya" });
  });

  it("is idempotent: subscribing twice or unsubscribing when not subscribed changes nothing and says so", () => {
    const a = changed(subscribe(incident(), roster, maya, true, now));
    const again = subscribe(a, roster, { platform: "teams", userId: "aad-maya" }, true, now);
    expect(again).toMatchObject({ ok: true, changed: false, message: expect.stringContaining("already subscribed") });
    if (again.ok) expect(again.incident).toBe(a);
    const off = changed(subscribe(a, roster, maya, false, now));
    expect(off.subscribers).toEqual([]);
    expect(off.timeline.at(-1)).toMatchObject({ type: "unsubscribed", by: maya });
    expect(subscribe(off, roster, maya, false, now)).toMatchObject({ ok: true, changed: false, message: expect.stringContaining("not subscribed") });
  });
});

describe("the status commands (Slack, Teams, the command line)", () => {
  it("parses update, subscribe and unsubscribe with an incident id", () => {
    expect(parseStatusCommand("update inc-2026-0009 rolled back the prompt\nwatching")).toEqual({ kind: "update", id: "INC-2026-0009", text: "rolled back the prompt\nwatching" });
    expect(parseStatusCommand("subscribe INC-2026-0009")).toEqual({ kind: "subscribe", id: "INC-2026-0009", on: true });
    expect(parseStatusCommand("Unsubscribe INC-2026-0009")).toEqual({ kind: "subscribe", id: "INC-2026-0009", on: false });
  });
  it("leaves reports alone and says what is wrong with a command", () => {
    expect(parseStatusCommand("update me when the bot is fixed")).toBeUndefined();
    expect(parseStatusCommand("subscribe")).toBeUndefined();
    expect(parseStatusCommand("update INC-2026-0009")).toMatchObject({ error: expect.stringContaining("needs some text") });
    expect(parseStatusCommand("subscribe INC-2026-0009 maya")).toMatchObject({ error: expect.stringContaining("only subscribe yourself") });
    expect(parseStatusCommand(`update INC-2026-0009 ${"x".repeat(2001)}`)).toMatchObject({ error: expect.stringContaining("at most 2000") });
  });
});
