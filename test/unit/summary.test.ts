// Golden tests for summarize(): every figure of a fixed incident set, worked out by hand (see
// test/fixtures/summary/build.ts for the incidents), plus the edge cases of the percentile method.
import { describe, expect, it } from "vitest";
import { ackMinutes } from "../../src/domain/roster.js";
import { percentile, stat, summarize, type StatTable } from "../../src/domain/summary.js";
import { CURRENT, PREVIOUS, WINDOW, incident, type Spec } from "../fixtures/summary/build.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster(); // ack targets: safety 5/15/60/240, security 5/15/30/120 minutes
const opts = { now: WINDOW.to, ackTargets: (d: "safety" | "security", s: "SEV1" | "SEV2" | "SEV3" | "SEV4") => ackMinutes(roster, d, s) };
const build = (specs: Spec[]) => specs.map(incident);
const empty = { n: 0, median: null, p90: null };

describe("percentiles (nearest rank)", () => {
  it("takes the value at rank ceil(p*n/100): lower middle for an even count, the only value for one", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2); // even: rank 2, not 2.5
    expect(percentile([1, 2, 3, 4], 90)).toBe(4); // rank ceil(3.6) = 4
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3); // odd: rank 3
    expect(percentile([1, 2, 3, 4, 5], 90)).toBe(5); // rank ceil(4.5) = 5
    const ten = Array.from({ length: 10 }, (_, k) => k + 1);
    expect(percentile(ten, 90)).toBe(9); // exactly rank 9
    const seventy = Array.from({ length: 70 }, (_, k) => k + 1);
    expect(percentile(seventy, 90)).toBe(63); // 0.9*70 is 63.000…01 in floating point: must not become 64
  });
  it("reports minutes with the count they were computed over", () => {
    expect(stat([])).toEqual(empty);
    expect(stat([4 * 60_000, 10 * 60_000, 20 * 60_000])).toEqual({ n: 3, median: 10, p90: 20 });
    expect(stat([90_000])).toEqual({ n: 1, median: 1.5, p90: 1.5 });
  });
});

