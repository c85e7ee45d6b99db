// From the public corpus (and an organisation's own confirmed incidents) to what the trainer and
// the evaluation read: training items without the frozen test split, the test split itself, and the
// project's hand-written reports as a second, style-different test set. One place decides which
// item goes where, so `triage train`, `triage eval` and the tests cannot disagree.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../config.js";
import { parse } from "yaml";
import type { Incident } from "../domain/incident.js";
import type { TrainItem } from "../domain/intent-train.js";
import { intentCues, lexiconIntent, type SignalModel } from "../domain/pretriage.js";
import type { Domain } from "../domain/vocabulary.js";
import { loadCorpus, type Corpus, type CorpusItem } from "./load.js";
import { isTest, loadSplit, makeSplit, type FrozenSplit } from "./split.js";

export interface Prepared {
  corpus: Corpus;
  split: FrozenSplit;
  train: CorpusItem[];
  /** the frozen test split, high-confidence labels only (low-confidence ones are reported apart) */
  test: CorpusItem[];
  testLowConfidence: CorpusItem[];
}

export function prepareCorpus(dir?: string): Prepared {
  const corpus = loadCorpus(dir);
  // Without the committed split (a fork that deleted it) the same rule makes one: same result.
  const split = loadSplit() ?? makeSplit(corpus.items, new Date().toISOString().slice(0, 10));
  const train: CorpusItem[] = [];
  const test: CorpusItem[] = [];
  const testLowConfidence: CorpusItem[] = [];
  for (const i of corpus.items) {
    if (isTest(split, i)) (i.confidence === "high" ? test : testLowConfidence).push(i);
    // Ambiguous labels teach the reader to be sure about cases nobody is sure about: left out.
    else if (i.confidence === "high") train.push(i);
  }
  return { corpus, split, train, test, testLowConfidence };
}

export function toTrainItem(i: CorpusItem, signals: SignalModel): TrainItem {
  return trainItem(`${i.source}:${i.id}`, i.text, i.domain, signals);
}

function trainItem(key: string, text: string, domain: Domain, signals: SignalModel, weight?: number): TrainItem {
  const lexicon = lexiconIntent(text, signals);
  return { key, text, y: domain === "security" ? 1 : 0, cues: intentCues(text, signals), ...(lexicon ? { lexicon } : {}), ...(weight ? { weight } : {}) };
}

// ------------------------------------------------------------------ the organisation's own incidents

/**
 * The domain an organisation confirmed for one of its incidents, or undefined while it is not
 * confirmed: a reroute is a correction and wins; otherwise the responder's own intent answer
 * (deliberate / suspected / none) stands; intent unknown (provisional) confirms nothing.
 */
export function confirmedDomain(i: Incident): Domain | undefined {
  const reroutes = i.timeline.filter((e) => e.type === "rerouted");
  const last = reroutes.at(-1);
  if (last && last.type === "rerouted") return last.to;
  if (i.classification.provisional) return undefined;
  return i.classification.primary;
}

export function orgItems(incidents: Incident[], signals: SignalModel): { items: TrainItem[]; texts: Map<string, { text: string; domain: Domain }> } {
  const items: TrainItem[] = [];
  const texts = new Map<string, { text: string; domain: Domain }>();
  for (const i of incidents) {
    const domain = confirmedDomain(i);
    const text = typeof i.answers.description === "string" ? i.answers.description : "";
    if (!domain || text.trim().length < 10) continue;
    // The organisation's own wording is closer to what its responders type than any public report.
    items.push(trainItem(`org:${i.id}`, text, domain, signals, 2));
    texts.set(i.id, { text, domain });
  }
  return { items, texts };
}

// ------------------------------------------------------------------ the hand-written reports

export interface HandwrittenReport {
  id: string;
  text: string;
  expect: Record<string, string | string[] | undefined>;
}

export const HANDWRITTEN_FILE = join(ROOT, "test", "fixtures", "reports.yaml");

export function loadHandwritten(path = HANDWRITTEN_FILE): HandwrittenReport[] {
  return (parse(readFileSync(path, "utf8")) as { reports: HandwrittenReport[] }).reports;
}
