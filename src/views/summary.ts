// A manager's summary, said once: the heading, the window, and its lines as labelled facts, list items
// or plain text (src/bot/summary-text.ts writes the words; this gives them their shape). Slack renders
// the lines as mrkdwn sections, Teams as TextBlocks; test/unit/summary-parity.test.ts compares them.
import { renderSummaryText } from "../bot/summary-text.js";
import type { Summary } from "../domain/summary.js";

export type SummaryLine = { kind: "label"; label: string; rest: string } | { kind: "item"; text: string } | { kind: "text"; text: string };

export interface SummaryView {
  /** "Incidents, last 7 days (security)". */
  heading: string;
  /** "2026-11-24 00:00 to 2026-12-01 09:00 UTC". */
  period: string;
  /** the heading and window as one line, for places that show a single line (notification text). */
  headline: string;
  lines: SummaryLine[];
}

const minute = (iso: string) => iso.slice(0, 16).replace("T", " ");

export function summaryView(s: Summary): SummaryView {
  const [headline = "", ...rest] = renderSummaryText(s).split("\n");
  return {
    heading: `Incidents, last ${s.window.days} days${s.window.domain ? ` (${s.window.domain})` : ""}`,
    period: `${minute(s.window.from)} to ${minute(s.window.to)} UTC`,
    headline,
    lines: rest.map(line),
  };
}

function line(l: string): SummaryLine {
  const item = /^• (.*)$/s.exec(l);
  if (item) return { kind: "item", text: item[1]! };
  const labelled = /^\*([^*]+)\*(.*)$/s.exec(l);
  if (labelled) return { kind: "label", label: labelled[1]!, rest: labelled[2]! };
  return { kind: "text", text: l };
}
