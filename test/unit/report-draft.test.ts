// `triage report`: golden drafts for both regimes and both formats (a fixed incident, a fixed clock),
// and the refusals that exit 2.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { UsageError } from "../../src/commands/command.js";
import { runReport } from "../../src/commands/report.js";
import { ROOT } from "../../src/config.js";
import { loadObligations } from "../../src/definitions.js";
import type { ReportDraft } from "../../src/domain/report-draft.js";
import { main } from "../../src/cli.js";
import { REPORT_INCIDENT, REPORT_NOW } from "../fixtures/report/incident.js";

const { regimes } = loadObligations({ OBLIGATIONS_FILE: join(ROOT, "flows/obligations.yaml") });
const golden = (name: string) => join(import.meta.dirname, "../fixtures/report", name);

/** A store holding the one fixture incident: a report reads nothing else. */
const incidents = { get: async (id: string) => (id === REPORT_INCIDENT.id ? structuredClone(REPORT_INCIDENT) : undefined) };

async function report(values: Record<string, unknown>, id = REPORT_INCIDENT.id) {
  const out: string[] = [];
  const code = await runReport(values, [id], regimes, { incidents, clock: new ManualClock(Date.parse(REPORT_NOW)), out: (t) => out.push(t) });
  return { code, text: out.join("\n") };
}

describe("triage report", () => {
  it.each([
    ["eu-ai-act-art73", "markdown", "art73-initial.md"],
    ["eu-ai-act-art73", "json", "art73-initial.json"],
    ["gdpr-art33", "markdown", "gdpr-initial.md"],
    ["gdpr-art33", "json", "gdpr-initial.json"],
  ])("%s as %s matches %s", async (regime, format, file) => {
    const r = await report({ regime, format });
    expect(r.code).toBe(0);
    await expect(r.text + "\n").toMatchFileSnapshot(golden(file));
  });

  it("a follow-up counts from --aware-at", async () => {
    const d = JSON.parse((await report({ regime: "gdpr-art33", format: "json", "follow-up": true, "aware-at": "2026-11-23T20:00:00+01:00" })).text) as ReportDraft;
    expect(d).toMatchObject({ kind: "follow-up", awareAt: "2026-11-23T19:00:00.000Z", deadline: { at: "2026-11-26T19:00:00.000Z", within: "72 hours" } });
    expect(d.fields.find((f) => f.id === "awareAt")).toMatchObject({ value: "2026-11-23T19:00:00.000Z", note: "given with --aware-at or set on the incident" });
  });

  it.each([
    [{ regime: "nis2" }, /--regime 'nis2' is not in the obligations file: one of eu-ai-act-art73, gdpr-art33/],
    [{}, /--regime is required/],
    [{ regime: "gdpr-art33", format: "pdf" }, /--format 'pdf'/],
    [{ regime: "gdpr-art33", initial: true, "follow-up": true }, /one of --initial or --follow-up/],
    [{ regime: "gdpr-art33", "aware-at": "2026-11-24 09:00" }, /--aware-at '2026-11-24 09:00': an ISO time with a zone/],
  ])("refuses %j", async (values, message) => {
    await expect(report(values)).rejects.toThrow(message);
    await expect(report(values)).rejects.toBeInstanceOf(UsageError);
  });

  it("refuses an unknown incident", async () => {
    await expect(report({ regime: "gdpr-art33" }, "INC-2026-9999")).rejects.toThrow("INC-2026-9999: no such incident in the store");
  });

  it("refuses to run without REDIS_URL, like summary and export", async () => {
    const saved = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    try {
      await expect(main(["report", "INC-2026-0042", "--regime", "gdpr-art33"])).rejects.toThrow(/triage report reads the incidents in Redis: set REDIS_URL/);
    } finally {
      if (saved !== undefined) process.env.REDIS_URL = saved;
    }
  });
});

describe("triage report --mark-sent and --set-aware-at", () => {
  async function withActions() {
    const { MemoryIncidentStore } = await import("../../src/store/memory.js");
    const { TicketActions } = await import("../../src/tickets/actions.js");
    const { parseObligations } = await import("../../src/domain/obligations-file.js");
    const { readYaml } = await import("../../src/definitions.js");
    const { testRoster } = await import("../support/roster.js");
    const { recordingQueue } = await import("../support/fixtures.js");
    const { DATA_LEAK_REPORT } = await import("../support/answers.js");
    const obligations = parseObligations(readYaml(join(ROOT, "flows/obligations.yaml")), "obligations");
    const store = new MemoryIncidentStore();
    const { id: _id, rev: _rev, ...draft } = { ...structuredClone(REPORT_INCIDENT), answers: { ...DATA_LEAK_REPORT } };
    const { incident } = await store.create(draft);
    const clock = new ManualClock(Date.parse(REPORT_NOW));
    const jobs: import("../../src/tickets/jobs.js").TicketJob[] = [];
    const tickets = new TicketActions({ incidents: store, queue: recordingQueue(jobs), roster: testRoster(), clock, obligations });
    const out: string[] = [];
    const run = (values: Record<string, unknown>) => runReport(values, [incident.id], regimes, { incidents: store, tickets, clock, out: (t) => out.push(t) });
    return { store, id: incident.id, jobs, out, run };
  }

  it("records the report as sent with who and when, once; an obligation that does not apply is refused", async () => {
    const t = await withActions();
    expect(await t.run({ regime: "gdpr-art33", "mark-sent": true, by: "ada" })).toBe(0);
    expect(t.out.at(-1)).toMatch(/GDPR Art\. 33: personal data breach marked reported \(complete\) by ada/);
    const stored = (await t.store.get(t.id))!;
    expect(stored.timeline.at(-1)).toMatchObject({ type: "obligation-reported", regime: "gdpr-art33", report: "complete", by: { platform: "console", userId: "ada" } });
    expect(t.jobs.at(-1)).toMatchObject({ name: "update", incidentId: t.id });
    await t.run({ regime: "gdpr-art33", "mark-sent": true, by: "ada" });
    expect(t.out.at(-1)).toContain("(nothing changed)");
    await expect(t.run({ regime: "eu-ai-act-art73", "mark-sent": true })).rejects.toThrow(/does not apply/);
  });

  it("--set-aware-at moves the deadlines and schedules the new reminders; a bad time changes nothing", async () => {
    const t = await withActions();
    const created = (await t.store.get(t.id))!.createdAt;
    const earlier = new Date(Date.parse(created) - 3_600_000).toISOString();
    expect(await t.run({ "set-aware-at": earlier, by: "ada" })).toBe(0);
    expect(t.jobs.filter((j) => j.name === "obligation-reminder").map((j) => j.name === "obligation-reminder" && j.deadlineAt)).toContain(new Date(Date.parse(earlier) + 72 * 3_600_000).toISOString());
    await expect(t.run({ "set-aware-at": "yesterday" })).rejects.toThrow(/an ISO time with a zone/);
    await expect(t.run({ "set-aware-at": earlier, regime: "gdpr-art33" })).rejects.toThrow(/--set-aware-at goes alone/);
    const after = new Date(Date.parse(created) + 60_000).toISOString();
    await expect(t.run({ "set-aware-at": after })).rejects.toThrow(/cannot be later than the report/);
  });
});
