// Summaries on request: only managers get one; the build reads the window, the window before and the
// open backlog, and applies the roster's acknowledgement targets at the clock's time.
import { describe, expect, it } from "vitest";
import { Summaries, parseSummaryArgs } from "../../src/bot/summaries.js";
import { renderSummaryText } from "../../src/bot/summary-text.js";
import { ManualClock } from "../../src/clock.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { CURRENT, PREVIOUS, WINDOW, fill } from "../fixtures/summary/build.js";
import { testRoster } from "../support/roster.js";

async function setup() {
  const incidents = new MemoryIncidentStore();
  await fill(incidents, [...PREVIOUS, ...CURRENT, { n: 60, domain: "security", severity: "SEV1", created: "2026-09-01T00:00:00Z", title: "old open SEV1" }]);
  const clock = new ManualClock(WINDOW.to.getTime());
  return { incidents, clock, summaries: new Summaries({ incidents, roster: testRoster(), clock }) };
}

describe("Summaries", () => {
  it("refuses anyone who is not a manager, on-call people and incident managers included", async () => {
    const { summaries } = await setup();
    for (const actor of [
      { platform: "slack" as const, userId: "U0NOBODY" },
      { platform: "slack" as const, userId: "U0ADA" }, // safety on-call
      { platform: "console" as const, userId: "radia" }, // incident manager, not a manager
      { platform: "console" as const, userId: "U0MAYA" }, // Maya's Slack id typed on the console is not Maya
    ]) {
      const r = await summaries.forManager(actor, "7d");
      expect(r).toEqual({ ok: false, message: expect.stringMatching(/managers listed in the on-call roster/) });
    }
  });

  it("gives a manager the summary of the period, with the roster's targets and the open backlog", async () => {
    const { summaries } = await setup();
    const r = await summaries.forManager({ platform: "teams", userId: "aad-maya" }, "7d");
    if (!r.ok) throw new Error(r.message);
    const s = r.summary;
    expect(s.window).toMatchObject({ from: WINDOW.from.toISOString(), to: WINDOW.to.toISOString(), days: 7 });
    expect([s.total, s.previousTotal]).toEqual([8, 4]);
    expect(s.response.ackBreaches.total).toBe(5);
    expect(s.openHighSeverity.items.map((i) => i.title)).toEqual(["old open SEV1", '=HYPERLINK("x") model weights on a torrent site', "bot told a user to double a dose"]);
    const security = await summaries.forManager({ platform: "slack", userId: "U0MAYA" }, "30d", "security");
    expect(security.ok && security.summary).toMatchObject({ window: { days: 30, domain: "security" }, byDomain: { safety: 0, security: 8 }, openHighSeverity: { total: 2 } });
  });

  it("parses the chat arguments", () => {
    expect(parseSummaryArgs("")).toEqual({ period: "7d" });
    expect(parseSummaryArgs("security 90d")).toEqual({ period: "90d", domain: "security" });
    expect(parseSummaryArgs("weekly")).toBeUndefined();
  });

  it("renders the text every platform falls back to", async () => {
    const { summaries } = await setup();
    const text = renderSummaryText(await summaries.build(WINDOW.to, 7));
    expect(text).toContain("*AI incidents, last 7 days* (2026-11-17 00:00 → 2026-11-24 00:00 UTC)");
    expect(text).toContain("*Total:* 8 (up from 4 the 7 days before)");
    expect(text).toContain("• time to acknowledge (median / p90): all 20m / 50m (n=5); safety SEV3 30m / 50m (n=2); security SEV1 4m / 10m (n=2); security SEV2 20m / 20m (n=1)");
    expect(text).toContain("acknowledgement target missed: 5 (3 late, 2 still waiting)");
    expect(text).toContain("• INC-2026-0010 security → safety: no attacker: the retriever indexed a stale policy");
    expect(text).toContain("*Open SEV1/SEV2:* 3");
    expect(text).toContain("• OWASP LLM: LLM01:2025 Prompt Injection (2)");
    expect(renderSummaryText(await summaries.build(new Date("2020-01-08T00:00:00Z"), 7))).toMatch(/No incidents in this window/);
  });
});
