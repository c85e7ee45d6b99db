// Renders the bot's platform-neutral Reply to a Slack message (fallback text + blocks).
import type { Reply } from "../../../src/bot/reply.js";
import { resultView } from "../../../src/views/result.js";
import { summaryView, type SummaryLine } from "../../../src/views/summary.js";
import type { Incident } from "../../../src/domain/incident.js";
import { capped, context, esc, fields, header, section, sections, type Block } from "./kit.js";
import { confirmBlocks, duplicateBlocks, questionBlocks, textPromptBlocks } from "./question.js";

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const NOTICE_ICON = { info: ":information_source:", warning: ":warning:", error: ":x:" } as const;

export function noticeText(r: Extract<Reply, { kind: "notice" }>): string {
  return `${NOTICE_ICON[r.level]} ${esc(r.text)}`;
}

export function renderReply(r: Reply): SlackMessage {
  switch (r.kind) {
    case "question":
      return { text: esc(r.prompt), blocks: capped(questionBlocks(r)) };
    case "text-prompt":
      return { text: esc(r.prompt), blocks: capped(textPromptBlocks(r)) };
    case "confirm-inferred":
      return { text: "Please confirm the suggested answers", blocks: capped(confirmBlocks(r)) };
    case "duplicate":
      return { text: `This looks like ${r.incident.id}`, blocks: capped(duplicateBlocks(r)) };
    case "notice":
      return { text: esc(r.text), blocks: [section(noticeText(r))] };
    case "summary":
      return { text: `Incident summary, last ${r.summary.window.days} days`, blocks: summaryBlocks(r.summary) };
    case "triage-result": {
      const head = r.joined ? "Joined" : r.duplicate ? "Already filed" : "Filed";
      return { text: `${head} ${r.incident.id}`, blocks: capped(resultBlocks(r.incident, r.duplicate, r.joined, r.queued)) };
    }
  }
}

/** Several replies as one message: notices become lines above the step they precede. */
export function renderReplies(replies: Reply[]): SlackMessage[] {
  const out: SlackMessage[] = [];
  let pending: string[] = [];
  for (const r of replies) {
    if (r.kind === "notice") {
      pending.push(noticeText(r));
      continue;
    }
    const m = renderReply(r);
    out.push({ text: m.text, blocks: capped([...(pending.length ? [context(...pending)] : []), ...m.blocks]) });
    pending = [];
  }
  if (pending.length) out.push({ text: pending.join("\n"), blocks: [section(pending.join("\n"))] });
  return out;
}

/** The reporter's result (src/views/result.ts) as Block Kit. */
export function resultBlocks(i: Incident, duplicate: boolean, joined = false, queued = false): Block[] {
  const v = resultView(i, { duplicate, joined, queued });
  return [
    header(v.heading),
    section(esc(v.title)),
    fields([...v.facts.map((f) => `*${f.label}*\n${esc(f.value)}`), `*Incident id*\n${v.id}`]),
    ...v.sections.flatMap((s) => sections([`*${s.title}*`, ...s.lines.map((x) => `• ${esc(x)}`)], 5)),
    context(esc(v.told)),
  ];
}

/** The SummaryView (src/views/summary.ts) as mrkdwn sections: the headline, labels in bold, items as bullets. */
function summaryBlocks(s: Extract<Reply, { kind: "summary" }>["summary"]): Block[] {
  const v = summaryView(s);
  const line = (l: SummaryLine) => (l.kind === "label" ? `*${esc(l.label)}*${esc(l.rest)}` : l.kind === "item" ? `• ${esc(l.text)}` : esc(l.text));
  return [header("Incident summary"), ...sections([esc(v.headline), ...v.lines.map(line)], 20)];
}

/** A walk-through message once answered: the question and the answer, no live buttons. */
export function answeredBlocks(prompt: string, answer: string): SlackMessage {
  return { text: `${esc(prompt)}: ${esc(answer)}`, blocks: [section(`*${esc(prompt)}*`), context(`:white_check_mark: ${esc(answer)}`)] };
}
