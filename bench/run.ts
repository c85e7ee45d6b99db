// `npm run bench`: every figure, one after the other (each bench starts its own redis-server and
// processes, and stops them), then one table: figure, ours, baseline, ratio, target, pass/miss.
// Writes bench/results/latest.json (every bench's rows and details, and bench/summary.ts's figures).
//   npm run bench                         all, in about 15 to 20 minutes on 2 cores (storm: 60 s of reports; cluster: six redis-servers)
//   npm run bench -- --only ack,route     some
//   npm run bench -- --short              route for 15 s instead of 30
//   npm run bench -- --summary-max 1000000   summaries up to 1M stored incidents (+2-3 minutes, ~1.5 GB)
//   npm run bench -- --tsx                web and worker from src/ through tsx instead of the built dist/
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { ensureBuilt, useTsx } from "./lib/entry.js";
import { ROOT } from "./lib/procs.js";
import { RESULTS, args, flag, opt, table, x, ms, type BenchResult, type Row } from "./lib/report.js";

/** Whole run budget; each bench gets at most what is left (`--only` runs a quicker subset). */
const BUDGET_S = opt("budget-seconds", 1500);
const SUMMARY_MAX = opt("summary-max", 100_000);

interface Bench {
  name: string;
  file: string;
  args: string[];
  timeoutS: number;
  figure: string;
}

const BENCHES: Bench[] = [
  { name: "pretriage", file: "bench/pretriage.ts", args: [], timeoutS: 60, figure: "7" },
  { name: "cli", file: "bench/cli.ts", args: [], timeoutS: 120, figure: "8" },
  { name: "ack", file: "bench/ack.ts", args: [], timeoutS: 180, figure: "1" },
  { name: "throughput", file: "bench/throughput.ts", args: [], timeoutS: 120, figure: "3" },
  { name: "route", file: "bench/route.ts", args: flag("short") ? ["--short"] : [], timeoutS: 200, figure: "2" },
  { name: "burst", file: "bench/burst.ts", args: [], timeoutS: 180, figure: "4" },
  { name: "memory", file: "bench/memory.ts", args: [], timeoutS: 150, figure: "5" },
  { name: "summary", file: "bench/summary.ts", args: ["--max", String(SUMMARY_MAX)], timeoutS: 150, figure: "6" },
  { name: "duplicates", file: "bench/duplicates.ts", args: [], timeoutS: 240, figure: "9" },
  { name: "cluster", file: "bench/cluster.ts", args: [], timeoutS: 300, figure: "10" },
  { name: "storm", file: "bench/storm.ts", args: [], timeoutS: 300, figure: "11" },
];

const only = (() => {
  const i = args.indexOf("--only");
  return i >= 0 ? new Set(args[i + 1]!.split(",")) : undefined;
})();

// Web and worker run from dist/ like the Procfile: build once here, not in the first bench's time.
// The benches are children: they learn of --tsx from the environment.
if (useTsx()) process.env.BENCH_TSX = "1";
ensureBuilt(ROOT);

let current: number | undefined;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    // Benches run in their own process group (so a timeout can stop their redis-server too): pass it on.
    if (current) {
      try {
        process.kill(-current, "SIGTERM");
      } catch {}
    }
    process.exit(130);
  });
}

