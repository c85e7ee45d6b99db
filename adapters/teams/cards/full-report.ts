// The whole report on the Teams ticket card and page (issue 16, item 1): the first part of the
// description, then "Show full report" (an Action.ShowCard in the body, so it adds no top-level
// action) with the whole description, every answer and the evidence behind each accepted suggestion.
// Text from people is made inert. The whole stays far below Teams' ~28 KB card size: at most 4,000
// description characters, escaped at most twice as long, in blocks of LIMIT.block.
import type { FullReport } from "../../../src/bot/full-report.js";
import { LIMIT, clip, text, type Element } from "./card.js";
import { plain } from "./inert.js";

/** Description characters shown before "Show full report". */
export const FOLD_AT = 500;
const CHUNK = Math.floor(LIMIT.block / 2) - 50;

/** Pieces of at most `max` characters, cut after a space or line break where there is one (never mid-word). */
export function wordChunks(s: string, max = CHUNK): string[] {
  const out: string[] = [];
  let rest = s;
  while (rest.length > max) {
    const cut = Math.max(rest.lastIndexOf(" ", max), rest.lastIndexOf("\n", max));
    const at = cut > max / 2 ? cut + 1 : max;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  return rest ? [...out, rest] : out;
}

const blocksOf = (s: string): Element[] => wordChunks(s).map((c) => text(plain(c), { spacing: "none" }));

export function fullReportElements(r: FullReport): Element[] {
  const long = r.description.length > FOLD_AT;
  const whole: Element[] = [
    ...(long ? [text("**Report**"), ...blocksOf(r.description)] : []),
    ...(r.answers.length ? [text("**Answers**"), text(r.answers.map((a) => `- ${plain(clip(a, LIMIT.line))}`).join("\n"), { spacing: "none" })] : []),
    ...(r.evidence.length ? [text("**Accepted suggestions**"), text(r.evidence.map((e) => `- ${plain(clip(e, LIMIT.line))}`).join("\n"), { spacing: "none" })] : []),
  ];
  return [
    text(plain(long ? `${r.description.slice(0, FOLD_AT)}…` : r.description), { isSubtle: true }),
    ...(whole.length ? [{ type: "ActionSet" as const, actions: [{ type: "Action.ShowCard" as const, title: long ? "Show full report" : "Show answers", card: { type: "AdaptiveCard" as const, body: whole } }] }] : []),
  ];
}
