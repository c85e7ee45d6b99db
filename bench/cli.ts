// Figure 8: `triage classify` start-up, the built CLI as a user runs it (`node dist/src/cli.js`),
// against a bare `node -e 0` on the same machine in the same run, interleaved so machine noise falls
// on both alike. Median of N runs each. Target (issue 15): within 8x of the bare start-up.
//   npx tsx bench/cli.ts [-- --runs 15]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ROOT } from "./lib/procs.js";
import { summarize } from "./lib/stats.js";
import { log, ms, opt, runBench, x, type Row } from "./lib/report.js";

const RUNS = opt("runs", 15);

function timed(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}`);
  return performance.now() - t0;
}

async function main(details: Record<string, unknown>): Promise<Row[]> {
  if (!existsSync(`${ROOT}dist/src/cli.js`)) {
    const b = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
    if (b.status !== 0) throw new Error("npm run build failed");
  }
  const classify = ["dist/src/cli.js", "classify", "--json", "the support bot invented a refund policy and customers are quoting it"];
  timed(classify); // the first run fills the parsed-lexicon cache, as a user's first run does
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(timed(classify));
    bare.push(timed(["-e", "0"]));
  }
  const o = summarize(ours);
  const b = summarize(bare);
  log(`${RUNS} runs each: triage classify p50 ${ms(o.p50)} (max ${ms(o.max)}); node -e 0 p50 ${ms(b.p50)}`);
  Object.assign(details, { runs: RUNS, classify: o, bareNode: b });
  return [{ figure: "8 triage classify start-up, p50", ours: ms(o.p50), baseline: `${ms(b.p50)} node -e 0`, ratio: x(o.p50 / b.p50), target: "<= 8x bare node (issue 15)", pass: o.p50 / b.p50 <= 8 }];
}

await runBench("cli", main);