function runChild(b: Bench, timeoutS: number): Promise<{ code: number | null; seconds: number; timedOut: boolean }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    process.stdout.write(`\n=== ${b.name} (figure ${b.figure}): npx tsx ${b.file} ${b.args.join(" ")}  [limit ${timeoutS} s]\n`);
    const child = spawn(process.execPath, ["--import", "tsx", b.file, ...b.args], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], detached: true });
    current = child.pid;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The bench's whole process group: its redis-server and child processes too.
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {}
      }, 5000);
    }, timeoutS * 1000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      current = undefined;
      resolve({ code, seconds: (Date.now() - t0) / 1000, timedOut });
    });
  });
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** bench/summary.ts's figures (its own format: rows of {size, days, medianMs, incidentsInWindow}). */
function summaryRows(s: { rows?: Array<{ size: number; days: number; medianMs: number; incidentsInWindow?: number }> } | undefined): Row[] {
  const rows = s?.rows ?? [];
  const sizes = [...new Set(rows.map((r) => r.size))].sort((a, b) => a - b);
  if (!sizes.length) return [];
  const small = sizes[0]!;
  const k = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1000}k`);
  const out: Row[] = [];
  for (const size of sizes) {
    for (const r of rows.filter((r2) => r2.size === size).sort((a, b) => a.days - b.days)) {
      const base = rows.find((r2) => r2.size === small && r2.days === r.days)!;
      out.push({
        figure: `6 ${r.days}-day summary at ${k(size)} stored`,
        ours: `${ms(r.medianMs)}${r.incidentsInWindow !== undefined ? ` (${r.incidentsInWindow} in window)` : ""}`,
        baseline: size === small ? "-" : `${ms(base.medianMs)} at ${k(small)}`,
        ratio: size === small ? "-" : x(r.medianMs / base.medianMs),
        target: "- (bench/summary.ts)",
        pass: null,
      });
    }
  }
  return out;
}

const started = Date.now();
const runs: Record<string, { code: number | null; seconds: number; timedOut: boolean; skipped?: string }> = {};
for (const b of BENCHES) {
  if (only && !only.has(b.name)) continue;
  if (!existsSync(`${ROOT}${b.file}`)) {
    runs[b.name] = { code: null, seconds: 0, timedOut: false, skipped: `${b.file} does not exist` };
    continue;
  }
  const left = BUDGET_S - (Date.now() - started) / 1000;
  if (left < 20) {
    runs[b.name] = { code: null, seconds: 0, timedOut: false, skipped: `no time left in the ${BUDGET_S} s budget` };
    continue;
  }
  runs[b.name] = await runChild(b, Math.min(b.timeoutS, Math.floor(left)));
}
const wallS = (Date.now() - started) / 1000;

const rows: Row[] = [];
const results: Record<string, unknown> = {};
for (const b of BENCHES) {
  const run = runs[b.name];
  if (!run) continue;
  const failed = (why: string) => rows.push({ figure: `${b.figure} ${b.name}`, ours: why, baseline: "-", ratio: "-", target: "-", pass: false });
  if (run.skipped) {
    rows.push({ figure: `${b.figure} ${b.name}`, ours: `skipped: ${run.skipped}`, baseline: "-", ratio: "-", target: "-", pass: null });
    continue;
  }
  if (b.name === "summary") {
    const s = readJson<{ generatedAt?: string; rows?: Array<{ size: number; days: number; medianMs: number }> }>(`${RESULTS}summary.json`);
    const fresh = s?.generatedAt && Date.parse(s.generatedAt) >= started;
    if (run.code !== 0 || !fresh) failed(run.timedOut ? `timed out after ${run.seconds.toFixed(0)} s` : `exit ${run.code}${fresh ? "" : ", no fresh summary.json"}`);
    else rows.push(...summaryRows(s));
    results.summary = { ...s, seconds: run.seconds, max: SUMMARY_MAX };
    continue;
  }
  const r = readJson<BenchResult>(`${RESULTS}${b.name}.json`);
  const fresh = r && Date.parse(r.startedAt) >= started;
  if (!r || !fresh) failed(run.timedOut ? `timed out after ${run.seconds.toFixed(0)} s` : `exit ${run.code}, no result`);
  else if (r.error) {
    rows.push(...r.rows);
    failed(`error: ${r.error.split("\n")[0]!.slice(0, 80)}`);
  } else rows.push(...r.rows);
  results[b.name] = r ? { ...r, seconds: run.seconds } : { seconds: run.seconds };
}
rows.sort((a, b) => Number(a.figure.split(" ")[0]) - Number(b.figure.split(" ")[0]));

const latest = {
  generatedAt: new Date(started).toISOString(),
  wallSeconds: Math.round(wallS),
  machine: { cpus: cpus().length, node: process.version, loadavgAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
  notes: [
    "Every figure is ours against a baseline measured in the same run on the same machine; the machine is shared, so absolute numbers move between runs and the ratios are the figures to compare.",
    "Redis runs with appendonly yes, appendfsync everysec; abuse limits are off (all bench responders share one workspace).",
  ],
  table: rows,
  runs,
  results,
};
writeFileSync(`${RESULTS}latest.json`, `${JSON.stringify(latest, null, 2)}\n`);
const pass = rows.filter((r) => r.pass === true).length;
const miss = rows.filter((r) => r.pass === false).length;
console.log(`\n${table(rows)}\n`);
console.log(`${pass} pass, ${miss} miss, ${rows.filter((r) => r.pass === null).length} informational; wall time ${Math.floor(wallS / 60)} min ${Math.round(wallS % 60)} s; bench/results/latest.json`);
