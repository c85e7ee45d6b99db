import { describe, expect, it } from "vitest";
import { onCall, parseRoster } from "../../src/domain/roster.js";
import { testRoster } from "../support/roster.js";

describe("roster", () => {
  const r = testRoster();
  it("weekly rotation hands off at 09:00 local time (Europe/Berlin), across daylight saving", () => {
    // 2026-01-05 is week 0 (ada); 2026-01-12 09:00 CET = 08:00Z starts week 1 (grace).
    expect(onCall(r, "safety", 0, new Date("2026-01-12T07:59:00Z")).id).toBe("ada");
    expect(onCall(r, "safety", 0, new Date("2026-01-12T08:00:00Z")).id).toBe("grace");
    // Summer time: 09:00 CEST = 07:00Z. 2026-07-06 is week 26 (even → ada).
    expect(onCall(r, "safety", 0, new Date("2026-07-06T06:59:00Z")).id).toBe("grace");
    expect(onCall(r, "safety", 0, new Date("2026-07-06T07:00:00Z")).id).toBe("ada");
  });
  it("daily rotation alternates and higher levels clamp to the last", () => {
    expect(onCall(r, "security", 0, new Date("2026-01-05T09:00:00Z")).id).toBe("alan");
    expect(onCall(r, "security", 0, new Date("2026-01-06T09:00:00Z")).id).toBe("hedy");
    expect(onCall(r, "security", 0, new Date("2026-01-06T08:59:00Z")).id).toBe("alan");
    expect(onCall(r, "security", 1, new Date("2026-01-06T09:00:00Z")).id).toBe("radia");
    expect(onCall(r, "security", 7, new Date("2026-01-06T09:00:00Z")).id).toBe("radia");
  });
  it("rejects unknown people, bad time zones and bad Slack ids, naming the field", () => {
    const bad = {
      people: [{ id: "ada", name: "Ada", slack: "ada" }],
      managers: ["bob"],
      domains: {
        safety: { destinations: {}, rotation: { every: "weekly", startDate: "2026-01-05", timeZone: "Mars/Olympus" }, levels: [["ada"]], escalationMinutes: { SEV1: 5, SEV2: 15, SEV3: 60, SEV4: 240 } },
        security: { destinations: {}, rotation: { every: "weekly", startDate: "2026-01-05" }, levels: [["zed"]], escalationMinutes: { SEV1: 5, SEV2: 15, SEV3: 60, SEV4: 240 } },
      },
    };
    expect(() => parseRoster(bad, "oncall.yaml")).toThrow(/oncall\.yaml: invalid on-call roster/);
    try {
      parseRoster(bad, "oncall.yaml");
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toContain("field 'people.0.slack'");
      expect(m).toContain("field 'managers.0': 'bob' is not listed under people");
      expect(m).toContain("field 'domains.safety.rotation.timeZone'");
      expect(m).toContain("field 'domains.security.levels.0.0': 'zed'");
    }
  });
});
