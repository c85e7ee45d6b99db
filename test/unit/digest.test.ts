// The digest check with an injected clock: first start, on-time run, DST, a worker down over the
// scheduled time (exactly one post when it comes back), partial failures, concurrent checks, and the
// embedded timer.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEmbeddedApp } from "../../src/app.js";
import { Summaries } from "../../src/bot/summaries.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import { MemoryDigestMarks } from "../../src/digest/marks.js";
import { checkDigest, type Digest, type DigestDeps } from "../../src/digest/post.js";
import { startEmbeddedDigest } from "../../src/digest/runner.js";
import type { Roster } from "../../src/domain/roster.js";
import { silentLogger } from "../../src/log.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { DeliveryError, RecordingNotifier } from "../../src/tickets/notifier.js";
import { fill } from "../fixtures/summary/build.js";
import { defs } from "../support/defs.js";
import { testRoster } from "../support/roster.js";

const digest: NonNullable<Roster["digest"]> = {
  schedule: { day: "monday", time: "09:00", timeZone: "Europe/Berlin" },
  period: "7d",
  destinations: { console: { channel: "#managers" }, teams: { conversationId: "19:mgr@thread.tacv2", serviceUrl: "https://smba.example/emea/" } },
};
const roster: Roster = { ...testRoster(), digest };

async function setup(send: (d: Digest) => Promise<void> = async () => {}) {
  const incidents = new MemoryIncidentStore();
  await fill(incidents, [{ n: 1, domain: "safety", severity: "SEV3", created: "2026-03-25T10:00:00Z", ackAfter: 12 }]);
  const clock = new ManualClock(Date.parse("2026-03-16T12:00:00Z"));
  const posts: Digest[] = [];
  const deps: DigestDeps = {
    app: { summaries: new Summaries({ incidents, roster, clock }), defs: { ...defs(), roster } },
    send: async (d) => {
      await send(d);
      posts.push(d);
    },
    log: silentLogger,
    clock,
    marks: new MemoryDigestMarks(), // kept across "restarts", as the Redis marks are
  };
  return { deps, clock, posts, check: () => checkDigest(deps) };
}

