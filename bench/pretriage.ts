// Figure 7: free-text pre-triage per description: preTriage (src/domain/pretriage.ts) with the model of
// flows/signals.yaml and the intent reader of flows/intent-model.json (loadDefinitions(loadConfig({})))
// over every report of test/fixtures/reports.yaml,
// each call timed on its own (performance.now), after a warm-up; mean, p50, p99 and max per description.
// Baseline, same run, same texts: the cheapest pass any lexicon classifier needs, lower-casing and
// splitting the text into words. (Accuracy is `npm run eval`.)
//   npm run bench:pretriage [-- --passes 30]
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { loadConfig } from "../src/config.js";
import { loadDefinitions } from "../src/definitions.js";
import { preTriage } from "../src/domain/pretriage.js";
import { ROOT } from "./lib/procs.js";
import { summarize } from "./lib/stats.js";
import { log, ms, opt, runBench, x, type Row } from "./lib/report.js";

const PASSES = opt("passes", 30);

async function main(details: Record<string, unknown>): Promise<Row[]> {
  const { signals, intent } = loadDefinitions(loadConfig({}));
  const reports = (parse(readFileSync(`${ROOT}test/fixtures/reports.yaml`, "utf8")) as { reports: Array<{ id: string; text: string }> }).reports;
  const texts = reports.map((r) => r.text);
  const tokenize = (t: string) => t.toLowerCase().split(/[^\p{L}\p{N}']+/u).filter(Boolean).length;

  let sink = 0;
  for (let i = 0; i < 5; i++) for (const t of texts) sink += Object.keys(preTriage(t, signals, intent).inferred).length + tokenize(t);
  const ours: number[] = [];
  const base: number[] = [];
  // Interleaved per text, so machine noise falls on both alike.
  for (let p = 0; p < PASSES; p++) {
    for (const t of texts) {
      let t0 = performance.now();
      sink += Object.keys(preTriage(t, signals, intent).inferred).length;
      ours.push(performance.now() - t0);
      t0 = performance.now();
      sink += tokenize(t);
      base.push(performance.now() - t0);
    }
  }
  const o = summarize(ours);
  const b = summarize(base);
  const chars = texts.map((t) => t.length);
  log(`${texts.length} reports x ${PASSES} passes: pre-triage mean ${ms(o.mean)} p99 ${ms(o.p99)} max ${ms(o.max)}; tokenize mean ${ms(b.mean)} p99 ${ms(b.p99)} (sink ${sink})`);
  Object.assign(details, { reports: texts.length, passes: PASSES, chars: { mean: Math.round(chars.reduce((a, c) => a + c, 0) / chars.length), max: Math.max(...chars) }, preTriage: o, tokenizeBaseline: b });
  return [
    { figure: "7 pre-triage per description, mean", ours: ms(o.mean), baseline: `${ms(b.mean)} tokenize`, ratio: x(o.mean / b.mean), target: "< 5 ms (issue 11)", pass: o.mean < 5 },
    { figure: "7 pre-triage per description, p99", ours: ms(o.p99), baseline: `${ms(b.p99)} tokenize`, ratio: x(o.p99 / b.p99), target: "< 5 ms (issue 11)", pass: o.p99 < 5 },
  ];
}

await runBench("pretriage", main);
