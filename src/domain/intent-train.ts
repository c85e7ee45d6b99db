// Training of the intent reader (src/domain/intent-model.ts): regularised logistic regression by
// full-batch gradient descent, k-fold cross-validation to choose the settings, Platt calibration on
// the out-of-fold scores, and thresholds chosen on those calibrated scores for a target precision.
// Pure and deterministic (fixed folds from a hash of each id, fixed iteration count, rounded
// weights): the same items give the same model file, byte for byte.
import {
  MISSED_ATTACK_COST,
  adversaryMentioned,
  compileIntentModel,
  corroborates,
  featurise,
  sigmoid,
  type Cues,
  type FeatureSettings,
  type IntentModel,
  type LexiconIntent,
} from "./intent-model.js";
import { GENERIC_ACRONYMS, maskedTokens, type MaskVocabulary } from "./mask.js";

export interface TrainItem {
  /** unique, e.g. "aiid:123" */
  key: string;
  text: string;
  /** 1: a deliberate adversary (security); 0: none (safety) */
  y: 0 | 1;
  cues: Cues;
  /** the lexicon's own intent decision, for the corroboration threshold */
  lexicon?: LexiconIntent;
  /** how much this item counts (an organisation's own confirmed incidents may count more) */
  weight?: number;
}

export interface TrainOptions {
  /** organisation and product names to mask even in lower case */
  names: string[];
  lambdas: number[];
  features: FeatureSettings[];
  folds: number;
  /** out-of-fold precision the security side's threshold must reach; the safety side's is stricter */
  targetPrecision: number;
  minContentWords: number;
  iterations: number;
  /** a side's threshold is judged only where at least this many items are above it */
  minSupport: number;
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, "names"> = {
  lambdas: [1e-4, 3e-4, 1e-3],
  // Always with the lexicon's cues. Cross-validation on public write-ups prefers text alone by a
  // hair, but it cannot see the shift to what responders type: the write-ups' attacks are mostly
  // scams and deepfakes, and without the cues the reader called prompt injections, jailbreaks and
  // insider theft described by a responder accidents, with confidence (README, pre-triage).
  features: [
    { bigrams: true, charN: [4], cues: true },
    { bigrams: true, charN: [3, 5], cues: true },
  ],
  folds: 5,
  // The target is at most 2% of reports proposed on the wrong side. At the ~80% of reports a
  // reader can be sure of, that takes ~97.5% precision; 98% on the folds leaves a little margin
  // for the shift from public write-ups to what responders type.
  targetPrecision: 0.98,
  minContentWords: 4,
  iterations: 300,
  minSupport: 20,
};

/** FNV-1a: a stable hash for fold and split assignment that does not depend on item order. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Ordinary words: lower-case forms used in lower case at least twice, minus known names. */
export function buildVocabulary(texts: string[], names: string[]): { common: string[]; names: string[] } {
  const nameSet = new Set(names.map((n) => n.toLowerCase()).filter((n) => n.length >= 3 && !GENERIC_ACRONYMS.has(n)));
  const seen = new Map<string, number>();
  const open: MaskVocabulary = { common: new Set(), names: new Set() };
  for (const text of texts) {
    for (const t of maskedTokens(text, open)) {
      const raw = text.slice(t.s, t.e).replace(/’/g, "'");
      if (raw !== raw.toLowerCase() || t.t.startsWith("<")) continue;
      const base = raw.replace(/'s$/, "");
      seen.set(base, (seen.get(base) ?? 0) + 1);
    }
  }
  // A name the corpus also uses as an ordinary lower-case word often ("apple", "amazon") stays a name
  // only if it is rarely used that way.
  const common = [...seen].filter(([w, n]) => n >= 2 && !(nameSet.has(w) && n < 5)).map(([w]) => w);
  const commonSet = new Set(common);
  return { common: common.sort(), names: [...nameSet].filter((n) => !commonSet.has(n)).sort() };
}

interface Matrix {
  rows: { idx: Int32Array; val: Float64Array }[];
  y: Float64Array;
  w: Float64Array;
  features: string[];
}

function matrix(items: TrainItem[], vocab: MaskVocabulary, fs: FeatureSettings, minDf: number): Matrix {
  const feats = items.map((it) => featurise(it.text, vocab, fs, it.cues).values);
  const df = new Map<string, number>();
  for (const f of feats) for (const k of f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const features = [...df].filter(([k, n]) => n >= minDf || k.startsWith("x:")).map(([k]) => k).sort();
  const index = new Map(features.map((f, i) => [f, i]));
  const rows = feats.map((f) => {
    const pairs = [...f].filter(([k]) => index.has(k)).map(([k, v]) => [index.get(k)!, v] as const).sort((a, b) => a[0] - b[0]);
    return { idx: Int32Array.from(pairs.map((p) => p[0])), val: Float64Array.from(pairs.map((p) => p[1])) };
  });
  return { rows, y: Float64Array.from(items.map((i) => i.y)), w: Float64Array.from(items.map((i) => i.weight ?? 1)), features };
}

/** L2-regularised logistic regression, full-batch gradient descent with Nesterov momentum. */
function fit(m: Matrix, lambda: number, iterations: number): { bias: number; w: Float64Array } {
  const d = m.features.length;
  let w = new Float64Array(d);
  let b = 0;
  let vw = new Float64Array(d);
  let vb = 0;
  const total = m.w.reduce((a, x) => a + x, 0);
  const step = 2;
  const mu = 0.9;
  for (let it = 0; it < iterations; it++) {
    // look-ahead point
    const lw = new Float64Array(d);
    for (let j = 0; j < d; j++) lw[j] = w[j]! + mu * vw[j]!;
    const lb = b + mu * vb;
    const g = new Float64Array(d);
    let gb = 0;
    for (let r = 0; r < m.rows.length; r++) {
      const row = m.rows[r]!;
      let z = lb;
      for (let k = 0; k < row.idx.length; k++) z += lw[row.idx[k]!]! * row.val[k]!;
      const err = (sigmoid(z) - m.y[r]!) * (m.w[r]! / total);
      gb += err;
      for (let k = 0; k < row.idx.length; k++) g[row.idx[k]!]! += err * row.val[k]!;
    }
    const nvw = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      nvw[j] = mu * vw[j]! - step * (g[j]! + lambda * lw[j]!);
      w[j]! += nvw[j]!;
    }
    vw = nvw;
    vb = mu * vb - step * gb;
    b += vb;
  }
  return { bias: b, w };
}

function scoreRow(model: { bias: number; w: Float64Array }, row: Matrix["rows"][number]): number {
  let z = model.bias;
  for (let k = 0; k < row.idx.length; k++) z += model.w[row.idx[k]!]! * row.val[k]!;
  return z;
}

/** Platt scaling: fits p = sigmoid(a z + b) to labels by gradient descent on log loss. */
export function platt(z: number[], y: number[]): { a: number; b: number } {
  let a = 1;
  let b = 0;
  // Platt's targets avoid 0/1 so a separable fold does not send a to infinity.
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  const t = y.map((v) => (v === 1 ? (pos + 1) / (pos + 2) : 1 / (neg + 2)));
  for (let it = 0; it < 2000; it++) {
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < z.length; i++) {
      const e = sigmoid(a * z[i]! + b) - t[i]!;
      ga += e * z[i]!;
      gb += e;
    }
    a -= (0.5 * ga) / z.length;
    b -= (0.5 * gb) / z.length;
  }
  return { a: round(a, 4), b: round(b, 4) };
}

/**
 * A wrong "none" sends an attack to the safety on-call, which costs MISSED_ATTACK_COST times a wrong
 * "deliberate": for the same expected cost, safety proposals may be wrong that many times less often.
 */
export function safetyTarget(securityTarget: number): number {
  return round(1 - (1 - securityTarget) / MISSED_ATTACK_COST, 4);
}

/**
 * The lowest threshold t at which proposals of this side (p >= t) reach the target precision,
 * scanning down from 0.99. One error in a small top bin is a dip, not the end; a clear miss (half a
 * point under the target) ends the scan. 1 when no threshold does (never propose).
 */
export function chooseThreshold(p: number[], positive: boolean[], target: number, minSupport: number, eligible?: boolean[]): number {
  let best = 1;
  for (let t = 0.99; t >= 0.5 - 1e-9; t -= 0.01) {
    let n = 0;
    let ok = 0;
    for (let i = 0; i < p.length; i++) if (p[i]! >= t && eligible?.[i] !== false) (n++, positive[i] && ok++);
    if (n < minSupport) continue;
    if (ok / n >= target) best = round(t, 2);
    else if (ok / n < target - 0.005) break;
  }
  return best;
}

/**
 * The lowest confidence at which the lexicon's "deliberate", where the reader does not lean safety,
 * is right at the target precision on the training items (out-of-fold p), at every higher bar too.
 */
export function chooseLexiconBar(items: TrainItem[], oofP: number[], target: number, minSupport: number): number {
  let best = 1;
  for (const bar of [0.995, 0.99, 0.98, 0.97, 0.95, 0.9, 0.85, 0.8]) {
    let n = 0;
    let ok = 0;
    items.forEach((it, i) => {
      if (corroborates(it.lexicon, oofP[i]!, bar)) (n++, it.y === 1 && ok++);
    });
    if (n < minSupport) continue;
    if (ok / n >= target) best = bar;
    else break;
  }
  return best;
}

export interface CvReport {
  lambda: number;
  features: FeatureSettings;
  logLoss: number;
  accuracy: number;
}

export interface TrainResult {
  model: IntentModel;
  /** every setting tried, with its out-of-fold figures */
  cv: CvReport[];
  /** out-of-fold calibrated probabilities of the chosen setting, by item key */
  oof: Map<string, number>;
}

function foldOf(key: string, folds: number): number {
  return hash32(`fold:${key}`) % folds;
}

export function trainIntentModel(items: TrainItem[], opt: TrainOptions, trainedOn: Record<string, unknown>): TrainResult {
  if (new Set(items.map((i) => i.key)).size !== items.length) throw new Error("training items need unique keys");
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : 1));
  const vocabulary = buildVocabulary(sorted.map((i) => i.text), opt.names);
  const vocab: MaskVocabulary = { common: new Set(vocabulary.common), names: new Set(vocabulary.names) };
  const folds = sorted.map((i) => foldOf(i.key, opt.folds));
  const cv: CvReport[] = [];
  let best: { report: CvReport; oofZ: number[] } | undefined;
  for (const fs of opt.features) {
    const all = matrix(sorted, vocab, fs, 2);
    for (const lambda of opt.lambdas) {
      const oofZ = new Array<number>(sorted.length).fill(0);
      for (let k = 0; k < opt.folds; k++) {
        const trainRows = sorted.map((_, i) => i).filter((i) => folds[i] !== k);
        const sub: Matrix = { ...all, rows: trainRows.map((i) => all.rows[i]!), y: Float64Array.from(trainRows.map((i) => all.y[i]!)), w: Float64Array.from(trainRows.map((i) => all.w[i]!)) };
        const m = fit(sub, lambda, opt.iterations);
        sorted.forEach((_, i) => {
          if (folds[i] === k) oofZ[i] = scoreRow(m, all.rows[i]!);
        });
      }
      const y = sorted.map((i) => i.y);
      const logLoss = -oofZ.reduce((a, z, i) => a + Math.log(Math.max(1e-9, y[i] ? sigmoid(z) : 1 - sigmoid(z))), 0) / oofZ.length;
      const accuracy = oofZ.filter((z, i) => (z >= 0 ? 1 : 0) === y[i]).length / oofZ.length;
      const report = { lambda, features: fs, logLoss: round(logLoss, 4), accuracy: round(accuracy, 4) };
      cv.push(report);
      if (!best || report.logLoss < best.report.logLoss) best = { report, oofZ };
    }
  }
  const chosen = best!;
  const y = sorted.map((i) => i.y);
  const calibration = platt(chosen.oofZ, y);
  const oofP = chosen.oofZ.map((z) => sigmoid(calibration.a * z + calibration.b));
  const thresholds = {
    security: chooseThreshold(oofP, y.map((v) => v === 1), opt.targetPrecision, opt.minSupport),
    // as at run time: no "none" is proposed where the text raises an adversary
    safety: chooseThreshold(oofP.map((p) => 1 - p), y.map((v) => v === 0), safetyTarget(opt.targetPrecision), opt.minSupport, sorted.map((i) => !adversaryMentioned(i.cues))),
    lexiconDeliberate: chooseLexiconBar(sorted, oofP, opt.targetPrecision, opt.minSupport),
  };
  const fs = chosen.report.features;
  const all = matrix(sorted, vocab, fs, 2);
  const fitted = fit(all, chosen.report.lambda, opt.iterations);
  const weights: Record<string, number> = {};
  all.features.forEach((f, j) => {
    const w = round(fitted.w[j]!, 4);
    if (Math.abs(w) >= 0.002) weights[f] = w;
  });
  const model: IntentModel = {
    version: 1,
    trainedOn: { ...trainedOn, items: sorted.length, security: y.filter((v) => v === 1).length, lambda: chosen.report.lambda, cvLogLoss: chosen.report.logLoss, cvAccuracy: chosen.report.accuracy, targetPrecision: { security: opt.targetPrecision, safety: safetyTarget(opt.targetPrecision) } },
    features: fs,
    vocabulary,
    bias: round(fitted.bias, 4),
    weights,
    calibration,
    thresholds,
    minContentWords: opt.minContentWords,
  };
  compileIntentModel(model); // shape check
  return { model, cv, oof: new Map(sorted.map((i, k) => [i.key, oofP[k]!])) };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
