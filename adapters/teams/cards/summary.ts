// A manager's summary: the same facts as Slack's (src/bot/summary-text.ts renders them once for every
// platform): totals and trend, acknowledge/resolve median and p90, escalations and missed targets,
// cross-domain by direction, reroutes with reasons, open SEV1/SEV2, top refs. Here each line becomes a
// TextBlock: a "*Label*" line a bold one, a "• " line a list item. Everything after our own bold label
// is made inert, since titles, reasons and names in it come from people.
import { renderSummaryText } from "../../../src/bot/summary-text.js";
import type { Summary } from "../../../src/domain/summary.js";
import { LIMIT, card, clip, heading, subtle, text, type AdaptiveCard, type TextBlock } from "./card.js";
import { plain } from "./inert.js";

export function summaryCard(s: Summary): AdaptiveCard {
  // The text's first line is its heading (title and window), shown here as the card's heading.
  const [, ...lines] = renderSummaryText(s).split("\n");
  return card([
    heading(`Incidents, last ${s.window.days} days${s.window.domain ? ` (${s.window.domain})` : ""}`),
    subtle(`${s.window.from.slice(0, 16).replace("T", " ")} to ${s.window.to.slice(0, 16).replace("T", " ")} UTC`),
    ...lines.map(line),
  ]);
}

function line(l: string): TextBlock {
  const item = /^• (.*)$/s.exec(l);
  if (item) return text(`- ${plain(clip(item[1]!, LIMIT.line))}`, { spacing: "none" });
  const labelled = /^\*([^*]+)\*(.*)$/s.exec(l);
  if (labelled) return text(clip(`**${plain(labelled[1]!)}**${plain(labelled[2]!)}`, LIMIT.line), { spacing: "small" });
  return text(plain(clip(l, LIMIT.line)));
}