describe("digest check", () => {
  it("first start records a baseline; the next run posts once to every destination", async () => {
    const { clock, posts, check } = await setup();
    expect(await check()).toEqual({ action: "baseline", at: "2026-03-16T08:00:00.000Z", next: "2026-03-23T08:00:00.000Z" });
    clock.set("2026-03-23T07:59:59Z");
    expect(await check()).toEqual({ action: "wait", next: "2026-03-23T08:00:00.000Z" });
    clock.set("2026-03-23T08:00:20Z");
    expect(await check()).toEqual({ action: "posted", at: "2026-03-23T08:00:00.000Z", missed: false, skipped: 0, destinations: 2 });
    expect(await check()).toMatchObject({ action: "wait" });
    expect(posts.map((p) => [p.to, p.scheduledAt])).toEqual([
      [{ platform: "teams", address: "19:mgr@thread.tacv2", serviceUrl: "https://smba.example/emea/" }, "2026-03-23T08:00:00.000Z"],
      [{ platform: "console", address: "#managers" }, "2026-03-23T08:00:00.000Z"],
    ]);
    const p = posts[0]!;
    expect(p.summary.window).toMatchObject({ from: "2026-03-16T08:00:00.000Z", to: "2026-03-23T08:00:00.000Z", days: 7 });
    expect(p.png!.subarray(1, 4).toString()).toBe("PNG");
    expect(p.text).toMatch(/^\*AI incidents, last 7 days\*/);
    expect(p.text).toContain("```\nIncidents per day");
  });

  it("a worker down over the (DST-shifted) run posts it exactly once when it comes back", async () => {
    const { clock, posts, check, deps } = await setup();
    await deps.marks.setLast(new Date("2026-03-23T08:00:00Z")); // last week's run was posted
    clock.set("2026-03-30T15:00:00Z"); // the 09:00 CEST (07:00Z) run passed while nothing ran
    expect(await check()).toEqual({ action: "posted", at: "2026-03-30T07:00:00.000Z", missed: true, skipped: 0, destinations: 2 });
    clock.advance(60_000);
    expect(await check()).toMatchObject({ action: "wait", next: "2026-04-06T07:00:00.000Z" });
    expect(posts).toHaveLength(2); // one run, two destinations
    expect(posts[0]!.summary.byDomain.safety).toBe(1);
  });

  it("after three missed weeks posts only the latest run", async () => {
    const { clock, posts, check, deps } = await setup();
    await deps.marks.setLast(new Date("2026-03-23T08:00:00Z"));
    clock.set("2026-04-14T10:00:00Z");
    expect(await check()).toMatchObject({ action: "posted", at: "2026-04-13T07:00:00.000Z", skipped: 2 });
    expect(await check()).toMatchObject({ action: "wait" });
    expect(new Set(posts.map((p) => p.scheduledAt))).toEqual(new Set(["2026-04-13T07:00:00.000Z"]));
  });

  it("two checks at once post once", async () => {
    const { clock, posts, check, deps } = await setup();
    await deps.marks.setLast(new Date("2026-03-16T08:00:00Z"));
    clock.set("2026-03-23T08:00:01Z");
    const outcomes = await Promise.all([check(), check(), check()]);
    expect(outcomes.map((o) => o.action).sort()).toEqual(["claimed-elsewhere", "claimed-elsewhere", "posted"]);
    expect(posts).toHaveLength(2);
  });

  it("retries only the destination that failed; gives up on a permanent failure", async () => {
    let teamsDown = true;
    const { clock, posts, check, deps } = await setup(async (d) => {
      if (d.to.platform === "teams" && teamsDown) throw new DeliveryError("503 from Teams");
    });
    await deps.marks.setLast(new Date("2026-03-16T08:00:00Z"));
    clock.set("2026-03-23T08:00:01Z");
    expect(await check()).toEqual({ action: "failed", at: "2026-03-23T08:00:00.000Z", failed: 1 });
    expect(posts.map((p) => p.to.platform)).toEqual(["console"]);
    teamsDown = false;
    clock.advance(60_000);
    expect(await check()).toMatchObject({ action: "posted" });
    expect(posts.map((p) => p.to.platform)).toEqual(["console", "teams"]);

    const gone = await setup(async (d) => {
      if (d.to.platform === "teams") throw new DeliveryError("channel deleted", undefined, true);
    });
    await gone.deps.marks.setLast(new Date("2026-03-16T08:00:00Z"));
    gone.clock.set("2026-03-23T08:00:01Z");
    expect(await gone.check()).toMatchObject({ action: "posted" });
    expect(await gone.check()).toMatchObject({ action: "wait" });
  });

  it("does nothing without a digest in the roster", async () => {
    const { deps } = await setup();
    expect(await checkDigest({ ...deps, app: { ...deps.app, defs: { ...defs(), roster: testRoster() } } })).toEqual({ action: "disabled" });
  });
});

describe("embedded digest", () => {
  afterEach(() => vi.useRealTimers());

  it("wakes on a timer, posts the run once, and stops", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const clock = new ManualClock(Date.parse("2026-03-23T07:58:00Z"));
    const app = createEmbeddedApp(loadConfig({}), { notifier: new RecordingNotifier(), log: silentLogger, clock, defs: { ...defs(), roster } });
    const posts: Digest[] = [];
    const handle = startEmbeddedDigest({ app, send: async (d) => void posts.push(d), log: silentLogger, clock, tickMs: 60_000 });
    for (let k = 0; k < 5; k++) {
      clock.advance(60_000);
      await vi.advanceTimersByTimeAsync(60_000);
    }
    expect(posts.map((p) => `${p.to.platform} ${p.scheduledAt}`)).toEqual(["teams 2026-03-23T08:00:00.000Z", "console 2026-03-23T08:00:00.000Z"]);
    await handle.stop();
    clock.set("2026-03-30T08:00:00Z");
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(posts).toHaveLength(2);
    await app.close();
  });
});