describe("summarize: the golden window", () => {
  const s = summarize(build(CURRENT), build(PREVIOUS), WINDOW, opts);

  it("counts by domain, severity, status and provisional", () => {
    expect(s.window).toEqual({ from: "2026-11-17T00:00:00.000Z", to: "2026-11-24T00:00:00.000Z", days: 7 });
    expect(s.generatedAt).toBe("2026-11-24T00:00:00.000Z");
    expect(s.total).toBe(8);
    expect(s.previousTotal).toBe(4);
    expect(s.byDomain).toEqual({ safety: 4, security: 4 });
    expect(s.bySeverity).toEqual({ SEV1: 2, SEV2: 2, SEV3: 2, SEV4: 2 });
    expect(s.byStatus).toEqual({ open: 1, acknowledged: 2, escalated: 1, resolved: 4 });
    expect(s.provisional).toEqual({ total: 1, open: 1 });
  });

  it("cross-domain incidents by direction and the kinds behind them", () => {
    expect(s.crossDomain).toEqual({
      total: 3,
      byDirection: { "security->safety": 2, "safety->security": 1 },
      topAttackKinds: [{ key: "jailbreak", count: 1 }, { key: "prompt-injection", count: 1 }],
      topFailureKinds: [{ key: "hallucination", count: 1 }],
    });
  });

  it("time to acknowledge and resolve per domain and severity, with n", () => {
    const ack: StatTable = s.response.timeToAck;
    // acks (min): #1 sec SEV1 4, #2 sec SEV2 20, #3 saf SEV3 30, #6 saf SEV3 50, #7 sec SEV1 10
    expect(ack.all.all).toEqual({ n: 5, median: 20, p90: 50 });
    expect(ack.safety.all).toEqual({ n: 2, median: 30, p90: 50 });
    expect(ack.safety.SEV3).toEqual({ n: 2, median: 30, p90: 50 });
    expect(ack.security.all).toEqual({ n: 3, median: 10, p90: 20 });
    expect(ack.security.SEV1).toEqual({ n: 2, median: 4, p90: 10 });
    expect(ack.security.SEV2).toEqual({ n: 1, median: 20, p90: 20 });
    expect(ack.all.SEV4).toEqual(empty);
    expect(ack.safety.SEV1).toEqual(empty);
    const res = s.response.timeToResolve; // #1 120, #2 300, #6 90, #8 300
    expect(res.all.all).toEqual({ n: 4, median: 120, p90: 300 });
    expect(res.safety.all).toEqual({ n: 2, median: 90, p90: 300 });
    expect(res.security.all).toEqual({ n: 2, median: 120, p90: 300 });
    expect(res.safety.SEV4).toEqual({ n: 1, median: 300, p90: 300 });
    expect(s.response.percentileMethod).toBe("nearest-rank");
  });

  it("escalations and breaches of the acknowledgement targets", () => {
    expect(s.response.escalations).toEqual({ events: 3, incidents: 2 });
    // late: #2 (20 > 15), #7 (10 > 5), #8 resolved unacked at 300 > 240; waiting past target: #4, #5
    expect(s.response.ackBreaches).toEqual({
      total: 5,
      late: 3,
      unacknowledged: 2,
      byDomain: { safety: 2, security: 3 },
      bySeverity: { SEV1: 1, SEV2: 2, SEV3: 0, SEV4: 2 },
    });
  });

  it("an unacknowledged ticket breaches only once `now` is past its target", () => {
    const fresh = incident({ n: 9, domain: "security", severity: "SEV2", created: "2026-11-23T23:50:00Z" });
    const at = (now: string) => summarize([fresh], [], WINDOW, { ...opts, now: new Date(now) }).response.ackBreaches.unacknowledged;
    expect(at("2026-11-24T00:05:00Z")).toBe(0); // 15 minutes: exactly at the target is not a breach
    expect(at("2026-11-24T00:05:01Z")).toBe(1);
  });

  it("reroutes with their reasons", () => {
    expect(s.reroutes).toEqual({
      incidents: 1,
      events: 1,
      rate: 0.125,
      byDirection: { "security->safety": 1, "safety->security": 0 },
      items: [{ id: "INC-2026-0006", at: "2026-11-22T06:05:00.000Z", from: "security", to: "safety", reason: "no attacker: the retriever indexed a stale policy" }],
    });
  });

  it("open SEV1 and SEV2, most severe then oldest, with age, owner and status", () => {
    expect(s.openHighSeverity).toEqual({
      total: 2,
      items: [
        { id: "INC-2026-0007", title: '=HYPERLINK("x") model weights on a torrent site', severity: "SEV1", domain: "security", status: "acknowledged", assignee: "alan", createdAt: "2026-11-23T23:00:00.000Z", ageMinutes: 60 },
        { id: "INC-2026-0004", title: "bot told a user to double a dose", severity: "SEV2", domain: "safety", status: "open", assignee: null, createdAt: "2026-11-20T08:00:00.000Z", ageMinutes: 5280 },
      ],
    });
  });

  it("trend against the previous window of the same length", () => {
    expect(s.trend).toEqual({
      total: { current: 8, previous: 4, direction: "up" },
      byDomain: { safety: { current: 4, previous: 0, direction: "up" }, security: { current: 4, previous: 4, direction: "same" } },
      medianTimeToAck: { current: 20, previous: 25, direction: "down" },
    });
  });

  it("top taxonomy refs per framework", () => {
    expect(s.topRefs).toEqual({
      atlas: [
        { framework: "atlas", id: "AML.T0051", name: "LLM Prompt Injection", count: 1 },
        { framework: "atlas", id: "AML.T0054", name: "LLM Jailbreak", count: 1 },
      ],
      "owasp-llm": [{ framework: "owasp-llm", id: "LLM01:2025", name: "Prompt Injection", count: 2 }],
      "nist-ai-600-1": [{ framework: "nist-ai-600-1", id: "Confabulation", name: "Confabulation", count: 1 }],
    });
  });

  // Issue 15 made these calendar days in the window's time zone (UTC here, none given). The golden
  // window runs from UTC midnight to UTC midnight, so the seven days are the same as the old 24-hour
  // blocks and no figure moved; test/unit/chart-days.test.ts covers windows that start mid-day.
  it("incidents per day by domain with the day's median time to acknowledge", () => {
    expect(s.perDay.map((d) => [d.date, d.safety, d.security, d.medianAckMinutes])).toEqual([
      ["2026-11-17", 0, 1, 4],
      ["2026-11-18", 1, 1, 20],
      ["2026-11-19", 1, 0, null],
      ["2026-11-20", 1, 0, null],
      ["2026-11-21", 0, 1, null],
      ["2026-11-22", 1, 0, 50],
      ["2026-11-23", 0, 1, 10],
    ]);
    expect(s.perDay[0]!.start).toBe("2026-11-17T00:00:00.000Z");
  });

  it("is plain JSON and does not depend on the order of its input", () => {
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(summarize(build(CURRENT).reverse(), build(PREVIOUS).reverse(), WINDOW, opts)).toEqual(s);
  });
});

