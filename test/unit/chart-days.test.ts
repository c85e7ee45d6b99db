// Issue 15: the daily chart counts calendar days in the summary's time zone. It used to count 24-hour
// blocks from the window's start, so with a window ending at 11:00 the incidents of this morning
// landed in yesterday's bar (PNG and text). Here an incident at 00:30 Berlin time today must be in
// today's bar, through the pure summary and through a manager's "/summary 7d".
import { describe, expect, it } from "vitest";
import { Summaries } from "../../src/bot/summaries.js";
import { incidentsChartText } from "../../src/charts/incidents.js";
import { ManualClock } from "../../src/clock.js";
import { startOfDay } from "../../src/domain/calendar.js";
import { parseRoster, summaryTimeZone } from "../../src/domain/roster.js";
import { summarize } from "../../src/domain/summary.js";
import type { IncidentStore } from "../../src/store/types.js";
import { incident } from "../fixtures/summary/build.js";
import { testRoster } from "../support/roster.js";

const NOW = new Date("2026-11-24T10:00:00Z"); // 11:00 in Berlin
const TZ = "Europe/Berlin";
// 00:30 in Berlin on 24 November is still 23 November in UTC.
const EARLY = incident({ n: 1, domain: "safety", severity: "SEV3", created: "2026-11-23T23:30:00Z", ackAfter: 10 });
const opts = { now: NOW, ackTargets: () => 60 };

describe("chart days", () => {
  it("an incident at 00:30 local today is in today's bar, even in a window that started mid-day", () => {
    const rolling = summarize([EARLY], [], { from: new Date(NOW.getTime() - 7 * 86_400_000), to: NOW, timeZone: TZ }, opts);
    const today = rolling.perDay.at(-1)!;
    expect(today).toMatchObject({ date: "2026-11-24", safety: 1, start: "2026-11-23T23:00:00.000Z" });
    expect(rolling.perDay.filter((d) => d.date === "2026-11-23")[0]!.safety).toBe(0);
  });

  it("a window of calendar days: one bar a day, the last one today, in the text chart too", () => {
    const from = startOfDay("2026-11-18", TZ);
    const s = summarize([EARLY], [], { from, to: NOW, timeZone: TZ, days: 7 }, opts);
    expect(s.window).toMatchObject({ days: 7, timeZone: TZ });
    expect(s.perDay.map((d) => d.date)).toEqual(["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"]);
    const text = incidentsChartText(s);
    expect(text).toContain("2026-11-18 → 2026-11-24");
    expect(text.split("\n")[1]).toMatch(/^safety {4}······█ {2}1$/);
  });

  it("DST: the day clocks go back has 25 hours and is still one bar", () => {
    // Berlin leaves summer time on 25 October 2026 at 03:00 local.
    const from = startOfDay("2026-10-24", TZ);
    const late = incident({ n: 2, domain: "security", severity: "SEV3", created: "2026-10-25T22:30:00Z" }); // 23:30 local, 25 Oct
    const s = summarize([late], [], { from, to: startOfDay("2026-10-27", TZ), timeZone: TZ }, opts);
    expect(s.perDay.map((d) => [d.date, d.start, d.security])).toEqual([
      ["2026-10-24", "2026-10-23T22:00:00.000Z", 0],
      ["2026-10-25", "2026-10-24T22:00:00.000Z", 1],
      ["2026-10-26", "2026-10-25T23:00:00.000Z", 0],
    ]);
  });

  it("a manager's 7-day summary counts days where the digest is read, unless the roster names a zone", async () => {
    const base = testRoster();
    expect(summaryTimeZone(base)).toBe("UTC");
    const doc = { ...structuredClone(base), digest: { schedule: { day: "monday", time: "09:00", timeZone: TZ }, destinations: { console: { channel: "#m" } } } };
    const roster = parseRoster(doc, "test");
    expect(summaryTimeZone(roster)).toBe(TZ);
    expect(summaryTimeZone(parseRoster({ ...doc, summaryTimeZone: "Asia/Tokyo" }, "test"))).toBe("Asia/Tokyo");

    const store = { list: async (q: { from: Date; to: Date; status?: string }) => [EARLY].filter((i) => !q.status && Date.parse(i.createdAt) >= q.from.getTime() && Date.parse(i.createdAt) < q.to.getTime()) } as unknown as IncidentStore;
    const s = await new Summaries({ incidents: store, roster, clock: new ManualClock(NOW.getTime()) }).build(NOW, 7);
    expect(s.window).toMatchObject({ from: "2026-11-17T23:00:00.000Z", to: NOW.toISOString(), days: 7, timeZone: TZ });
    expect(s.perDay).toHaveLength(7);
    expect(s.perDay.at(-1)).toMatchObject({ date: "2026-11-24", safety: 1 });
  });
});

