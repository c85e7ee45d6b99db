// The storm decisions (src/domain/storm.ts) and the channel pacer's rule (src/store/channel-pacer.ts):
// pure functions, the memory backends that share them with Redis, and the parent's card on both platforms.
import { describe, expect, it } from "vitest";
import { DEFAULT_STORM, batchText, inStorm, joinMember, stormNote, stormRole, stormSignature, stormTick, summarize } from "../../src/domain/storm.js";
import { MemoryStormIndex } from "../../src/store/storm-index.js";
import { MemoryChannelPacer, gcra } from "../../src/store/channel-pacer.js";
import { ticketCard as slackCard } from "../../adapters/slack/blocks/ticket.js";
import { ticketCard as teamsCard } from "../../adapters/teams/cards/ticket.js";
import { makeDraft } from "../support/fixtures.js";

const policy = { ...DEFAULT_STORM, threshold: 3 };
const report = (asset: string, kind: string, domain: "safety" | "security" = "security") => ({ answers: { asset, attackKind: kind }, routing: { domain } }) as never;

describe("storm signature", () => {
  it("relates reports of one domain, asset and kind, and nothing without an asset or kind", () => {
    expect(stormSignature(report("user-data", "prompt-injection"))).toBe(stormSignature(report("user-data", "prompt-injection")));
    expect(stormSignature(report("user-data", "prompt-injection"))).not.toBe(stormSignature(report("outputs", "prompt-injection")));
    expect(stormSignature(report("user-data", "prompt-injection"))).not.toBe(stormSignature(report("user-data", "jailbreak")));
    expect(stormSignature(report("user-data", "prompt-injection", "security"))).not.toBe(stormSignature(report("user-data", "prompt-injection", "safety")));
    expect(stormSignature({ answers: { asset: "user-data" }, routing: { domain: "security" } } as never)).toBeUndefined();
    // A hash: the reporter's words never become part of a Redis key.
    expect(stormSignature(report("user data <!channel>", "x"))).toMatch(/^security\.[0-9a-z]+\.[0-9a-z]+$/);
  });
});

describe("storm role", () => {
  it("posts the parent and everything up to the threshold, groups the rest under the parent", () => {
    expect(stormRole("INC-2026-0001", { parent: "INC-2026-0001", recent: 50 }, policy)).toEqual({ role: "parent" });
    expect(stormRole("INC-2026-0002", { parent: "INC-2026-0001", recent: 3 }, policy)).toEqual({ role: "alone" });
    expect(stormRole("INC-2026-0005", { parent: "INC-2026-0001", recent: 4 }, policy)).toEqual({ role: "child", parent: "INC-2026-0001" });
    expect(stormRole("INC-2026-0005", { parent: "INC-2026-0001", recent: 400 }, { ...policy, threshold: 0 })).toEqual({ role: "alone" });
    expect(inStorm({ parent: "INC-2026-0001", recent: 4 }, policy)).toBe(true);
    expect(inStorm({ recent: 40 }, policy)).toBe(false);
  });

  it("refreshes once per period, after it ends", () => {
    const a = stormTick(new Date(10_001), { ...policy, editEveryMs: 5_000 });
    expect(a).toEqual({ tick: 2, endsAt: 15_000 });
    expect(stormTick(new Date(14_999), { ...policy, editEveryMs: 5_000 }).tick).toBe(2);
    expect(stormTick(new Date(15_000), { ...policy, editEveryMs: 5_000 }).tick).toBe(3);
  });

  it("counts incidents and joined reports, never down, and lists them in plain text", () => {
    const members = ["INC-2026-0001", "INC-2026-0002", joinMember("INC-2026-0001", 4), "INC-2026-0003"];
    const s = summarize(members, undefined, new Date("2026-12-01T03:04:05Z"));
    expect(s).toEqual({ reports: 4, incidents: 3, listed: 0, since: "2026-12-01T03:04:05.000Z" });
    expect(summarize(members.slice(0, 2), { ...s, listed: 4 }, new Date())).toEqual({ ...s, listed: 4 });
    const text = batchText("INC-2026-0001", [{ member: members[2]! }, { member: "INC-2026-0003", incident: { id: "INC-2026-0003", title: "leak", reporter: { platform: "slack", userId: "U1", name: "Ada" }, classification: { severity: "SEV2" } as never } }], s, 2);
    expect(text).toContain("Reports 3-4:");
    expect(text).toContain("another report joined to INC-2026-0001");
    expect(text).toContain("INC-2026-0003 SEV2 from Ada: leak");
    expect(stormNote({ id: "INC-2026-0001", storm: s })).toMatch(/^Storm: 4 reports in 3 incidents since 03:04 UTC/);
    expect(stormNote({ id: "INC-2026-0001" })).toBeUndefined();
  });
});