describe("summarize: edge cases", () => {
  it("an empty window", () => {
    const s = summarize([], [], WINDOW, opts);
    expect(s.total).toBe(0);
    expect(s.byDomain).toEqual({ safety: 0, security: 0 });
    expect(s.response.timeToAck.all.all).toEqual(empty);
    expect(s.response.ackBreaches.total).toBe(0);
    expect(s.reroutes).toMatchObject({ incidents: 0, rate: 0, items: [] });
    expect(s.openHighSeverity).toEqual({ total: 0, items: [] });
    expect(s.trend.total).toEqual({ current: 0, previous: 0, direction: "same" });
    expect(s.trend.medianTimeToAck).toEqual({ current: null, previous: null, direction: "n/a" });
    expect(s.topRefs).toEqual({ atlas: [], "owasp-llm": [], "nist-ai-600-1": [] });
    expect(s.perDay).toHaveLength(7);
    expect(s.perDay.every((d) => d.safety === 0 && d.security === 0 && d.medianAckMinutes === null)).toBe(true);
  });

  it("a window with only provisional incidents", () => {
    const s = summarize(
      build([
        { n: 1, domain: "security", severity: "SEV3", created: "2026-11-18T00:00:00Z", provisional: true },
        { n: 2, domain: "security", severity: "SEV3", created: "2026-11-19T00:00:00Z", provisional: true, ackAfter: 10, resolveAfter: 20 },
      ]),
      [],
      WINDOW,
      opts,
    );
    expect(s.provisional).toEqual({ total: 2, open: 1 });
    expect(s.byDomain).toEqual({ safety: 0, security: 2 });
    expect(s.trend.byDomain.security).toEqual({ current: 2, previous: 0, direction: "up" });
    expect(s.response.timeToAck.security.SEV3).toEqual({ n: 1, median: 10, p90: 10 });
  });

  it("lists an open SEV1 from before the window (the backlog) once, and filters it by domain", () => {
    const old = incident({ n: 50, domain: "safety", severity: "SEV1", created: "2026-10-01T00:00:00Z" });
    const s = summarize([], [], WINDOW, { ...opts, backlog: [old, old] });
    expect(s.openHighSeverity.total).toBe(1);
    expect(s.openHighSeverity.items[0]).toMatchObject({ id: "INC-2026-0050", ageMinutes: 54 * 1440 });
    expect(summarize([], [], { ...WINDOW, domain: "security" }, { ...opts, backlog: [old] }).openHighSeverity.total).toBe(0);
  });

  it("a window that is not whole days gets a partial last bucket", () => {
    const s = summarize([], [], { from: WINDOW.from, to: new Date(WINDOW.from.getTime() + 2.5 * 86_400_000) }, opts);
    expect(s.perDay.map((d) => d.date)).toEqual(["2026-11-17", "2026-11-18", "2026-11-19"]);
  });
});
