// `triage report INC-... --regime ID`: a draft of the report a regime asks for, from the incident in the
// store (REDIS_URL, like `triage export`; refused without it). The regimes come from OBLIGATIONS_FILE.
// The logic takes its store and clock as parameters (ReportIO) so golden tests run without Redis.
import { renderReportMarkdown } from "../bot/report-markdown.js";
import { loadObligations } from "../definitions.js";
import { INCIDENT_ID } from "../domain/incident.js";
import type { Regime } from "../domain/obligations-file.js";
import { draftReport } from "../domain/report-draft.js";
import type { IncidentStore } from "../store/types.js";
import type { TicketActions } from "../tickets/actions.js";
import { UsageError, type Command } from "./command.js";
import { withStore, type ReportIO } from "./summary.js";

type Values = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const isoWithZone = (flag: string, v: string | undefined) => {
  // An ISO time with a zone: a local time without one would move the deadline by the server's offset.
  if (v !== undefined && (!ISO_WITH_ZONE.test(v) || Number.isNaN(Date.parse(v)))) throw new UsageError(`--${flag} '${v}': an ISO time with a zone, such as 2026-11-24T09:00:00Z`);
  return v;
};

/**
 * `--set-aware-at ISO` (alone, no regime needed) records when the organisation became aware on the
 * incident; `--mark-sent` records the regime's report as sent (`--initial` for an incomplete initial
 * report, else complete). Both go on the timeline with `--by` (default: $USER) and the time.
 */
export function clockFlags(values: Values, positionals: string[], regimes: Regime[]) {
  const setAwareAt = isoWithZone("set-aware-at", str(values["set-aware-at"]));
  const by = str(values.by) ?? process.env.USER ?? "cli";
  if (by.length > 200) throw new UsageError("--by: at most 200 characters");
  if (setAwareAt !== undefined && values.regime === undefined && !values["mark-sent"]) {
    if (positionals.length !== 1 || !INCIDENT_ID.test(positionals[0]!)) throw new UsageError("report needs one incident id, such as INC-2026-0042");
    return { kind: "set-aware-at" as const, id: positionals[0]!, awareAt: setAwareAt, by };
  }
  if (setAwareAt !== undefined) throw new UsageError("--set-aware-at goes alone (it moves every regime's deadline): run it without --regime, then the rest");
  if (!values["mark-sent"]) return undefined;
  const f = reportFlags(values, positionals, regimes);
  return { kind: "mark-sent" as const, id: f.id, regime: f.regime, report: values.initial ? ("initial" as const) : ("complete" as const), by };
}

/** Checks every flag against the regimes, so a mistake fails before anything connects. */
export function reportFlags(values: Values, positionals: string[], regimes: Regime[]) {
  if (positionals.length !== 1 || !INCIDENT_ID.test(positionals[0]!)) throw new UsageError("report needs one incident id, such as INC-2026-0042");
  const id = str(values.regime);
  const regime = regimes.find((r) => r.id === id);
  if (!regime) throw new UsageError(`--regime ${id === undefined ? "is required" : `'${id}' is not in the obligations file`}: one of ${regimes.map((r) => r.id).join(", ")}`);
  const format = str(values.format) ?? "markdown";
  if (format !== "markdown" && format !== "json") throw new UsageError(`--format '${format}': markdown or json`);
  if (values.initial && values["follow-up"]) throw new UsageError("report: choose one of --initial or --follow-up");
  const awareAt = isoWithZone("aware-at", str(values["aware-at"]));
  return { id: positionals[0]!, regime, format, kind: values["follow-up"] ? ("follow-up" as const) : ("initial" as const), awareAt };
}

/** What a report needs of the command's IO: one incident by id, the clock, stdout; the ticket actions to record. */
export interface ReportDraftIO extends Pick<ReportIO, "clock" | "out"> {
  incidents: Pick<IncidentStore, "get">;
  tickets?: Pick<TicketActions, "markReported" | "setAwareAt">;
}

export async function runReport(values: Values, positionals: string[], regimes: Regime[], io: ReportDraftIO): Promise<number> {
  const change = clockFlags(values, positionals, regimes);
  if (change) {
    if (!io.tickets) throw new UsageError("this command cannot change incidents here");
    const actor = { platform: "console" as const, userId: change.by, name: change.by };
    const r = change.kind === "mark-sent" ? await io.tickets.markReported(change.id, change.regime.id, change.report, actor) : await io.tickets.setAwareAt(change.id, change.awareAt, actor);
    if (!r.ok) throw new UsageError(r.message);
    io.out(r.changed ? r.message : `${r.message} (nothing changed)`);
    return 0;
  }
  const f = reportFlags(values, positionals, regimes);
  const incident = await io.incidents.get(f.id);
  if (!incident) throw new UsageError(`${f.id}: no such incident in the store`);
  const draft = draftReport({ incident, regime: f.regime, kind: f.kind, now: io.clock.now(), ...(f.awareAt ? { awareAt: f.awareAt } : {}) });
  io.out(f.format === "json" ? JSON.stringify(draft, null, 2) : renderReportMarkdown(draft));
  return 0;
}

export const reportCommand: Command = {
  summary: "draft the report a regime asks for (EU AI Act Art. 73, GDPR Art. 33), filled from the incident; decision support, not legal advice",
  usage:
    "triage report INC-YYYY-NNNN --regime eu-ai-act-art73|gdpr-art33 [--format markdown|json] [--aware-at ISO] [--initial|--follow-up]\n" +
    "       triage report INC-YYYY-NNNN --regime ID --mark-sent [--initial] [--by NAME]   (records the report as sent: its clock stops)\n" +
    "       triage report INC-YYYY-NNNN --set-aware-at ISO [--by NAME]                    (records when you became aware: deadlines move)",
  example: "REDIS_URL=redis://localhost:6379 triage report INC-2026-0042 --regime gdpr-art33 --aware-at 2026-11-24T08:30:00Z > draft.md",
  options: {
    regime: { type: "string" }, format: { type: "string" }, "aware-at": { type: "string" }, initial: { type: "boolean" }, "follow-up": { type: "boolean" },
    "mark-sent": { type: "boolean" }, "set-aware-at": { type: "string" }, by: { type: "string" },
  },
  run: async ({ values, positionals }, cfg) => {
    const c = cfg();
    const { regimes } = loadObligations(c);
    if (!clockFlags(values, positionals, regimes)) reportFlags(values, positionals, regimes);
    return withStore(c, (io) => runReport(values, positionals, regimes, io), "triage report");
  },
};
