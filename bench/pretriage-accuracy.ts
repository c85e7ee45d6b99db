// Accuracy and speed of the free-text pre-triage on test/fixtures/reports.yaml.
//   npx tsx bench/pretriage-accuracy.ts            markdown table (all reports / holdout only) + timing
//                                                  + the tuning set cross-validated: the learned block
//                                                  of flows/signals.yaml retrained without each fold
//   npx tsx bench/pretriage-accuracy.ts --misses   also list wrong inferences on the tuning set (never
//                                                  the holdout: it must stay unseen while tuning weights)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { parseSignalModel, preTriage, type PreTriage } from "../src/domain/pretriage.js";
import { K, Trainer } from "../src/domain/pretriage-train.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const modelFile = `${root}flows/signals.yaml`;
const model = parseSignalModel(parse(readFileSync(modelFile, "utf8")), modelFile);

interface Report {
  id: string;
  text: string;
  holdout?: boolean;
  expect: Record<string, string | string[] | undefined>;
}
const reports = (parse(readFileSync(`${root}test/fixtures/reports.yaml`, "utf8")) as { reports: Report[] }).reports;

const QUESTIONS = ["intent", "attackKind", "failureKind", "asset", "ciaLost", "harm"] as const;
type Q = (typeof QUESTIONS)[number];

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Correct when the inference equals the label; a missing inference is wrong (for ciaLost/harm: the empty set). */
function judge(q: Q, label: string | string[], got: PreTriage): { inferred: boolean; correct: boolean } {
  const inf = got.inferred[q];
  if (Array.isArray(label)) {
    const v = (inf?.value as string[] | undefined) ?? [];
    return { inferred: v.length > 0, correct: sameSet(v, label) };
  }
  return { inferred: !!inf, correct: inf?.value === label };
}

function table(set: Report[], results: Map<string, PreTriage>) {
  const rows: string[] = [];
  for (const q of QUESTIONS) {
    let labelled = 0, inferred = 0, correct = 0, correctInferred = 0;
    for (const r of set) {
      const label = r.expect[q];
      if (label === undefined) continue;
      labelled++;
      const j = judge(q, label, results.get(r.id)!);
      if (j.correct) correct++;
      if (j.inferred) {
        inferred++;
        if (j.correct) correctInferred++;
      }
    }
    const acc = labelled ? correct / labelled : NaN;
    const prec = inferred ? correctInferred / inferred : NaN;
    rows.push(`| ${q} | ${labelled} | ${inferred} | ${acc.toFixed(2)} | ${prec.toFixed(2)} |`);
  }
  return rows;
}

const results = new Map<string, PreTriage>();
for (const r of reports) results.set(r.id, preTriage(r.text, model));

// Timing: warm up, then time each description many times.
const times: number[] = [];
for (let i = 0; i < 50; i++) for (const r of reports) preTriage(r.text, model);
for (let round = 0; round < 20; round++) {
  for (const r of reports) {
    const t0 = process.hrtime.bigint();
    preTriage(r.text, model);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
const p99 = times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!;
const big = "someone got the bot to ignore its instructions. ".repeat(3000);
const t0 = process.hrtime.bigint();
preTriage(big, model);
const bigMs = Number(process.hrtime.bigint() - t0) / 1e6;

const holdout = reports.filter((r) => r.holdout);
const header = ["| question | labelled | inferred | accuracy | precision |", "|---|---|---|---|---|"];
console.log(`## Pre-triage accuracy (${reports.length} reports, ${holdout.length} holdout)\n`);
console.log(`### All reports\n`);
console.log([...header, ...table(reports, results)].join("\n"));
console.log(`\n### Tuning set (not holdout)\n`);
console.log([...header, ...table(reports.filter((r) => !r.holdout), results)].join("\n"));
if (model.learned) {
  // Cheap (a few seconds): each fold's learned part is retrained on the other folds with the shipped
  // settings and thresholds. The lexicon was tuned on all of these reports, so its part is optimistic.
  const cv = new Trainer(reports.filter((r) => !r.holdout), model.settings.maxChars).crossValidated(model);
  console.log(`\n### Tuning set, learned part ${K}-fold cross-validated\n`);
  console.log([...header, ...table(reports.filter((r) => !r.holdout), cv)].join("\n"));
}
console.log(`\n### Holdout only\n`);
console.log([...header, ...table(holdout, results)].join("\n"));
console.log(`\n### Time per description\n`);
console.log(`| mean | p99 | 150k-char input |\n|---|---|---|\n| ${mean.toFixed(3)} ms | ${p99.toFixed(3)} ms | ${bigMs.toFixed(3)} ms |`);
console.log(`\naccuracy = correct / reports with that label (no inference = wrong; ciaLost/harm: exact set, none = [])`);
console.log(`precision = correct / inferences made`);

if (process.argv.includes("--misses")) {
  console.log(`\n### Misses on the tuning set\n`);
  for (const r of reports) {
    if (r.holdout) continue;
    const got = results.get(r.id)!;
    for (const q of QUESTIONS) {
      const label = r.expect[q];
      if (label === undefined || judge(q, label, got).correct) continue;
      const inf = got.inferred[q];
      const shown = inf ? `${JSON.stringify(inf.value)} ${inf.confidence} [${inf.evidence.join(" | ")}]` : "-";
      console.log(`${r.id} ${q}: want ${JSON.stringify(label)} got ${shown}`);
    }
  }
}
