// Terminal rendering of the bot's replies and of tickets posted to console "channels". Everything
// printed goes through terminal(): reporter text must not move the cursor, recolour or retitle the
// terminal (escape sequences), nor reorder or hide what is shown (bidi and zero-width characters).
import { queuedText, type Reply } from "../../src/bot/reply.js";
import { stripInvisible } from "../../src/domain/invisible.js";
import { renderSummaryText } from "../../src/bot/summary-text.js";
import type { Incident } from "../../src/domain/incident.js";
import { ticketNotes as ticketNoteViews } from "../../src/views/ticket.js";
import type { Outbound } from "../../src/tickets/notifier.js";
import type { ObligationLine } from "../../src/domain/clocks.js";
import { groupText } from "../../src/tickets/group.js";

const pct = (c: number) => `${Math.round(c * 100)}%`;

function replyText(r: Reply): string {
  switch (r.kind) {
    case "notice":
      return `${r.level === "info" ? "ℹ" : "⚠"} ${r.text}`;
    case "text-prompt":
      return [`[${r.progress.index}/${r.progress.total}] ${r.prompt}`, r.help ? `  (${r.help})` : "", `  Type your answer${r.canBack ? ", or 'back' / 'cancel'" : ", or 'cancel'"}.`]
        .filter(Boolean)
        .join("\n");
    case "question": {
      const lines = [`[${r.progress.index}/${r.progress.total}] ${r.prompt}`];
      if (r.help) lines.push(`  (${r.help})`);
      if (r.suggestion) lines.push(`  Suggested: ${r.suggestion.labels.join(", ")} (${pct(r.suggestion.confidence)}, from "${r.suggestion.evidence.join('", "')}")`);
      r.options.forEach((o, i) => lines.push(`  ${i + 1}. ${o.label}${o.hint ? ` (${o.hint})` : ""}`));
      if (r.multi) lines.push(`  0. ${r.noneLabel ?? "None"}`, "  Pick one or more numbers separated by commas (e.g. 1,3), or 0 for none.");
      else lines.push("  Pick a number.");
      lines.push(`  ${r.canBack ? "'back' goes to the previous question, " : ""}'cancel' stops.`);
      return lines.join("\n");
    }
    case "confirm-inferred": {
      const lines = [`[${r.progress.index}/${r.progress.total}] From your description I suggest these answers:`];
      r.items.forEach((it, i) => {
        const later = it.changeable ? "" : " [change it after the answer it depends on]";
        lines.push(`  ${i + 1}. ${it.prompt} → ${it.labels.join(", ") || "none"} (${pct(it.confidence)}; "${it.evidence.join('", "')}")${later}`);
      });
      lines.push(`  y = keep ${r.items.length > 1 ? "them all" : "it"}, a number = change that one, 'keep' and a number = keep only that one, 'back', 'cancel'.`);
      return lines.join("\n");
    }
    case "duplicate": {
      const d = r.incident;
      return [
        `This looks like ${d.id} (${d.severity} AI ${d.primary}, ${d.status}, reported ${d.createdAt.slice(11, 16)} UTC): "${d.title}"`,
        "  1. Join it: your report is added to its timeline and nobody is paged again",
        "  2. File a new one",
        `  ${r.canBack ? "'back' goes to the previous question, " : ""}'cancel' stops.`,
      ].join("\n");
    }
    case "triage-result":
      return renderResult(r.incident, r.duplicate, r.joined) + (r.queued ? `\n  ${queuedText(r.incident.id)}` : "");
    case "summary":
      return renderSummaryText(r.summary);
  }
}

function resultText(i: Incident, duplicate = false, joined = false): string {
  const c = i.classification;
  const lines = [
    `${joined ? "Joined" : duplicate ? "Already filed" : "Filed"} ${i.id}: ${c.severity} ${c.primary}${c.provisional ? " (provisional: intent unknown, security until ruled out)" : ""}`,
    `  Routed to ${i.routing.queue}${i.routing.cc.length ? `, copied to ${i.routing.cc.join(", ")}` : ""}; acknowledge within ${i.routing.ackMinutes} min.`,
  ];
  if (c.crossDomain.length) lines.push(`  Cross-domain: ${c.crossDomain.join(", ")}`);
  lines.push("  Why:", ...c.rationale.map((x) => `   - ${x}`));
  if (c.refs.length) lines.push("  Refs:", ...c.refs.map((x) => `   - ${x.id}${x.id === x.name ? "" : ` ${x.name}`} (${x.framework})`));
  return lines.join("\n");
}

function outboundText(m: Outbound): string {
  const i = m.incident;
  const head = `[${m.to.address}] ${i.id} ${i.classification.severity} ${i.classification.primary}: ${i.title}`;
  switch (m.kind) {
    case "ticket":
      return `${head}\n  on call: ${m.oncall.name} (level ${m.level + 1}); reporter: ${i.reporter.name ?? i.reporter.userId}; status: ${i.status}${ticketNotes(i)}${obligationText(m.obligations)}`;
    case "page":
      return `[page ${m.to.address}] ${m.person.name}: ${i.id} ${i.classification.severity} needs you (${m.reason}).`;
    case "cross-domain":
      return `[${m.to.address}] FYI ${i.id} (${i.classification.primary}, ${i.classification.crossDomain.join(", ")}) affects ${m.domain}: ${i.title}`;
    case "update":
      return `[${m.to.address}] ${i.id}: ${m.text}${obligationText(m.obligations)}`;
    case "reminder":
      return `[${m.about === "status" ? "status" : "reminder"} ${m.to.address}] ${m.person.name}: ${m.text}`;
    case "group":
      return `[${m.to.address}] ${groupText(m.reporter, m.members)}`;
  }
}

/** The reporting clocks (src/domain/clocks.ts) under a ticket: one line each, warnings after. */
export function obligationText(lines: ObligationLine[] | undefined): string {
  if (!lines?.length) return "";
  return lines.map((l) => `\n  ${l.state === "missed" ? "!! " : l.state === "reported" ? "ok " : ""}${l.text}${l.warnings.map((w) => `\n    warning: ${w}`).join("")}`).join("");
}

/** What a ticket says about itself beyond the classification (src/views/ticket.ts, as on Slack and Teams). */
export function ticketNotes(i: Incident): string {
  return ticketNoteViews(i).map((n) => `; ${n.text}${n.link ? ` ${n.link}` : ""}`).join("");
}

/** Control characters other than newline and tab (C0, DEL, C1: ESC starts terminal sequences), and invisible ones. */
const terminal = (s: string) => stripInvisible(s).replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, "");

export const renderReply = (r: Reply): string => terminal(replyText(r));
export const renderResult = (i: Incident, duplicate = false, joined = false): string => terminal(resultText(i, duplicate, joined));
export const renderOutbound = (m: Outbound): string => terminal(outboundText(m));