describe("storm index (memory)", () => {
  it("counts a report once, keeps the first parent, and lists reports in the order they were counted", async () => {
    const idx = new MemoryStormIndex();
    const o = { windowMs: 60_000, ttlMs: 120_000 };
    expect(await idx.note("s", "INC-2026-0002", new Date(2_000), { ...o, parent: "INC-2026-0002" })).toEqual({ parent: "INC-2026-0002", recent: 1 });
    expect(await idx.note("s", "INC-2026-0001", new Date(1_000), { ...o, parent: "INC-2026-0001" })).toEqual({ parent: "INC-2026-0002", recent: 2 });
    expect(await idx.note("s", "INC-2026-0001", new Date(3_000), { ...o, parent: "INC-2026-0001" })).toEqual({ parent: "INC-2026-0002", recent: 2 });
    expect(await idx.members("s")).toEqual(["INC-2026-0002", "INC-2026-0001"]);
    // Past the window the count starts again; the parent stays while the storm lives.
    expect((await idx.note("s", "INC-2026-0003", new Date(100_000), o)).recent).toBe(1);
    expect(await idx.replaceParent("s", "INC-2026-0009", "INC-2026-0003")).toBe(false);
    expect(await idx.replaceParent("s", "INC-2026-0002", "INC-2026-0003")).toBe(true);
    expect((await idx.note("s", "INC-2026-0004", new Date(100_001), o)).parent).toBe("INC-2026-0003");
  });
});

describe("channel pacing", () => {
  it("lets one post through per interval, a burst after a quiet spell, and says how long to wait", () => {
    const p = { intervalMs: 1000, burst: 1 };
    let d = gcra(undefined, 0, p);
    expect(d).toEqual({ wait: 0, due: 1000 });
    expect(gcra(d.due, 400, p)).toEqual({ wait: 600, due: 1000 });
    d = gcra(d.due, 1000, p);
    expect(d).toEqual({ wait: 0, due: 2000 });
    const burst = { intervalMs: 1000, burst: 3 };
    let due: number | undefined;
    const waits = [0, 0, 0, 0].map(() => {
      const r = gcra(due, 0, burst);
      if (!r.wait) due = r.due;
      return r.wait;
    });
    expect(waits).toEqual([0, 0, 0, 1000]);
  });

  it("paces each channel on its own (memory backend)", async () => {
    let now = 0;
    const pacer = new MemoryChannelPacer({ intervalMs: 1000, burst: 1 }, () => now);
    expect(await pacer.take("slack:C1")).toBe(0);
    expect(await pacer.take("slack:C1")).toBe(1000);
    expect(await pacer.take("slack:C2")).toBe(0);
    now = 1000;
    expect(await pacer.take("slack:C1")).toBe(0);
    expect(await new MemoryChannelPacer({ intervalMs: 0, burst: 1 }).take("slack:C1")).toBe(0);
  });
});

describe("the storm parent's card", () => {
  it("shows the rolling count on Slack and on Teams, and nothing on a card without a storm", () => {
    const plain = { ...makeDraft(), id: "INC-2026-0001", rev: 3 };
    const parent = { ...plain, storm: { reports: 412, incidents: 230, listed: 300, since: "2026-12-01T03:04:05.000Z" } };
    const slack = (i: typeof plain) => JSON.stringify(slackCard(i, { routeCount: 1 }));
    const teams = (i: typeof plain) => JSON.stringify(teamsCard({ incident: i, route: 1 }));
    expect(slack(parent)).toContain("Storm: 412 reports in 230 incidents since 03:04 UTC");
    expect(teams(parent)).toContain("Storm: 412 reports in 230 incidents since 03:04 UTC");
    expect(slack(plain)).not.toContain("Storm:");
    expect(teams(plain)).not.toContain("Storm:");
  });
});
