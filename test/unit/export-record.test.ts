// `triage export INC-... --format avid|atlas|aiid` in process on a memory store, and as a process
// without REDIS_URL (exit 2, like the other store commands).
import { describe, expect, it } from "vitest";
import { Summaries } from "../../src/bot/summaries.js";
import { ManualClock } from "../../src/clock.js";
import { UsageError } from "../../src/commands/command.js";
import { runRecordExport } from "../../src/commands/export-record.js";
import type { ReportIO } from "../../src/commands/summary.js";
import type { Incident } from "../../src/domain/incident.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { runCli } from "../support/cli.js";
import { testRoster } from "../support/roster.js";
import { NOW, inventory, safetyIncident, securityIncident, tactics } from "../fixtures/exports/incidents.js";

const files = { inventory, tactics };

async function io() {
  const incidents = new MemoryIncidentStore();
  const ids: Record<string, string> = {};
  for (const i of [securityIncident, safetyIncident]) {
    const { id: _id, rev: _rev, ...draft } = i;
    ids[i.classification.primary] = (await incidents.create(draft as Omit<Incident, "id" | "rev">)).incident.id;
  }
  const clock = new ManualClock(NOW.getTime());
  const out: string[] = [];
  const err: string[] = [];
  const r: ReportIO = { incidents, clock, summaries: new Summaries({ incidents, roster: testRoster(), clock }), out: (t) => out.push(t), err: (t) => err.push(t), writeFile: () => {} };
  return { io: r, ids: ids as { security: string; safety: string }, out, err };
}

describe("triage export INC-... (public records)", () => {
  it("prints a preview note first, then the record as JSON", async () => {
    const t = await io();
    expect(await runRecordExport({ format: "atlas", system: "support-bot" }, t.ids.security, files, t.io)).toBe(0);
    const [first, ...rest] = t.out[0]!.split("\n");
    expect(first).toBe("// atlas preview only: nothing was sent; review it, then submit it yourself");
    const record = JSON.parse(rest.join("\n")) as { study: { target: string; procedure: unknown[] } };
    expect(record.study.target).toBe("Customer support assistant 2.3.0");
    expect(t.err.join("\n")).toContain("nothing was sent");
  });

  it("refuses ATLAS for a safety incident, an unknown system, and AIID without a public URL", async () => {
    const t = await io();
    await expect(runRecordExport({ format: "atlas" }, t.ids.safety, files, t.io)).rejects.toThrow(/safety incident \(no adversary\)/);
    await expect(runRecordExport({ format: "avid", system: "nope" }, t.ids.safety, files, t.io)).rejects.toThrow(/--system nope: not in the inventory \(known: support-bot, cv-screener\)/);
    await expect(runRecordExport({ format: "aiid" }, t.ids.safety, files, t.io)).rejects.toThrow(/give --url/);
    await expect(runRecordExport({ format: "avid" }, "INC-2026-9999", files, t.io)).rejects.toThrow(UsageError);
    expect(t.out).toEqual([]);
  });

  it("as a process: exit 2 without REDIS_URL, and window formats still checked as before", async () => {
    const noRedis = await runCli(["export", "INC-2026-0042", "--format", "avid"]);
    expect(noRedis.code).toBe(2);
    expect(noRedis.err).toMatch(/triage export reads the incidents in Redis: set REDIS_URL/);
    expect(noRedis.out).toBe("");
    const badFormat = await runCli(["export", "INC-2026-0042", "--format", "csv"]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toMatch(/export takes no arguments/);
  });
});
