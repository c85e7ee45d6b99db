// A report draft as Markdown, for pasting into an authority's form or an email to counsel. The facts
// are the draft's (src/domain/report-draft.ts); this file only lays them out.
import { TO_COMPLETE, type ReportDraft } from "../domain/report-draft.js";

/** Table cells must stay on one line and must not close the cell early. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

export function renderReportMarkdown(d: ReportDraft): string {
  const lines = [
    `# Draft ${d.kind} report: ${d.regime.name}`,
    "",
    `> ${d.disclaimer}`,
    "",
    `- Incident: ${d.incidentId}`,
    `- Applicability: ${d.applicability.status}: ${d.applicability.because}`,
    `- Report to: ${d.regime.reportTo}`,
    `- Reported by: ${d.regime.reportedBy}`,
    `- Aware since: ${d.awareAt}`,
    `- Deadline: ${d.deadline.at} (${d.deadline.within} after awareness, ${d.deadline.source})`,
    ...d.deadline.shorterIf.map((s) => `  - shorter: ${s}`),
    `- Initial incomplete report allowed: ${d.initialReportAllowed ? `yes (${d.initialReportAllowed})` : "no"}`,
    `- Drafted: ${d.generatedAt}`,
    "",
    "| Field | Value | Note |",
    "|---|---|---|",
    ...d.fields.map((f) => `| ${f.label} | ${f.value === null ? `**${TO_COMPLETE}**` : cell(f.value)} | ${cell(f.note)} |`),
  ];
  if (d.warnings.length) lines.push("", "## Before you report", "", ...d.warnings.map((w) => `- ${w}`));
  return lines.join("\n");
}
