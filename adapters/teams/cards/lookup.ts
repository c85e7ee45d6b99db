// `show INC-…` and `list …` answers as Adaptive Cards. Everything shown came from the neutral view
// (src/bot/incident-view.ts) and is made inert here. A long description is folded: its first part is
// shown, the rest sits behind "Show more" (an Action.ShowCard), and the card stays far below Teams'
// ~28 KB message size (at most 4,000 description characters and 40 lines per other section).
import type { IncidentDetail, IncidentSection } from "../../../src/bot/incident-view.js";
import { listFooter, listTitle, type IncidentList } from "../../../src/bot/lookup.js";
import { LIMIT, card, clip, facts, heading, subtle, text, type Action, type AdaptiveCard, type Element } from "./card.js";
import { plain } from "./inert.js";

/** Description characters shown before "Show more". */
const FOLD_AT = 600;
const MAX_LINES = 40;

function sectionBody(s: IncidentSection): Element[] {
  const lines = s.lines.slice(0, MAX_LINES).map((l) => `- ${plain(clip(l, LIMIT.line))}`);
  if (s.lines.length > MAX_LINES) lines.push(`- …and ${s.lines.length - MAX_LINES} more`);
  return [text(`**${s.title}**`, { spacing: "medium" }), text(lines.join("\n"), { spacing: "none" })];
}

/**
 * TextBlocks of at most CHUNK characters of text, whole lines packed together (a longer line is cut in
 * pieces), so no part of a 4,000-character description is lost: escaped (at most twice as long) each
 * stays under the LIMIT.block that text() clips to.
 */
const CHUNK = Math.floor(LIMIT.block / 2) - 50;
function chunks(s: string): Element[] {
  const out: string[] = [];
  for (const line of s.split("\n").flatMap((l) => (l.length <= CHUNK ? [l] : (l.match(new RegExp(`[\\s\\S]{1,${CHUNK}}`, "g")) ?? [])))) {
    const last = out.at(-1);
    if (last !== undefined && last.length + 1 + line.length <= CHUNK) out[out.length - 1] = `${last}\n${line}`;
    else out.push(line);
  }
  return out.map((c) => text(plain(c), { spacing: "none" }));
}

export function incidentDetailCard(d: IncidentDetail): AdaptiveCard {
  const body: Element[] = [heading(d.heading), facts(d.facts.map(([k, v]) => [k, plain(v)]))];
  const actions: Action[] = [];
  for (const s of d.sections) {
    if (s.title !== "Description") {
      body.push(...sectionBody(s));
      continue;
    }
    const whole = s.lines.join("\n");
    body.push(text("**Description**", { spacing: "medium" }), ...chunks(whole.length > FOLD_AT ? `${whole.slice(0, FOLD_AT)}…` : whole));
    if (whole.length > FOLD_AT) actions.push({ type: "Action.ShowCard", title: "Show more", card: { type: "AdaptiveCard", body: chunks(whole) } });
  }
  return card(body, actions);
}

export function incidentListCard(l: IncidentList): AdaptiveCard {
  const footer = listFooter(l);
  return card([
    heading(listTitle(l)),
    ...(l.rows.length ? [text(l.rows.map((r) => `- ${plain(clip(r, LIMIT.line))}`).join("\n"))] : []),
    ...(footer ? [subtle(footer)] : []),
  ]);
}
