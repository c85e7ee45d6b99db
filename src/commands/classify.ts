// `triage classify`: the free-text pre-triage alone, for one description (TEXT) or in bulk
// (--jsonl: one report per input line, one JSON result per output line, in one process). Only the
// first maxChars characters of a description are read; the result says so when there were more.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { classifyText, type ClassifyResult } from "../bot/oneshot.js";
import { llmSettings, type Config } from "../config.js";
import { loadDefinitions, type Definitions } from "../definitions.js";
import { descriptionReader, offlineReader, type ReadDescription } from "../pretriage/read-description.js";
import { UsageError, print, type Command } from "./command.js";

export interface ClassifyOutput {
  primary: ClassifyResult["primary"];
  provisional: boolean;
  crossDomain: ClassifyResult["crossDomain"];
  severity: ClassifyResult["severity"];
  confidence: number;
  /** the reader's calibrated p(a deliberate adversary), also when it proposes no intent */
  pSecurity?: number;
  inferred: ClassifyResult["inferred"];
  missing: string[];
  rationale: string[];
  refs: ClassifyResult["refs"];
  /** present when the description was longer than what is read */
  truncated?: { read: number; of: number };
}

/** Reads one description and shapes the published output object. */
export async function classifyOne(text: string, defs: Definitions, read: ReadDescription): Promise<ClassifyOutput> {
  const max = defs.signals.settings.maxChars;
  const reading = await read(text.length > max ? text.slice(0, max) : text);
  const r = classifyText(text.slice(0, max), defs, reading);
  const { primary, provisional, crossDomain, severity, confidence, inferred, missing, rationale, refs } = r;
  return {
    primary, provisional, crossDomain, severity, confidence,
    ...(reading.pSecurity !== undefined ? { pSecurity: reading.pSecurity } : {}),
    inferred, missing, rationale, refs,
    ...(text.length > max ? { truncated: { read: max, of: text.length } } : {}),
  };
}

function renderText(o: ClassifyOutput): string {
  const lines = [`${o.primary}${o.provisional ? " (provisional)" : ""} ${o.severity}, confidence ${Math.round(o.confidence * 100)}%`];
  if (o.truncated) lines.push(`  (read the first ${o.truncated.read} of ${o.truncated.of} characters)`);
  if (!o.inferred.intent) lines.push("  intent: not suggested: I can't tell yet whether someone did this on purpose");
  for (const [q, inf] of Object.entries(o.inferred)) lines.push(`  ${q} = ${[inf.value].flat().join(",")} (${Math.round(inf.confidence * 100)}%: "${inf.evidence.join('", "')}")`);
  if (o.missing.length) lines.push(`  still to ask: ${o.missing.join(", ")}`);
  lines.push(...o.rationale.map((x) => `  - ${x}`));
  return lines.join("\n");
}

/** One input line: a JSON object {"text", "id"?}, a JSON string, or the raw text itself. */
export function parseLine(line: string): { id?: unknown; text: string } | { error: string } {
  const t = line.trim();
  if (t.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch (e) {
      return { error: `not valid JSON (${(e as Error).message})` };
    }
    const o = doc as { text?: unknown; id?: unknown };
    if (typeof o.text !== "string" || !o.text.trim()) return { error: 'a JSON line needs a non-empty "text" string' };
    return o.id === undefined ? { text: o.text } : { id: o.id, text: o.text };
  }
  if (t.startsWith('"')) {
    try {
      const s = JSON.parse(t) as unknown;
      if (typeof s === "string" && s.trim()) return { text: s };
    } catch {
      // not a JSON string after all: read it as text
    }
  }
  return { text: line };
}

/** Bulk mode: streams lines in, results out; a bad line gets an error object and the rest go on. */
export async function classifyLines(lines: AsyncIterable<string>, defs: Definitions, read: ReadDescription, write: (s: string) => Promise<void>): Promise<{ read: number; failed: number }> {
  let n = 0;
  let failed = 0;
  let batch: string[] = [];
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    const p = parseLine(line);
    if ("error" in p) {
      failed++;
      batch.push(JSON.stringify({ line: n, error: p.error }));
    } else {
      batch.push(JSON.stringify({ line: n, ...(p.id !== undefined ? { id: p.id } : {}), ...(await classifyOne(p.text, defs, read)) }));
    }
    // Written in batches: one write per line costs more than reading the line.
    if (batch.length >= 256) {
      await write(`${batch.join("\n")}\n`);
      batch = [];
    }
  }
  if (batch.length) await write(`${batch.join("\n")}\n`);
  return { read: n, failed };
}

/** The offline reader; with an LLM configured, the combined one and a logger for its failures
 * (the logger is only loaded then: a plain classify does not pay for it). */
async function readerFor(c: Config, defs: Definitions): Promise<ReadDescription> {
  const llm = llmSettings(c);
  if (!llm) return offlineReader(defs);
  const { createLogger } = await import("../log.js");
  return descriptionReader(llm, defs, createLogger(c.LOG_LEVEL === "info" ? "warn" : c.LOG_LEVEL));
}

const writeStdout = (s: string) =>
  new Promise<void>((resolve, reject) => process.stdout.write(s, (e) => (e ? reject(e) : resolve())));

export const classifyCommand: Command = {
  summary: "free-text pre-triage only: what a description implies and what is still unknown (--jsonl: in bulk)",
  usage: "triage classify [--json] TEXT   |   triage classify --jsonl FILE|-",
  example: 'triage classify --json "someone got the support bot to ignore its instructions and print customer emails"\n  cut -f2 reports.tsv | triage classify --jsonl - > results.jsonl',
  options: { json: { type: "boolean" }, jsonl: { type: "boolean" } },
  async run({ values, positionals }, cfg) {
    const c: Config = cfg();
    if (values.jsonl) {
      if (values.json) throw new UsageError("classify: choose one of --json (one TEXT) or --jsonl (one report per line)");
      if (positionals.length !== 1) throw new UsageError("classify --jsonl needs exactly one FILE (or - for stdin), one report per line");
      const path = positionals[0]!;
      const defs = loadDefinitions(c);
      const read = await readerFor(c, defs);
      const input = path === "-" ? process.stdin : createReadStream(path, { encoding: "utf8" });
      const opened = new Promise<void>((resolve, reject) => {
        if (path === "-") return resolve();
        input.once("open", () => resolve());
        input.once("error", (e: NodeJS.ErrnoException) => reject(new UsageError(`cannot read ${path}: ${e.code ?? String(e)}`)));
      });
      await opened;
      const { read: lines, failed } = await classifyLines(createInterface({ input, crlfDelay: Infinity }), defs, read, writeStdout);
      if (failed) process.stderr.write(`triage: ${failed} of ${lines} lines could not be read (see their "error")\n`);
      return 0;
    }
    const text = positionals.join(" ").trim();
    if (!text) throw new UsageError('classify needs a description, e.g. triage classify "the model keeps making up refund rules"');
    const defs = loadDefinitions(c);
    // With LLM_* set, the description is also read by the organisation's LLM (see README).
    const read = await readerFor(c, defs);
    const out = await classifyOne(text, defs, read);
    return print(values.json ? JSON.stringify(out) : renderText(out));
  },
};
