// The reporting clocks on a Teams ticket card: one line per applicable obligation (deadline, time
// left, or reported by whom) and its warnings, as computed in src/domain/clocks.ts. Kept apart from
// the card so the views rewrite can move it whole.
import type { ObligationLine } from "../../../src/domain/clocks.js";
import { LIMIT, clip, text, type Element } from "./card.js";
import { plain } from "./inert.js";

export function obligationElements(lines: ObligationLine[] | undefined): Element[] {
  if (!lines?.length) return [];
  return lines.flatMap((l) => [
    text(`${l.state === "missed" ? "⏰ " : l.state === "reported" ? "✓ " : "⏱ "}${plain(clip(l.text, LIMIT.line))}`, l.state === "missed" ? { color: "attention", weight: "bolder" } : l.state === "reported" ? { color: "good" } : { weight: "bolder" }),
    ...l.warnings.map((w) => text(`⚠ ${plain(clip(w, LIMIT.line))}`, { color: "warning" })),
  ]);
}
