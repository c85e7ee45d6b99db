// `triage train` and `triage eval`: the learning loop of the intent reader. `train` fits the model
// on the public corpus (minus its frozen test split) plus, when asked, the organisation's own
// confirmed incidents, and writes MODEL_FILE; `eval` prints the figures of the current model on the
// frozen test split and the hand-written reports, or on the organisation's confirmed incidents.
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { reliabilityChartPng } from "../charts/reliability.js";
import type { Config } from "../config.js";
import { CorpusError, DEFAULT_CORPUS_DIR } from "../corpus/load.js";
import { evaluateCorpus, evaluateOrg, type CorpusEvaluation, type OrgEvaluation } from "../corpus/evaluate.js";
import { loadHandwritten, orgItems, prepareCorpus, toTrainItem } from "../corpus/pipeline.js";
import { loadDefinitions, loadSignals } from "../definitions.js";
import type { IntentFigures } from "../domain/intent-eval.js";
import { DEFAULT_TRAIN_OPTIONS, trainIntentModel, type TrainItem } from "../domain/intent-train.js";
import { UsageError, print, type Command } from "./command.js";
import { parseSince, withStore } from "./summary.js";

/** Below these the fit says more about chance than about the organisation: train refuses. */
export const MIN_TRAIN_ITEMS = 200;
export const MIN_PER_SIDE = 50;
export const MIN_ORG_CONFIRMED = 20;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

function corpusOrExplain<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof CorpusError) throw new UsageError(e.message);
    throw e;
  }
}

async function orgIncidents(cfg: Config, since: string) {
  const from = parseSince(since, new Date());
  let incidents: Awaited<ReturnType<import("../store/types.js").IncidentStore["list"]>> = [];
  const to = new Date();
  await withStore(cfg, async (io) => {
    incidents = await io.incidents.list({ from, to });
    return 0;
  }, "triage eval --since / train --org-since");
  return { incidents, from, to };
}

export const modelCommands: Record<string, Command> = {
  train: {
    summary: "retrain the intent reader on the public corpus (and your confirmed incidents) and write MODEL_FILE",
    usage: "triage train [--corpus DIR] [--org-since 90d] [--out FILE] [--json]",
    example: "REDIS_URL=redis://localhost:6379 triage train --corpus ~/aiid-export --org-since 180d --out ./intent-model.json",
    options: { corpus: { type: "string" }, "org-since": { type: "string" }, out: { type: "string" }, json: { type: "boolean" } },
    async run({ values, positionals }, cfg) {
      if (positionals.length) throw new UsageError(`train takes no arguments, got '${positionals[0]}' (try --corpus DIR)`);
      const c = cfg();
      const signals = loadSignals(c);
      // Your own incidents first: a window with too few is the cheaper mistake to report.
      const own: TrainItem[] = [];
      const orgSince = str(values["org-since"]);
      if (orgSince) {
        const { incidents } = await orgIncidents(c, orgSince);
        own.push(...orgItems(incidents, signals).items);
        if (own.length < MIN_ORG_CONFIRMED) {
          throw new UsageError(`--org-since ${orgSince}: ${own.length} confirmed incidents in the window, at least ${MIN_ORG_CONFIRMED} are needed (widen the window, or train on the public corpus alone)`);
        }
      }
      const corpusDir = str(values.corpus) ?? DEFAULT_CORPUS_DIR;
      const prepared = corpusOrExplain(() => prepareCorpus(corpusDir));
      const items: TrainItem[] = [...prepared.train.map((i) => toTrainItem(i, signals)), ...own];
      const org = own.length;
      const security = items.filter((i) => i.y === 1).length;
      if (items.length < MIN_TRAIN_ITEMS || security < MIN_PER_SIDE || items.length - security < MIN_PER_SIDE) {
        throw new UsageError(`${items.length} labelled incidents (${security} security, ${items.length - security} safety): at least ${MIN_TRAIN_ITEMS}, and ${MIN_PER_SIDE} of each, are needed to train`);
      }
      const trainedOn = {
        corpus: "AI Incident Database export + MITRE ATLAS case studies (corpus/README.md), frozen test split corpus/split.json excluded",
        publicItems: prepared.train.length,
        organisationItems: org,
      };
      const skipped = prepared.corpus.skipped.length;
      const result = trainIntentModel(items, { ...DEFAULT_TRAIN_OPTIONS, names: prepared.corpus.names }, trainedOn);
      const out = str(values.out) ?? c.MODEL_FILE;
      writeFileSync(out, `${JSON.stringify(result.model)}\n`);
      const summary = { out: relative(process.cwd(), out) || out, ...result.model.trainedOn, skipped, thresholds: result.model.thresholds, features: result.model.features, cv: result.cv };
      if (values.json) return print(JSON.stringify(summary));
      return print(
        [
          `wrote ${summary.out}: ${items.length} incidents (${prepared.train.length} public, ${org} yours), ${security} security` +
            (skipped ? `; ${skipped} public incidents skipped (no label: neither MIT's fields nor a hand label settle them)` : ""),
          `chosen: lambda ${result.model.trainedOn.lambda}, ${JSON.stringify(result.model.features)}; thresholds security ${result.model.thresholds.security}, safety ${result.model.thresholds.safety}`,
          ...result.cv.map((r) => `  cv lambda ${r.lambda} ${JSON.stringify(r.features)}: log loss ${r.logLoss}, accuracy ${r.accuracy}`),
        ].join("\n"),
      );
    },
  },
  eval: {
    summary: "figures of the current intent reader: on the public corpus's frozen test split, or on your confirmed incidents",
    usage: "triage eval [--corpus DIR] [--json] [--chart FILE.png]   |   triage eval --since 90d [--json]",
    example: "npm run eval   # or: REDIS_URL=redis://localhost:6379 triage eval --since 90d",
    options: { corpus: { type: "string" }, since: { type: "string" }, json: { type: "boolean" }, chart: { type: "string" } },
    async run({ values, positionals }, cfg) {
      if (positionals.length) throw new UsageError(`eval takes no arguments, got '${positionals[0]}'`);
      const chart = str(values.chart);
      if (chart !== undefined && !/\.png$/i.test(chart)) throw new UsageError(`--chart ${chart}: the file name must end in .png`);
      if (values.since !== undefined && values.corpus !== undefined) throw new UsageError("eval: choose one of --since (your incidents) or --corpus (the public corpus)");
      const c = cfg();
      const defs = loadDefinitions(c);
      const since = str(values.since);
      if (since !== undefined) {
        parseSince(since, new Date());
        const { incidents, from, to } = await orgIncidents(c, since);
        const r = evaluateOrg(incidents, defs, { from, to });
        if (chart) writeFileSync(chart, reliabilityChartPng(r.intent.reliability, "Reliability, your incidents"));
        return print(values.json ? JSON.stringify(r) : renderOrg(r));
      }
      const prepared = corpusOrExplain(() => prepareCorpus(str(values.corpus) ?? DEFAULT_CORPUS_DIR));
      const r = evaluateCorpus(prepared, loadHandwritten(), defs);
      if (chart) writeFileSync(chart, reliabilityChartPng(r.frozenTest.reliability, "Reliability, frozen test split"));
      return print(values.json ? JSON.stringify(r) : renderCorpus(r));
    },
  },
};

