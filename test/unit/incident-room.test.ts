// Incident channels (issue 16, point 3): which incidents get one, the Slack channel's name, who is
// invited, and the roster block that configures it.
import { describe, expect, it } from "vitest";
import { ROOM_NAME_MAX, incidentRooms, roomInvitees, roomName, roomSlug, roomsWanted } from "../../src/domain/incident-room.js";
import type { Incident } from "../../src/domain/incident.js";
import { parseRoster } from "../../src/domain/roster.js";
import { makeDraft } from "../support/fixtures.js";
import { testRoster } from "../support/roster.js";

const NOW = new Date("2026-11-24T10:00:00Z");
const incident = (patch: Partial<Incident> = {}, severity = "SEV1"): Incident => {
  const d = makeDraft({ domain: "safety" });
  return { ...d, id: "INC-2026-0042", rev: 3, title: "The support bot told a customer to double their medication dose", classification: { ...d.classification, severity: severity as Incident["classification"]["severity"] }, ...patch };
};
const roster = (block: unknown = { slack: {} }) => testRoster({ incidentChannel: { safety: block } });

describe("which incidents get an incident channel", () => {
  it("SEV1 and SEV2 by default, once the domain has the block; none without it", () => {
    expect(roomsWanted(incident({}, "SEV1"), roster())).toEqual(["slack"]);
    expect(roomsWanted(incident({}, "SEV2"), roster())).toEqual(["slack"]);
    expect(roomsWanted(incident({}, "SEV3"), roster())).toEqual([]);
    expect(roomsWanted(incident({}, "SEV1"), testRoster())).toEqual([]);
  });

  it("the severities are configurable, per domain and platform", () => {
    const r = roster({ severities: ["SEV3"], slack: {}, teams: { channelId: "19:incidents@thread.tacv2" } });
    expect(roomsWanted(incident({}, "SEV3"), r)).toEqual(["slack", "teams"]);
    expect(roomsWanted(incident({}, "SEV1"), r)).toEqual([]);
    // The security domain has no block: its incidents get none.
    expect(roomsWanted(incident({ routing: { domain: "security", queue: "oncall-security", cc: [], ackMinutes: 5 } }), r)).toEqual([]);
  });

  it("not for a storm member, a report over an abuse limit, a resolved incident, or where one is open", () => {
    expect(roomsWanted(incident({ stormOf: "INC-2026-0041" }), roster())).toEqual([]);
    expect(roomsWanted(incident({ limited: true }), roster())).toEqual([]);
    expect(roomsWanted(incident({ status: "resolved" }), roster())).toEqual([]);
    const open = incident({ rooms: [{ platform: "slack", address: "C0ROOM1", name: "inc-2026-0042-x" }] });
    expect(roomsWanted(open, roster())).toEqual([]);
    expect(incidentRooms(open)).toEqual([{ platform: "slack", address: "C0ROOM1", name: "inc-2026-0042-x" }]);
    expect(incidentRooms(incident())).toEqual([]);
  });
});

describe("the Slack channel name", () => {
  it("is inc-<year>-<number>-<title slug>: lower case, only a-z 0-9 and dashes", () => {
    expect(roomName(incident())).toBe("inc-2026-0042-the-support-bot-told-a-customer-to-double-their-medication-dose");
    expect(roomSlug("Ünïcode & Spaces.. UPPER_case/ÉTÉ!!")).toBe("unicode-spaces-upper-case-ete");
    expect(roomName(incident({ title: "!!!" }))).toBe("inc-2026-0042");
  });

  it("stays within 80 characters, suffix included, without a dangling dash", () => {
    const long = incident({ title: "word ".repeat(40) });
    for (const attempt of [1, 2, 10, 20]) {
      const name = roomName(long, attempt);
      expect(name.length).toBeLessThanOrEqual(ROOM_NAME_MAX);
      expect(name).toMatch(/^[a-z0-9_-]+$/);
      expect(name).not.toMatch(/--/);
      if (attempt > 1) expect(name.endsWith(`-${attempt}`)).toBe(true);
    }
  });

  it("after name_taken the next attempts are suffixed -2, -3", () => {
    const i = incident({ title: "Leak" });
    expect([1, 2, 3].map((n) => roomName(i, n))).toEqual(["inc-2026-0042-leak", "inc-2026-0042-leak-2", "inc-2026-0042-leak-3"]);
  });
});

describe("who is invited", () => {
  it("the on-call, the commander, the reporter and the configured extras, each once, Slack ids only", () => {
    const r = roster({ slack: { invite: ["maya", "ada"] } });
    const i = incident({ commander: "radia", reporter: { platform: "slack", userId: "U0REPORTER", name: "Rita" } });
    const ids = roomInvitees(i, r, NOW);
    const oncall = r.people.find((p) => r.domains.safety.levels[0]!.includes(p.id) && ids.includes(p.slack!))!;
    expect(oncall).toBeDefined();
    expect(ids).toEqual(expect.arrayContaining(["U0RADIA", "U0REPORTER", "U0MAYA", "U0ADA"]));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("a reporter from Teams is invited by the Slack id the roster knows for them, or not at all", () => {
    const known = roomInvitees(incident({ reporter: { platform: "teams", userId: "aad-hedy" } }), roster(), NOW);
    expect(known).toContain("U0HEDY");
    const unknown = roomInvitees(incident({ reporter: { platform: "teams", userId: "aad-stranger" } }), roster(), NOW);
    expect(unknown.every((id) => /^U0/.test(id))).toBe(true);
    expect(unknown).toHaveLength(1); // the on-call alone
  });
});

describe("the roster's incidentChannel block", () => {
  const base = (block: unknown) => ({
    people: [{ id: "ada", name: "Ada" }],
    domains: Object.fromEntries(
      ["safety", "security"].map((d) => [d, { destinations: {}, rotation: { every: "daily", startDate: "2026-01-05" }, levels: [["ada"]], escalationMinutes: { SEV1: 5, SEV2: 15, SEV3: 60, SEV4: 240 }, ...(d === "safety" ? { incidentChannel: block } : {}) }]),
    ),
  });

  it("defaults to SEV1 and SEV2", () => {
    expect(parseRoster(base({ slack: {} }), "r.yaml").domains.safety.incidentChannel).toEqual({ severities: ["SEV1", "SEV2"], slack: { invite: [] } });
  });

  it("refuses a block that names no platform, an unknown severity, a malformed Teams channel or an unknown person", () => {
    expect(() => parseRoster(base({}), "r.yaml")).toThrow(/name where to open it/);
    expect(() => parseRoster(base({ severities: ["SEV9"], slack: {} }), "r.yaml")).toThrow(/severities/);
    expect(() => parseRoster(base({ teams: { channelId: "general" } }), "r.yaml")).toThrow(/Teams channel id/);
    expect(() => parseRoster(base({ slack: { invite: ["nobody"] } }), "r.yaml")).toThrow(/'nobody' is not listed under people/);
  });
});
