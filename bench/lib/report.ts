// Every bench produces rows of the same shape: a figure, our number, the baseline measured in the same
// run, their ratio, the target and whether it was met. Each bench writes bench/results/<name>.json and
// prints its rows; bench/run.ts merges them into bench/results/latest.json and prints one table.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

export interface Row {
  figure: string;
  /** our figure, formatted with its unit. */
  ours: string;
  baseline: string;
  /** ours / baseline (a number) or a note. */
  ratio: string;
  target: string;
  /** null: informational, no target set. */
  pass: boolean | null;
}

export interface BenchResult {
  bench: string;
  startedAt: string;
  wallMs: number;
  machine: { cpus: number; loadavgAtStart: number[]; node: string };
  rows: Row[];
  details: Record<string, unknown>;
  error?: string;
}

export const RESULTS = fileURLToPath(new URL("../results/", import.meta.url));

export const args = process.argv.slice(2);
export const flag = (name: string) => args.includes(`--${name}`);
export function opt(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

export const ms = (x: number) =>
  !Number.isFinite(x) ? "n/a" : x < 0.1 ? `${(x * 1000).toFixed(1)} µs` : x < 10 ? `${x.toFixed(2)} ms` : x < 100 ? `${x.toFixed(1)} ms` : x < 10_000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`;
export const x = (r: number) => (Number.isFinite(r) ? `${r < 10 ? r.toFixed(2) : r.toFixed(1)}x` : "n/a");
export const pct = (r: number) => (Number.isFinite(r) ? `${(r * 100).toFixed(0)}%` : "n/a");

export function table(rows: Row[]): string {
  const head = ["figure", "ours", "baseline", "ratio", "target", "result"];
  const cells = rows.map((r) => [r.figure, r.ours, r.baseline, r.ratio, r.target, r.pass === null ? "info" : r.pass ? "PASS" : "MISS"]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

/** Runs a bench: times it, prints its rows, writes bench/results/<name>.json (also on failure). */
export async function runBench(name: string, body: (details: Record<string, unknown>) => Promise<Row[]>): Promise<void> {
  const started = Date.now();
  const details: Record<string, unknown> = {};
  const result: BenchResult = {
    bench: name,
    startedAt: new Date(started).toISOString(),
    wallMs: 0,
    machine: { cpus: cpus().length, loadavgAtStart: loadavg().map((l) => Math.round(l * 100) / 100), node: process.version },
    rows: [],
    details,
  };
  try {
    result.rows = await body(details);
  } catch (e) {
    result.error = (e as Error).stack ?? String(e);
    process.stderr.write(`${name}: ${result.error}\n`);
  }
  result.wallMs = Date.now() - started;
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
  if (result.rows.length) console.log(`\n${table(result.rows)}`);
  console.log(`\n${name}: ${(result.wallMs / 1000).toFixed(1)} s, load average at start ${result.machine.loadavgAtStart.join(" ")}; bench/results/${name}.json`);
  // Child processes and sockets are closed by now; exit explicitly so a stray handle cannot hang the run.
  process.exit(result.error ? 1 : 0);
}

export const log = (line: string) => process.stderr.write(`  ${line}\n`);
