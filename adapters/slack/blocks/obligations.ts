// The reporting clocks on a Slack ticket card: one line per applicable obligation (deadline, time
// left, or reported by whom) and its warnings, as computed in src/domain/clocks.ts. Kept apart from
// the card so the views rewrite can move it whole.
import type { ObligationLine } from "../../../src/domain/clocks.js";
import { ACTIONS } from "../ids.js";
import { actions, button, context, esc, type Block } from "./kit.js";

const ICON = { open: ":alarm_clock:", missed: ":red_circle:", reported: ":white_check_mark:" } as const;

/** The lines, then a "Draft report" button (its value is the incident id, never state). */
export function obligationBlocks(lines: ObligationLine[] | undefined, incidentId: string): Block[] {
  if (!lines?.length) return [];
  const texts = lines.flatMap((l) => [`${ICON[l.state]} ${esc(l.text)}`, ...l.warnings.map((w) => `:warning: ${esc(w)}`)]);
  // A context block holds at most 10 elements: a long list goes into more blocks.
  const blocks: Block[] = [];
  for (let n = 0; n < texts.length; n += 10) blocks.push(context(...texts.slice(n, n + 10)));
  blocks.push(actions("obligations", [button("Draft report", ACTIONS.ticketReport, incidentId)]));
  return blocks;
}
