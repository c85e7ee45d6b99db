// The whole report on the Slack ticket card and page (issue 16, item 1): the description in sections
// of at most 3,000 characters (Slack itself folds a long message behind "Show more"), every answer
// and the evidence behind each accepted suggestion. Text from people is escaped.
import type { FullReport } from "../../../src/bot/full-report.js";
import { LIMITS, esc, section, sections, type Block } from "./kit.js";

/** Room for the label and for escapes within a section. */
const PIECE = LIMITS.section - 400;

/** The text escaped and cut into pieces of at most `max` characters, never inside an escape sequence. */
export function escapedPieces(raw: string, max = PIECE): string[] {
  const out: string[] = [];
  let cur = "";
  for (const ch of raw) {
    const e = esc(ch);
    if (cur.length + e.length > max) {
      out.push(cur);
      cur = "";
    }
    cur += e;
  }
  return cur ? [...out, cur] : out;
}

export function fullReportBlocks(r: FullReport): Block[] {
  // 4,000 characters of description are two sections, or a few more when much of it is escaped.
  const blocks: Block[] = escapedPieces(r.description).slice(0, 5).map((p, k) => section(k === 0 ? `*Report*\n${p}` : p));
  if (r.answers.length) blocks.push(...sections([`*Answers*\n${r.answers.map(esc).join(" · ")}`], 1));
  if (r.evidence.length) blocks.push(...sections(["*Accepted suggestions*", ...r.evidence.map((e) => `• ${esc(e)}`)], 2));
  return blocks;
}
