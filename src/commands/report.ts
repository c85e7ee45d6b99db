// `triage report INC-... --regime ID`: a draft of the report a regime asks for, from the incident in the
// store (REDIS_URL, like `triage export`; refused without it). The regimes come from OBLIGATIONS_FILE.
// The logic takes its store and clock as parameters (ReportIO) so golden tests run without Redis.
import { renderReportMarkdown } from "../bot/report-markdown.js";
import { loadObligations } from "../definitions.js";
import { INCIDENT_ID } from "../domain/incident.js";
import type { Regime } from "../domain/obligations-file.js";
import { draftReport } from "../domain/report-draft.js";
import type { IncidentStore } from "../store/types.js";
import { UsageError, type Command } from "./command.js";
import { withStore, type ReportIO } from "./summary.js";

type Values = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Checks every flag against the regimes, so a mistake fails before anything connects. */
export function reportFlags(values: Values, positionals: string[], regimes: Regime[]) {
  if (positionals.length !== 1 || !INCIDENT_ID.test(positionals[0]!)) throw new UsageError("report needs one incident id, such as INC-2026-0042");
  const id = str(values.regime);
  const regime = regimes.find((r) => r.id === id);
  if (!regime) throw new UsageError(`--regime ${id === undefined ? "is required" : `'${id}' is not in the obligations file`}: one of ${regimes.map((r) => r.id).join(", ")}`);
  const format = str(values.format) ?? "markdown";
  if (format !== "markdown" && format !== "json") throw new UsageError(`--format '${format}': markdown or json`);
  if (values.initial && values["follow-up"]) throw new UsageError("report: choose one of --initial or --follow-up");
  const awareAt = str(values["aware-at"]);
  // An ISO time with a zone: a local time without one would move the deadline by the server's offset.
  if (awareAt !== undefined && (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(awareAt) || Number.isNaN(Date.parse(awareAt)))) {
    throw new UsageError(`--aware-at '${awareAt}': an ISO time with a zone, such as 2026-11-24T09:00:00Z`);
  }
  return { id: positionals[0]!, regime, format, kind: values["follow-up"] ? ("follow-up" as const) : ("initial" as const), awareAt };
}

/** What a report needs of the command's IO: one incident by id, the clock, stdout. */
export interface ReportDraftIO extends Pick<ReportIO, "clock" | "out"> {
  incidents: Pick<IncidentStore, "get">;
}

export async function runReport(values: Values, positionals: string[], regimes: Regime[], io: ReportDraftIO): Promise<number> {
  const f = reportFlags(values, positionals, regimes);
  const incident = await io.incidents.get(f.id);
  if (!incident) throw new UsageError(`${f.id}: no such incident in the store`);
  const draft = draftReport({ incident, regime: f.regime, kind: f.kind, now: io.clock.now(), ...(f.awareAt ? { awareAt: f.awareAt } : {}) });
  io.out(f.format === "json" ? JSON.stringify(draft, null, 2) : renderReportMarkdown(draft));
  return 0;
}

export const reportCommand: Command = {
  summary: "draft the report a regime asks for (EU AI Act Art. 73, GDPR Art. 33), filled from the incident; decision support, not legal advice",
  usage: "triage report INC-YYYY-NNNN --regime eu-ai-act-art73|gdpr-art33 [--format markdown|json] [--aware-at ISO] [--initial|--follow-up]",
  example: "REDIS_URL=redis://localhost:6379 triage report INC-2026-0042 --regime gdpr-art33 --aware-at 2026-11-24T08:30:00Z > draft.md",
  options: { regime: { type: "string" }, format: { type: "string" }, "aware-at": { type: "string" }, initial: { type: "boolean" }, "follow-up": { type: "boolean" } },
  run: async ({ values, positionals }, cfg) => {
    const c = cfg();
    const { regimes } = loadObligations(c);
    reportFlags(values, positionals, regimes);
    return withStore(c, (io) => runReport(values, positionals, regimes, io), "triage report");
  },
};
