// `triage summary` and `triage export` run against a store the test fills; their outputs are parsed back.
import { describe, expect, it } from "vitest";
import { Summaries } from "../../src/bot/summaries.js";
import { main } from "../../src/cli.js";
import { ManualClock } from "../../src/clock.js";
import { UsageError } from "../../src/commands/command.js";
import { EXPORT_COLUMNS, csvCell, runExport, runSummary, summaryCommands, type ReportIO } from "../../src/commands/summary.js";
import { loadConfig } from "../../src/config.js";
import { Incident } from "../../src/domain/incident.js";
import type { Summary } from "../../src/domain/summary.js";
import { MemoryIncidentStore } from "../../src/store/memory.js";
import { CURRENT, PREVIOUS, WINDOW, fill } from "../fixtures/summary/build.js";
import { testRoster } from "../support/roster.js";

async function io() {
  const incidents = new MemoryIncidentStore();
  await fill(incidents, [...PREVIOUS, ...CURRENT]);
  const clock = new ManualClock(WINDOW.to.getTime());
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, Buffer>();
  const r: ReportIO = {
    incidents,
    clock,
    summaries: new Summaries({ incidents, roster: testRoster(), clock }),
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    writeFile: (p, d) => files.set(p, d),
  };
  return { io: r, out, err, files };
}

/** A minimal RFC 4180 reader: quoted cells, doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") rows.at(-1)!.push(cell), (cell = "");
    else if (ch === "\n") rows.at(-1)!.push(cell), (cell = ""), rows.push([]);
    else cell += ch;
  }
  rows.at(-1)!.push(cell);
  return rows;
}

describe("triage summary", () => {
  it("--json prints the whole Summary as one JSON object", async () => {
    const t = await io();
    expect(await runSummary({ json: true }, t.io)).toBe(0);
    expect(t.out).toHaveLength(1);
    const s = JSON.parse(t.out[0]!) as Summary;
    expect(s).toMatchObject({ total: 8, previousTotal: 4, byDomain: { safety: 4, security: 4 }, window: { days: 7 } });
    expect(s.response.timeToAck.all.all).toEqual({ n: 5, median: 20, p90: 50 });
  });

  it("--csv prints one figure per row in long format", async () => {
    const t = await io();
    await runSummary({ csv: true, domain: "security" }, t.io);
    const rows = parseCsv(t.out[0]!);
    expect(rows[0]).toEqual(["metric", "domain", "severity", "date", "value"]);
    const value = (metric: string, domain = "all", severity = "all", date = "") =>
      rows.find((r) => r[0] === metric && r[1] === domain && r[2] === severity && r[3] === date)?.[4];
    expect(value("total")).toBe("4");
    expect(value("previous_total")).toBe("4");
    expect(value("incidents", "security")).toBe("4");
    expect(value("incidents", "all", "SEV1")).toBe("2");
    expect(value("time_to_ack_median_min", "security", "SEV1")).toBe("4");
    expect(value("time_to_ack_p90_min", "security", "all")).toBe("20");
    expect(value("time_to_ack_n", "security", "SEV4")).toBe("0");
    expect(value("time_to_ack_median_min", "security", "SEV4")).toBe(""); // no data: empty, not 0
    expect(value("ack_breaches")).toBe("3");
    expect(value("incidents_per_day", "security", "all", "2026-11-21")).toBe("1");
    expect(rows.every((r) => r.length === 5)).toBe(true);
  });

  it("--since a date, --chart FILE.png, and text output by default", async () => {
    const t = await io();
    await runSummary({ since: "2026-11-20", chart: "out.png" }, t.io);
    expect(t.out[0]).toContain("*AI incidents, last 4 days* (2026-11-20 00:00 → 2026-11-24 00:00 UTC)");
    expect(t.out[0]).toContain("Incidents per day, 2026-11-20 → 2026-11-23");
    expect(t.files.get("out.png")!.subarray(1, 4).toString()).toBe("PNG");
    expect(t.err).toEqual(["chart written to out.png"]);
  });

  it("refuses bad flags with a one-line usage error", async () => {
    const t = await io();
    await expect(runSummary({ json: true, csv: true }, t.io)).rejects.toThrow(/choose one of --json or --csv/);
    await expect(runSummary({ since: "2w" }, t.io)).rejects.toThrow(UsageError);
    await expect(runSummary({ since: "2026-02-30" }, t.io)).rejects.toThrow(/use 7d, 30d, 90d or a date/);
    await expect(runSummary({ since: "2026-12-01" }, t.io)).rejects.toThrow(/not in the past/);
    await expect(runSummary({ domain: "privacy" }, t.io)).rejects.toThrow(/safety or security/);
    await expect(runSummary({ chart: "out.svg" }, t.io)).rejects.toThrow(/must end in \.png/);
    const cfg = () => loadConfig({});
    await expect(summaryCommands.summary!.run({ values: {}, positionals: ["30d"] }, cfg)).rejects.toThrow(UsageError);
    await expect(summaryCommands.export!.run({ values: { format: "xml" }, positionals: [] }, cfg)).rejects.toThrow(/csv, json or jsonl/);
    await expect(main(["summary", "--weekly"])).rejects.toThrow(UsageError);
  });
});

describe("triage export", () => {
  it("--format csv: one row per incident with the audit columns, spreadsheet formulas defused", async () => {
    const t = await io();
    await runExport({ format: "csv" }, t.io);
    const rows = parseCsv(t.out[0]!);
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows).toHaveLength(9);
    const byId = new Map(rows.slice(1).map((r) => [r[0], Object.fromEntries(EXPORT_COLUMNS.map((c, k) => [c, r[k]]))]));
    expect(byId.get("INC-2026-0010")).toMatchObject({ domain: "safety", severity: "SEV3", status: "resolved", reroutes: "1", reroute_reasons: "security->safety: no attacker: the retriever indexed a stale policy", minutes_to_ack: "50", minutes_to_resolve: "90", assignee: "ada" });
    expect(byId.get("INC-2026-0005")).toMatchObject({ cross_domain: "security->safety", attack_kind: "prompt-injection", refs: "atlas:AML.T0051;owasp-llm:LLM01:2025", acknowledged_at: "2026-11-17T01:04:00.000Z" });
    expect(byId.get("INC-2026-0009")).toMatchObject({ provisional: "true", escalations: "2", acknowledged_at: "", minutes_to_ack: "" });
    expect(byId.get("INC-2026-0011")!.title).toBe(`'=HYPERLINK("x") model weights on a torrent site`);
    expect(t.err).toEqual(["8 incidents created 2026-11-17T00:00:00.000Z to 2026-11-24T00:00:00.000Z"]);
  });

  it("--format json is an array of whole records; jsonl one per line", async () => {
    const t = await io();
    await runExport({ format: "json", since: "30d", domain: "safety" }, t.io);
    const arr = JSON.parse(t.out[0]!) as unknown[];
    expect(arr).toHaveLength(4);
    for (const x of arr) expect(() => Incident.parse(x)).not.toThrow();
    await runExport({ format: "jsonl" }, t.io);
    expect(t.out[1]!.split("\n").map((l) => (JSON.parse(l) as Incident).id)).toHaveLength(8);
  });

  it("quotes CSV cells per RFC 4180", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("-1 day")).toBe("'-1 day");
    expect(csvCell(null)).toBe("");
    expect(csvCell(3.5)).toBe("3.5");
  });
});
