// A manager's summary: the same facts as Slack's (src/bot/summary-text.ts renders them once for every
// platform): totals and trend, acknowledge/resolve median and p90, escalations and missed targets,
// cross-domain by direction, reroutes with reasons, open SEV1/SEV2, top refs. Each line of the
// SummaryView (src/views/summary.ts) becomes a TextBlock: a label in bold, an item a list item.
// Everything after our own bold label is made inert, since titles, reasons and names come from people.
import type { Summary } from "../../../src/domain/summary.js";
import { summaryView, type SummaryLine } from "../../../src/views/summary.js";
import { LIMIT, card, clip, heading, subtle, text, type AdaptiveCard, type TextBlock } from "./card.js";
import { plain } from "./inert.js";

export function summaryCard(s: Summary): AdaptiveCard {
  const v = summaryView(s);
  return card([heading(v.heading), subtle(v.period), ...v.lines.map(line)]);
}

function line(l: SummaryLine): TextBlock {
  if (l.kind === "item") return text(`- ${plain(clip(l.text, LIMIT.line))}`, { spacing: "none" });
  if (l.kind === "label") return text(clip(`**${plain(l.label)}**${plain(l.rest)}`, LIMIT.line), { spacing: "small" });
  return text(plain(clip(l.text, LIMIT.line)));
}
