// Training and cross-validation for the learned pre-triage fallback (src/domain/pretriage-learned.ts).
// Used by scripts/train-pretriage.ts (writes the `learned:` block of flows/signals.yaml). Not used at
// run time. (The intent reader has its own trainer, src/domain/intent-train.ts.)
// Callers pass only tuning reports: the holdout must never reach this module.
import { CONTRACT } from "./vocabulary.js";
import { normaliseText, type SignalModel } from "./pretriage.js";
import { LEARNED_TARGETS, featuresOf, scoreLearned, type LearnedTarget, type LearnedTargetSpec } from "./pretriage-learned.js";

export interface TrainReport {
  id: string;
  text: string;
  holdout?: boolean;
  expect: Record<string, string | string[] | undefined>;
}
export interface Params {
  kind: "lr" | "nb";
  lambda: number;
  bigrams: boolean;
  minDf: number;
}

export const K = 5;
const SEED = 20240611;
const STEPS = 800;
const LR = 4;
const MIN_KEPT_WEIGHT = 0.02;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Trainer {
  readonly reports: TrainReport[];
  readonly foldOf: Map<string, number>;
  private norm = new Map<string, string>();
  private featCache = new Map<string, string[]>();

  constructor(reports: TrainReport[], private maxChars: number) {
    if (reports.some((r) => r.holdout)) throw new Error("holdout reports must not be used for training");
    this.reports = [...reports].sort((a, b) => (a.id < b.id ? -1 : 1));
    // deterministic shuffle, then fold = position % K
    const order = this.reports.map((r) => r.id);
    const rand = rng(SEED);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    this.foldOf = new Map(order.map((id, i) => [id, i % K]));
    for (const r of this.reports) this.norm.set(r.id, normaliseText(r.text, maxChars));
  }

  feats(r: TrainReport, bigrams: boolean): string[] {
    const key = `${r.id}|${bigrams}`;
    let f = this.featCache.get(key);
    if (!f) this.featCache.set(key, (f = [...featuresOf(this.norm.get(r.id) ?? normaliseText(r.text, this.maxChars), bigrams).keys()]));
    return f;
  }

  labelled(target: LearnedTarget, set: TrainReport[] = this.reports): TrainReport[] {
    return set.filter((r) => typeof r.expect[target] === "string");
  }

  /** Softmax regression, L2 on weights, Nesterov-accelerated full-batch gradient descent. */
  train(target: LearnedTarget, set: TrainReport[], p: Params, threshold = 0): LearnedTargetSpec {
    const classes = (CONTRACT[target].values as readonly string[]).filter((v) => set.some((r) => r.expect[target] === v));
    const df = new Map<string, number>();
    for (const r of set) for (const f of this.feats(r, p.bigrams)) df.set(f, (df.get(f) ?? 0) + 1);
    const vocab = [...df].filter(([, n]) => n >= p.minDf).map(([f]) => f).sort();
    const index = new Map(vocab.map((f, i) => [f, i]));
    const F = vocab.length;
    const C = classes.length;
    const X = set.map((r) => {
      const all = this.feats(r, p.bigrams);
      // the same scaling as scoreLearned: over all features of the text, known or not
      return { idx: all.map((f) => index.get(f)).filter((i): i is number => i !== undefined), scale: 1 / Math.sqrt(all.length) };
    });
    const Y = set.map((r) => classes.indexOf(r.expect[target] as string));
    const n = set.length;
    let W = new Float64Array(F * C);
    let B = new Float64Array(C);
    if (p.kind === "nb") {
      // Multinomial naive Bayes on binary features; log-probabilities times the mean 1/scale, so a
      // text of typical length scores as plain naive Bayes under scoreLearned's 1/sqrt(n) scaling.
      const cnt = new Float64Array(F * C);
      const tot = new Float64Array(C);
      const docs = new Float64Array(C);
      let s0 = 0;
      X.forEach(({ idx, scale }, d) => {
        const c = Y[d]!;
        docs[c]!++;
        s0 += 1 / scale / n;
        for (const f of idx) {
          cnt[f * C + c]!++;
          tot[c]!++;
        }
      });
      for (let c = 0; c < C; c++) {
        B[c] = Math.log(docs[c]! / n);
        for (let f = 0; f < F; f++) W[f * C + c] = s0 * Math.log((cnt[f * C + c]! + p.lambda) / (tot[c]! + p.lambda * F));
      }
      return this.export(W, B, vocab, classes, p, threshold);
    }
    let Wprev = W;
    let Bprev = B;
    const gW = new Float64Array(F * C);
    const gB = new Float64Array(C);
    const z = new Float64Array(C);
    for (let step = 1; step <= STEPS; step++) {
      const mom = (step - 1) / (step + 2);
      const Wl = new Float64Array(F * C);
      const Bl = new Float64Array(C);
      for (let i = 0; i < F * C; i++) Wl[i] = W[i]! + mom * (W[i]! - Wprev[i]!);
      for (let c = 0; c < C; c++) Bl[c] = B[c]! + mom * (B[c]! - Bprev[c]!);
      gW.fill(0);
      gB.fill(0);
      for (let d = 0; d < n; d++) {
        const { idx, scale } = X[d]!;
        for (let c = 0; c < C; c++) z[c] = Bl[c]!;
        for (const f of idx) for (let c = 0; c < C; c++) z[c]! += Wl[f * C + c]! * scale;
        let mx = -Infinity;
        for (let c = 0; c < C; c++) mx = Math.max(mx, z[c]!);
        let sum = 0;
        for (let c = 0; c < C; c++) sum += z[c] = Math.exp(z[c]! - mx);
        for (let c = 0; c < C; c++) {
          const g = (z[c]! / sum - (c === Y[d] ? 1 : 0)) / n;
          gB[c]! += g;
          for (const f of idx) gW[f * C + c]! += g * scale;
        }
      }
      Wprev = W;
      Bprev = B;
      W = new Float64Array(F * C);
      B = new Float64Array(C);
      for (let i = 0; i < F * C; i++) W[i] = Wl[i]! - LR * (gW[i]! + p.lambda * Wl[i]!);
      for (let c = 0; c < C; c++) B[c] = Bl[c]! - LR * gB[c]!;
    }
    return this.export(W, B, vocab, classes, p, threshold);
  }

  /** Export form: centred per feature (the softmax is unchanged), rounded, tiny weights dropped. */
  private export(W: Float64Array, B: Float64Array, vocab: string[], classes: string[], p: Params, threshold: number): LearnedTargetSpec {
    const F = vocab.length;
    const C = classes.length;
    const r3 = (x: number) => Math.round(x * 100) / 100 || 0;
    const weights: Record<string, number[]> = {};
    for (let f = 0; f < F; f++) {
      const w = Array.from(W.subarray(f * C, f * C + C));
      const mean = w.reduce((a, b) => a + b, 0) / C;
      const centred = w.map((x) => r3(x - mean));
      if (Math.max(...centred.map(Math.abs)) >= MIN_KEPT_WEIGHT) weights[vocab[f]!] = centred;
    }
    const bm = Array.from(B).reduce((a, b) => a + b, 0) / C;
    return { threshold, params: { ...p }, classes, bias: Array.from(B, (x) => r3(x - bm)), weights };
  }

  /** Out-of-fold prediction of the learned model alone, for every labelled tuning report. */
  outOfFold(target: LearnedTarget, p: Params): { id: string; label: string; value: string; confidence: number }[] {
    const out: { id: string; label: string; value: string; confidence: number }[] = [];
    const data = this.labelled(target);
    for (let k = 0; k < K; k++) {
      const spec = this.train(target, data.filter((r) => this.foldOf.get(r.id) !== k), p);
      for (const r of data.filter((r) => this.foldOf.get(r.id) === k)) {
        const g = scoreLearned(spec, featuresOf(this.norm.get(r.id)!, p.bigrams), 3);
        out.push({ id: r.id, label: r.expect[target] as string, value: g?.value ?? "", confidence: g?.confidence ?? 0 });
      }
    }
    return out;
  }

  /** Learned block trained on `set` with each target's settings and threshold from `like`. */
  fit(set: TrainReport[], like: Partial<Record<LearnedTarget, { params: Params; threshold: number }>>): NonNullable<SignalModel["learned"]> {
    const targets: Partial<Record<LearnedTarget, LearnedTargetSpec>> = {};
    for (const t of LEARNED_TARGETS) {
      const c = like[t];
      if (c) targets[t] = this.train(t, this.labelled(t, set), c.params, c.threshold);
    }
    return { version: 1, targets };
  }
}
