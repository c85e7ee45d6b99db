// `/incident show` and `/incident list` answers in Block Kit. Everything shown came from the neutral
// view (src/bot/incident-view.ts) and is escaped here; long text is packed into sections of Slack's
// 3,000 characters, and a long answer is shortened within its 50 blocks.
import type { IncidentDetail } from "../../../src/bot/incident-view.js";
import { listFooter, listTitle, type IncidentList } from "../../../src/bot/lookup.js";
import type { SlackMessage } from "./reply.js";
import { LIMITS, capped, context, esc, fields, header, sections, type Block } from "./kit.js";

/** A line longer than a section is cut into pieces that each fit (a 4,000-character description line). */
const pieces = (line: string, max = LIMITS.section - 10): string[] => (line.length <= max ? [line] : [line.slice(0, max), ...pieces(line.slice(max), max)]);

export function incidentDetailMessage(d: IncidentDetail): SlackMessage {
  const blocks: Block[] = [header(d.heading)];
  for (let k = 0; k < d.facts.length; k += 10) blocks.push(fields(d.facts.slice(k, k + 10).map(([label, value]) => `*${label}*\n${esc(value)}`)));
  for (const s of d.sections) {
    const lines = s.lines.flatMap((l) => pieces(esc(l))).map((l) => (s.title === "Description" ? l : `• ${l}`));
    blocks.push(...sections([`*${s.title}*`, ...lines], 8));
  }
  return { text: esc(d.heading), blocks: capped(blocks) };
}

export function incidentListMessage(l: IncidentList): SlackMessage {
  const title = listTitle(l);
  const footer = listFooter(l);
  return { text: title, blocks: [header(title), ...sections(l.rows.map((r) => `• ${esc(r)}`), 10), ...(footer ? [context(footer)] : [])] };
}
