// `triage summary` and `triage export` (manager reports and audits). Both read the store in Redis
// (REDIS_URL) and refuse to run without it: the embedded store of a new process is always empty, and
// an empty report with exit 0 reads as "nothing happened". The console chat's `summary` reads its own
// embedded store and does not come through here. The report
// logic takes its store as a parameter (ReportIO) so tests run it without a process or Redis.
import { writeFileSync } from "node:fs";
import { renderSummaryText } from "../bot/summary-text.js";
import { incidentsChartPng, incidentsChartText } from "../charts/incidents.js";
import type { Config } from "../config.js";
import type { Incident } from "../domain/incident.js";
import { DOMAINS, SEVERITIES, type Summary } from "../domain/summary.js";
import type { Domain } from "../domain/vocabulary.js";
import { createLogger } from "../log.js";
import { UsageError, type Command } from "./command.js";
import { isRecordFormat, loadRecordFiles, recordFlags, runRecordExport } from "./export-record.js";
import type { ReportIO } from "./report-io.js";

export type { ReportIO };

const DAY_MS = 86_400_000;


type Values = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** `7d`, `30d`, `90d` (any 1 to 366 days) before now, or a UTC date (YYYY-MM-DD) up to now. */
export function parseSince(value: string | undefined, now: Date): Date {
  const v = value ?? "7d";
  const days = /^(\d{1,3})d$/.exec(v);
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > 366) throw new UsageError(`--since ${v}: between 1d and 366d`);
    return new Date(now.getTime() - n * DAY_MS);
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const t = date ? Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) : NaN;
  if (!date || new Date(t).toISOString().slice(0, 10) !== v) throw new UsageError(`--since '${v}': use 7d, 30d, 90d or a date YYYY-MM-DD`);
  if (t >= now.getTime()) throw new UsageError(`--since ${v} is not in the past`);
  return new Date(t);
}

function parseDomain(v: unknown): Domain | undefined {
  if (v === undefined) return undefined;
  if (v === "safety" || v === "security") return v;
  throw new UsageError(`--domain '${String(v)}': safety or security`);
}

/** Checks every flag, so a mistake fails before anything connects. */
function summaryFlags(values: Values, now: Date) {
  if (values.json && values.csv) throw new UsageError("summary: choose one of --json or --csv");
  const chart = str(values.chart);
  if (chart !== undefined && !/\.png$/i.test(chart)) throw new UsageError(`--chart ${chart}: the file name must end in .png`);
  return { from: parseSince(str(values.since), now), domain: parseDomain(values.domain), chart };
}

function exportFlags(values: Values, now: Date) {
  const format = str(values.format) ?? "json";
  if (!["csv", "json", "jsonl"].includes(format)) throw new UsageError(`--format '${format}': csv, json or jsonl (avid, atlas and aiid take one incident: export INC-... --format avid)`);
  return { from: parseSince(str(values.since), now), domain: parseDomain(values.domain), format };
}

