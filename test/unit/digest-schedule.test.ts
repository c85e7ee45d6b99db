// The digest schedule: local wall-clock runs across daylight-saving changes, and the decision to post,
// wait, or post only the latest of several missed runs.
import { describe, expect, it } from "vitest";
import { decide, nextRun, previousRun, runsBetween, zonedTime, type DigestSchedule } from "../../src/digest/schedule.js";
import { DigestConfig, parseRoster } from "../../src/domain/roster.js";

const berlinMonday: DigestSchedule = { day: "monday", time: "09:00", timeZone: "Europe/Berlin" };
const d = (iso: string) => new Date(iso);
const iso = (x: Date | undefined) => x?.toISOString();

describe("digest schedule", () => {
  it("converts local wall-clock time to instants, DST gaps shifted forward, repeats taken once (the first)", () => {
    expect(iso(zonedTime(2026, 3, 23, 9, 0, "Europe/Berlin"))).toBe("2026-03-23T08:00:00.000Z"); // CET
    expect(iso(zonedTime(2026, 3, 30, 9, 0, "Europe/Berlin"))).toBe("2026-03-30T07:00:00.000Z"); // CEST
    expect(iso(zonedTime(2026, 3, 29, 2, 30, "Europe/Berlin"))).toBe("2026-03-29T01:30:00.000Z"); // 02:30 does not exist: 03:30 CEST
    expect(iso(zonedTime(2026, 10, 25, 2, 30, "Europe/Berlin"))).toBe("2026-10-25T00:30:00.000Z"); // twice: the CEST one
    expect(iso(zonedTime(2026, 3, 8, 2, 30, "America/New_York"))).toBe("2026-03-08T07:30:00.000Z"); // gap: 03:30 EDT
    expect(iso(zonedTime(2026, 11, 1, 1, 30, "America/New_York"))).toBe("2026-11-01T05:30:00.000Z"); // twice: the EDT one
    expect(iso(zonedTime(2026, 6, 1, 9, 0, "UTC"))).toBe("2026-06-01T09:00:00.000Z");
    expect(iso(zonedTime(2026, 6, 1, 9, 0, "Asia/Kolkata"))).toBe("2026-06-01T03:30:00.000Z");
  });

  it("keeps a weekly run at 09:00 local across the spring and autumn changes", () => {
    expect(iso(nextRun(berlinMonday, d("2026-03-24T00:00:00Z")))).toBe("2026-03-30T07:00:00.000Z");
    expect(iso(previousRun(berlinMonday, d("2026-03-30T06:59:59Z")))).toBe("2026-03-23T08:00:00.000Z");
    expect(iso(previousRun(berlinMonday, d("2026-03-30T07:00:00Z")))).toBe("2026-03-30T07:00:00.000Z"); // due at the instant
    expect(iso(nextRun(berlinMonday, d("2026-10-20T00:00:00Z")))).toBe("2026-10-26T08:00:00.000Z");
    // Just after midnight local on Monday (still Sunday in UTC): the run is later that local day.
    expect(iso(nextRun(berlinMonday, d("2026-03-29T22:30:00Z")))).toBe("2026-03-30T07:00:00.000Z");
  });

  it("runs a daily 02:30 once on each change day", () => {
    const daily: DigestSchedule = { day: "daily", time: "02:30", timeZone: "Europe/Berlin" };
    expect(runsBetween(daily, d("2026-03-28T12:00:00Z"), d("2026-03-30T12:00:00Z")).map(iso)).toEqual(["2026-03-29T01:30:00.000Z", "2026-03-30T00:30:00.000Z"]);
    expect(runsBetween(daily, d("2026-10-24T12:00:00Z"), d("2026-10-26T12:00:00Z")).map(iso)).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
  });

  it("decides: baseline on a first start, wait when posted, post when due", () => {
    expect(decide(berlinMonday, undefined, d("2026-03-25T12:00:00Z"))).toEqual({ action: "baseline", at: d("2026-03-23T08:00:00Z"), next: d("2026-03-30T07:00:00Z") });
    expect(decide(berlinMonday, d("2026-03-23T08:00:00Z"), d("2026-03-30T06:59:00Z"))).toEqual({ action: "wait", next: d("2026-03-30T07:00:00Z") });
    expect(decide(berlinMonday, d("2026-03-23T08:00:00Z"), d("2026-03-30T07:00:30Z"))).toEqual({ action: "post", at: d("2026-03-30T07:00:00Z"), missed: false, skipped: 0, next: d("2026-04-06T07:00:00Z") });
  });

  it("a worker down over the scheduled time posts that run once when back, and only the latest of several", () => {
    const back = decide(berlinMonday, d("2026-03-23T08:00:00Z"), d("2026-03-30T15:00:00Z"));
    expect(back).toMatchObject({ action: "post", at: d("2026-03-30T07:00:00Z"), missed: true, skipped: 0 });
    expect(decide(berlinMonday, d("2026-03-30T07:00:00Z"), d("2026-03-30T15:01:00Z")).action).toBe("wait"); // posted: never again
    expect(decide(berlinMonday, d("2026-03-02T08:00:00Z"), d("2026-03-25T12:00:00Z"))).toMatchObject({ action: "post", at: d("2026-03-23T08:00:00Z"), missed: true, skipped: 2 });
  });
});

describe("digest config in the roster", () => {
  const base = { people: [{ id: "maya", name: "Maya" }], managers: ["maya"], domains: {} };
  it("defaults the period and time zone; requires a destination and a valid day and time", () => {
    expect(DigestConfig.parse({ schedule: { day: "friday", time: "16:30" }, destinations: { console: { channel: "#m" } } })).toEqual({
      schedule: { day: "friday", time: "16:30", timeZone: "UTC" },
      period: "7d",
      destinations: { console: { channel: "#m" } },
    });
    const bad = { ...base, digest: { schedule: { day: "mondays", time: "9:00", timeZone: "Mars/Base" }, period: "90d", destinations: {}, extra: 1 } };
    let message = "";
    try {
      parseRoster(bad, "oncall.yaml");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("field 'digest.schedule.day': one of monday, tuesday, wednesday, thursday, friday, saturday, sunday, daily");
    expect(message).toContain("field 'digest.schedule.time': HH:MM, 24-hour, e.g. 09:00");
    expect(message).toContain("field 'digest.schedule.timeZone': not a known IANA time zone");
    expect(message).toContain("field 'digest.period': 7d or 30d");
    expect(message).toContain("field 'digest.destinations': name at least one of slack, teams, console, webhook");
    expect(message).toMatch(/field 'digest'.*extra/);
  });
});