// ----------------------------------------------------------------------------------- rendering

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function intentRow(name: string, f: IntentFigures): string {
  return `| ${name} | ${f.n} | ${pct(f.primaryAccuracy)} | ${pct(f.proposalPrecision)} | ${pct(f.abstention)} | ${pct(f.wrongDomainRate)} (${f.confusion.safety.security + f.confusion.security.safety}) |`;
}

const INTENT_HEADER = ["| set | reports | primary right | intent precision | abstains | wrong domain proposed |", "|---|---|---|---|---|---|"];

export function renderCorpus(r: CorpusEvaluation): string {
  const h = r.handwritten;
  const lines = [
    `intent reader: ${JSON.stringify({ lambda: r.model.lambda, items: r.model.items, targetPrecision: r.model.targetPrecision })}`,
    "",
    ...INTENT_HEADER,
    intentRow("frozen test split (public, never trained on)", r.frozenTest),
    ...Object.entries(r.frozenTest.bySource).map(([s, f]) => intentRow(`  of which ${s}`, f)),
    intentRow("frozen test split, low-confidence labels", r.frozenTestLowConfidence),
    intentRow("hand-written reports (test/fixtures/reports.yaml)", h),
    "",
    "kinds on the frozen test split, against labels MIT's risk subdomains imply (1.1/1.3 bias, 1.2 harmful output, 3.1 made-up information, 4.1/4.3 malicious use):",
    "| kind | incidents | accuracy | precision | abstains |",
    "|---|---|---|---|---|",
    ...Object.entries(r.frozenTest.kinds).map(([k, f]) => `| ${k} | ${f.n} | ${pct(f.accuracy)} | ${pct(f.precision)} | ${pct(f.abstention)} |`),
    "",
    `cross-domain on the hand-written reports: precision ${pct(h.crossDomain.precision)}, recall ${pct(h.crossDomain.recall)}, F1 ${h.crossDomain.f1.toFixed(2)}`,
    "",
    "| question (hand-written reports) | labelled | accuracy | precision | abstains |",
    "|---|---|---|---|---|",
    ...Object.entries(h.questions).map(([q, f]) => `| ${q} | ${f.n} | ${pct(f.accuracy)} | ${pct(f.precision)} | ${pct(f.abstention)} |`),
    "",
    "reliability of p(security) on the frozen test split:",
    "| p(security) | reports | mean predicted | share security |",
    "|---|---|---|---|",
    ...r.frozenTest.reliability.map((b) => `| ${b.from.toFixed(1)}-${b.to.toFixed(1)} | ${b.n} | ${b.predicted.toFixed(2)} | ${b.observed.toFixed(2)} |`),
    "",
    ...Object.entries(r.labelAudit).map(([g, a]) => `label audit (${g}): the hand label disagrees with the MIT-field rule on ${a.disagree} of ${a.n} incidents`),
  ];
  return lines.join("\n");
}

export function renderOrg(r: OrgEvaluation): string {
  const f = r.intent;
  return [
    `${r.confirmed} confirmed of ${r.incidents} incidents, ${r.window.from.slice(0, 10)} to ${r.window.to.slice(0, 10)}`,
    "",
    ...INTENT_HEADER,
    intentRow("your confirmed incidents", f),
    "",
    "confusion (rows: confirmed domain; columns: proposed):",
    "| | security | safety | nothing |",
    "|---|---|---|---|",
    ...(["security", "safety"] as const).map((d) => `| ${d} | ${f.confusion[d].security} | ${f.confusion[d].safety} | ${f.confusion[d].none} |`),
    "",
    "| question | answered | accuracy | precision | abstains |",
    "|---|---|---|---|---|",
    ...Object.entries(r.questions).map(([q, x]) => `| ${q} | ${x.n} | ${pct(x.accuracy)} | ${pct(x.precision)} | ${pct(x.abstention)} |`),
    "",
    "when filed (the model of the day): suggestions kept or changed by the responder",
    "| question | proposed | kept | changed |",
    "|---|---|---|---|",
    ...Object.entries(r.atFiling).map(([q, x]) => `| ${q} | ${x.proposed} | ${x.kept} | ${x.changed} |`),
  ].join("\n");
}
