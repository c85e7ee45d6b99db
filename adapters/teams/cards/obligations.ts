// The reporting clocks on a Teams ticket card: one line per applicable obligation (deadline, time
// left, or reported by whom) and its warnings, as computed in src/domain/clocks.ts. Kept apart from
// the card so the views rewrite can move it whole.
import type { ObligationLine } from "../../../src/domain/clocks.js";
import { LIMIT, clip, submit, text, type Element } from "./card.js";
import { plain } from "./inert.js";

/** The lines, then a "Draft report" button (its data is the incident id, never state). */
export function obligationElements(lines: ObligationLine[] | undefined, incidentId: string): Element[] {
  if (!lines?.length) return [];
  const button: Element = { type: "ActionSet", actions: [submit("Draft report", { action: "draft-report", incidentId })] };
  return [...lines.flatMap((l) => [
    text(`${l.state === "missed" ? "⏰ " : l.state === "reported" ? "✓ " : "⏱ "}${plain(clip(l.text, LIMIT.line))}`, l.state === "missed" ? { color: "attention", weight: "bolder" } : l.state === "reported" ? { color: "good" } : { weight: "bolder" }),
    ...l.warnings.map((w) => text(`⚠ ${plain(clip(w, LIMIT.line))}`, { color: "warning" })),
  ]), button];
}
