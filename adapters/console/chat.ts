// The console bot: the triage walk-through in a terminal or over piped stdin, one line per answer.
import { createInterface } from "node:readline";
import type { TriageBot } from "../../src/bot/conversation.js";
import type { Reply } from "../../src/bot/reply.js";
import type { Actor } from "../../src/domain/incident.js";
import { parseSummaryArgs, type SummaryPeriod } from "../../src/bot/summaries.js";
import type { Domain } from "../../src/domain/vocabulary.js";
import { renderReply } from "./render.js";

export interface ConsoleChatOptions {
  bot: TriageBot;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  user: Actor;
  /** waits for tickets of a filed incident to be delivered before the next prompt. */
  settle: () => Promise<void>;
  /** `summary [7d|30d|90d] [safety|security]` between triages. */
  summary?: (period: SummaryPeriod, domain?: Domain) => Promise<string>;
}

/** Runs until 'quit' or end of input. Returns the number of incidents filed. */
export async function runConsoleChat(o: ConsoleChatOptions): Promise<number> {
  const key = `console:${o.user.userId}`;
  const say = (replies: Reply[]) => o.output.write(replies.map(renderReply).join("\n") + "\n");
  let last: Reply | undefined;
  let active = false;
  let filed = 0;
  const send = async (input: Parameters<TriageBot["handle"]>[0]["input"]) => {
    const replies = await o.bot.handle({ key, user: o.user, input });
    say(replies);
    last = replies.findLast((r) => r.kind !== "notice") ?? last;
    active = input.kind !== "cancel" || !replies.some((r) => r.kind === "notice" && /cancelled/i.test(r.text));
    if (replies.some((r) => r.kind === "triage-result" && !r.duplicate)) {
      filed++;
      active = false;
      await o.settle();
    }
    if (!active) o.output.write("\nDescribe an incident to start a new triage, 'summary [7d|30d|90d]', or 'quit'.\n");
  };
  // Between triages, or before the first answer, a line like "summary 30d" asks for a summary.
  const atStart = () => !active || (last?.kind === "text-prompt" && last.questionId === "description");
  await send({ kind: "start" });
  const rl = createInterface({ input: o.input, terminal: false });
  for await (const raw of rl) {
    const line = raw.trim();
    if (/^(quit|exit)$/i.test(line)) break;
    if (line === "") continue;
    if (/^back$/i.test(line)) await send({ kind: "back" });
    else if (/^cancel$/i.test(line)) await send({ kind: "cancel" });
    else if (o.summary && atStart() && /^summary(\s+(7d|30d|90d|safety|security))*$/i.test(line)) {
      const args = parseSummaryArgs(line.replace(/^summary/i, ""))!;
      o.output.write(`${await o.summary(args.period, args.domain)}\n`);
    } else if (!active) await send({ kind: "start", text: line });
    else if (last?.kind === "question") await send({ kind: "answer", questionId: last.questionId, value: choose(last, line), rev: last.rev });
    else if (last?.kind === "confirm-inferred") await send({ kind: "text", text: line });
    else if (last?.kind === "duplicate" && /^(1|join)$/i.test(line)) await send({ kind: "join", incidentId: last.incident.id, rev: last.rev });
    else if (last?.kind === "duplicate" && /^(2|new)$/i.test(line)) await send({ kind: "file-new", rev: last.rev });
    else await send({ kind: "text", text: line });
  }
  rl.close();
  return filed;
}

/** Numbers pick the options the console listed; anything else is passed on as typed. */
function choose(q: Extract<Reply, { kind: "question" }>, line: string): unknown {
  const pick = (t: string) => {
    const n = Number(t);
    return Number.isInteger(n) && n >= 1 && n <= q.options.length ? q.options[n - 1]!.value : t.trim();
  };
  if (!q.multi) return pick(line);
  if (line === "0" || /^none$/i.test(line)) return [];
  return line.split(/[,\s]+/).filter(Boolean).map(pick);
}