export async function runSummary(values: Values, io: ReportIO): Promise<number> {
  const now = io.clock.now();
  const { from, domain, chart } = summaryFlags(values, now);
  const summary = await io.summaries.buildWindow(from, now, domain);
  if (chart !== undefined) {
    try {
      io.writeFile(chart, incidentsChartPng(summary));
    } catch (e) {
      throw new UsageError(`--chart ${chart}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    io.err(`chart written to ${chart}`);
  }
  if (values.json) io.out(JSON.stringify(summary));
  else if (values.csv) io.out(summaryCsv(summary));
  else io.out(`${renderSummaryText(summary)}\n\n${incidentsChartText(summary)}`);
  return 0;
}

export async function runExport(values: Values, io: ReportIO): Promise<number> {
  const now = io.clock.now();
  const { from, domain, format } = exportFlags(values, now);
  const incidents = await io.incidents.list({ from, to: now, ...(domain ? { domain } : {}) });
  io.err(`${incidents.length} incidents created ${from.toISOString()} to ${now.toISOString()}`);
  if (format === "csv") io.out(incidentsCsv(incidents));
  else if (format === "jsonl") io.out(incidents.map((i) => JSON.stringify(i)).join("\n"));
  else io.out(JSON.stringify(incidents, null, 2));
  return 0;
}

// ---- CSV -----------------------------------------------------------------------------------------

/**
 * RFC 4180 quoting. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe: titles and reasons are typed by reporters, and exports are opened in Excel.
 */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v !== "string") return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
const csvLine = (cells: Array<string | number | boolean | null | undefined>) => cells.map(csvCell).join(",");

/** Long format, one figure per row: metric, domain, severity, date, value ("all" where it does not apply). */
export function summaryCsv(s: Summary): string {
  const rows: Array<[string, string, string, string, number | string | null]> = [
    ["total", "all", "all", "", s.total],
    ["previous_total", "all", "all", "", s.previousTotal],
    ...DOMAINS.map((d) => ["incidents", d, "all", "", s.byDomain[d]] as [string, string, string, string, number]),
    ...SEVERITIES.map((k) => ["incidents", "all", k, "", s.bySeverity[k]] as [string, string, string, string, number]),
    ...Object.entries(s.byStatus).map(([k, v]) => [`status_${k}`, "all", "all", "", v] as [string, string, string, string, number]),
    ["provisional", "all", "all", "", s.provisional.total],
    ["provisional_open", "all", "all", "", s.provisional.open],
    ["cross_domain", "all", "all", "", s.crossDomain.total],
    ...Object.entries(s.crossDomain.byDirection).map(([k, v]) => [`cross_domain_${k}`, "all", "all", "", v] as [string, string, string, string, number]),
    ["escalation_events", "all", "all", "", s.response.escalations.events],
    ["ack_breaches", "all", "all", "", s.response.ackBreaches.total],
    ["rerouted_incidents", "all", "all", "", s.reroutes.incidents],
    ["reroute_rate", "all", "all", "", s.reroutes.rate],
    ["open_sev1_sev2", "all", "all", "", s.openHighSeverity.total],
  ];
  for (const [name, table] of [["ack", s.response.timeToAck], ["resolve", s.response.timeToResolve]] as const) {
    for (const d of ["all", ...DOMAINS] as const) {
      for (const k of ["all", ...SEVERITIES] as const) {
        const cell = table[d][k];
        rows.push([`time_to_${name}_n`, d, k, "", cell.n], [`time_to_${name}_median_min`, d, k, "", cell.median], [`time_to_${name}_p90_min`, d, k, "", cell.p90]);
      }
    }
  }
  for (const day of s.perDay) {
    rows.push(["incidents_per_day", "safety", "all", day.date, day.safety], ["incidents_per_day", "security", "all", day.date, day.security]);
    rows.push(["median_ack_per_day_min", "all", "all", day.date, day.medianAckMinutes]);
  }
  return [csvLine(["metric", "domain", "severity", "date", "value"]), ...rows.map(csvLine)].join("\n");
}

export const EXPORT_COLUMNS = [
  "id", "created_at", "acknowledged_at", "resolved_at", "domain", "provisional", "severity", "status", "cross_domain",
  "assignee", "level", "escalations", "reroutes", "reroute_reasons", "minutes_to_ack", "minutes_to_resolve", "intent",
  "attack_kind", "failure_kind", "asset", "refs", "title", "reporter_platform", "reporter_id", "reporter_name", "conversation_id",
] as const;

const minutesBetween = (a: string, b: string | undefined) => (b === undefined ? null : Math.round((Date.parse(b) - Date.parse(a)) / 600) / 100);
const answer = (i: Incident, q: string) => [i.answers[q] ?? []].flat().join(";");

/** One row per incident; lists inside a cell are joined with ';'. */
export function incidentsCsv(incidents: Incident[]): string {
  const rows = incidents.map((i) => {
    const reroutes = i.timeline.flatMap((e) => (e.type === "rerouted" ? [e] : []));
    return csvLine([
      i.id, i.createdAt, i.acknowledgedAt, i.resolvedAt, i.routing.domain, i.classification.provisional, i.classification.severity, i.status,
      i.classification.crossDomain.join(";"), i.assignee, i.level, i.timeline.filter((e) => e.type === "escalated").length, reroutes.length,
      reroutes.map((e) => `${e.from}->${e.to}: ${e.reason}`).join(";"), minutesBetween(i.createdAt, i.acknowledgedAt), minutesBetween(i.createdAt, i.resolvedAt),
      answer(i, "intent"), answer(i, "attackKind"), answer(i, "failureKind"), answer(i, "asset"),
      i.classification.refs.map((r) => `${r.framework}:${r.id}`).join(";"), i.title, i.reporter.platform, i.reporter.userId, i.reporter.name, i.conversationId,
    ]);
  });
  return [EXPORT_COLUMNS.join(","), ...rows].join("\n");
}

// ---- process wiring ------------------------------------------------------------------------------

/** Opens the Redis store for one command and closes it after, whatever happens; `what` names the command in the refusal. */
export async function withStore(cfg: Config, run: (io: ReportIO) => Promise<number>, what = "this command"): Promise<number> {
  if (!cfg.REDIS_URL) throw new UsageError(`${what} reads the incidents in Redis: set REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379); without it there is nothing to read`);
  const log = createLogger(cfg.LOG_LEVEL === "info" ? "warn" : cfg.LOG_LEVEL);
  // Imported here, not at the top: the store and queue code is only for commands that read the store.
  const [{ createRedisApp }, { NotifierRouter }] = await Promise.all([import("../app.js"), import("../tickets/notifier.js")]);
  const err = (t: string) => process.stderr.write(`${t}\n`);
  const app = createRedisApp({ ...cfg, REDIS_URL: cfg.REDIS_URL }, { notifier: new NotifierRouter([]), log });
  try {
    return await run({
      incidents: app.incidents,
      tickets: app.actions,
      summaries: app.summaries,
      clock: app.clock,
      out: (t) => process.stdout.write(`${t}\n`),
      err,
      writeFile: (path, data) => writeFileSync(path, data),
    });
  } finally {
    await app.close();
  }
}

const since = { since: { type: "string" as const } };
const domain = { domain: { type: "string" as const } };

export const summaryCommands: Record<string, Command> = {
  summary: {
    summary: "manager summary of a window: counts, response times, breaches, reroutes, open SEV1/2, trend",
    usage: "triage summary [--since 7d|30d|90d|YYYY-MM-DD] [--domain safety|security] [--json|--csv] [--chart FILE.png]",
    example: "REDIS_URL=redis://localhost:6379 triage summary --since 30d --domain security --chart security-30d.png",
    options: { ...since, ...domain, json: { type: "boolean" }, csv: { type: "boolean" }, chart: { type: "string" } },
    run: async ({ values, positionals }, cfg) => {
      if (positionals.length) throw new UsageError(`summary takes no arguments, got '${positionals[0]}' (try --since 30d)`);
      summaryFlags(values, new Date());
      return withStore(cfg(), (io) => runSummary(values, io), "triage summary");
    },
  },
  export: {
    summary: "whole incident records of a window, for audits; or one incident as a draft public record (AVID, ATLAS, AIID)",
    usage:
      "triage export [--since 7d|30d|90d|YYYY-MM-DD] [--domain safety|security] [--format csv|json|jsonl]\n" +
      "       triage export INC-YYYY-NNNN --format avid|atlas|aiid [--system ID] [--url URL]   (a preview: nothing is sent)",
    example: "REDIS_URL=redis://localhost:6379 triage export --since 2026-01-01 --format csv > incidents-2026.csv\n" +
      "  REDIS_URL=redis://localhost:6379 triage export INC-2026-0042 --format atlas --system support-bot",
    options: { ...since, ...domain, format: { type: "string" }, system: { type: "string" }, url: { type: "string" } },
    run: async ({ values, positionals }, cfg) => {
      if (positionals.length === 1 && isRecordFormat(values.format)) {
        const id = positionals[0]!;
        const c = cfg();
        const files = loadRecordFiles(c);
        recordFlags(values, id, files);
        return withStore(c, (io) => runRecordExport(values, id, files, io), "triage export");
      }
      if (positionals.length) throw new UsageError(`export takes no arguments, got '${positionals[0]}' (try --format csv, or INC-... --format avid|atlas|aiid)`);
      if (values.system !== undefined || values.url !== undefined) throw new UsageError("--system and --url are for one incident: triage export INC-... --format avid|atlas|aiid");
      exportFlags(values, new Date());
      return withStore(cfg(), (io) => runExport(values, io), "triage export");
    },
  },
};
