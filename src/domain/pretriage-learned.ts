// Learned fallback for the free-text pre-triage: a linear classifier (multinomial naive Bayes or
// logistic regression, chosen per question by cross-validation) over word
// unigrams and bigrams (lower-cased, light suffix stripping), trained by scripts/train-pretriage.ts
// on the non-holdout fixture reports and shipped as data in the `learned:` block of
// flows/signals.yaml. preTriage only consults it for a question the lexicon leaves unanswered, and
// only above the per-question threshold chosen by cross-validation. Pure; no dependency on
// pretriage.ts so the trainer and the runtime share one featuriser.
import { z } from "zod";

// Intent is not among them: the calibrated intent reader (intent-model.ts) alone proposes it.
export const LEARNED_TARGETS = ["attackKind", "failureKind", "asset"] as const;
export type LearnedTarget = (typeof LEARNED_TARGETS)[number];

const LearnedTargetSpec = z.strictObject({
  /** min probability of the best class to report it */
  threshold: z.number().min(0).max(1),
  /** training settings; `bigrams` also decides the features read at run time */
  params: z.strictObject({
    /** "lr": logistic regression, lambda = L2 strength; "nb": multinomial naive Bayes, lambda = smoothing */
    kind: z.enum(["lr", "nb"]),
    lambda: z.number().min(0),
    bigrams: z.boolean(),
    minDf: z.number().int().min(1),
  }),
  classes: z.array(z.string()).min(2).max(20),
  bias: z.array(z.number()),
  /** feature → one weight per class (features: stems "word" and bigrams "word word") */
  weights: z.record(z.string().max(100), z.array(z.number())),
});
export type LearnedTargetSpec = z.infer<typeof LearnedTargetSpec>;

export const LearnedSection = z.strictObject({
  version: z.literal(1),
  /** how the block was made, for humans */
  trainedOn: z.string().max(500).optional(),
  targets: z.strictObject(
    Object.fromEntries(LEARNED_TARGETS.map((t) => [t, LearnedTargetSpec.optional()])) as Record<
      LearnedTarget,
      z.ZodOptional<typeof LearnedTargetSpec>
    >,
  ),
});
export type LearnedSection = z.infer<typeof LearnedSection>;

/** Shape problems the schema cannot express (one weight per class); returns messages. */
export function checkLearned(l: LearnedSection, allowed: (t: LearnedTarget) => readonly string[]): string[] {
  const problems: string[] = [];
  for (const t of LEARNED_TARGETS) {
    const spec = l.targets[t];
    if (!spec) continue;
    const where = `learned.targets.${t}`;
    const ok = allowed(t);
    for (const c of spec.classes) if (!ok.includes(c)) problems.push(`field '${where}.classes': '${c}' is not one of ${ok.join(", ")}`);
    const k = spec.classes.length;
    if (spec.bias.length !== k) problems.push(`field '${where}.bias': needs ${k} numbers, one per class`);
    for (const [f, w] of Object.entries(spec.weights)) {
      if (w.length !== k) {
        problems.push(`field '${where}.weights.${f}': needs ${k} numbers, one per class`);
        break;
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------- featuriser

const STOP = new Set(
  ("a an the of to in on at for and or is are was were be been being it its it's this that these those with as by from " +
    "we our us i me my you your they them their he she his her has have had do does did so just also there here " +
    "which who what when where while into onto up out about than then very really some any all").split(" "),
);

/** Stemming-lite: plural, -ing / -ed / -ly / -ation / -er endings; short words are kept as they are. */
export function stem(w: string): string {
  if (/^\d+([.,]\d+)*$/.test(w)) return "#";
  if (w.length <= 3) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is|'s)$/.test(w) && w.length > 3) w = w.slice(0, -1);
  for (const [suf, min] of [["ations", 4], ["ation", 4], ["ing", 3], ["edly", 3], ["ed", 3], ["ly", 4], ["ers", 4], ["er", 4]] as const) {
    if (w.endsWith(suf) && w.length - suf.length >= min) {
      w = w.slice(0, -suf.length);
      break;
    }
  }
  return w;
}

export interface Feature {
  /** normalised-text span of the first occurrence: for evidence */
  s: number;
  e: number;
}

const TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu;
const MAX_TOKENS = 1500;

/**
 * Features of an already normalised (lower-cased) text: stems of non-stop words, and bigrams of
 * consecutive kept words inside a sentence. Each feature maps to its first span.
 */
export function featuresOf(s: string, bigrams = true): Map<string, Feature> {
  const out = new Map<string, Feature>();
  let prev: { stem: string; s: number } | null = null;
  let lastEnd = 0;
  TOKEN.lastIndex = 0;
  let n = 0;
  for (let m = TOKEN.exec(s); m && n < MAX_TOKENS; m = TOKEN.exec(s), n++) {
    const start = m.index;
    const end = start + m[0].length;
    // sentence punctuation between two words breaks the bigram chain
    if (prev && /[.!?;:\n]|[,()"]/.test(s.slice(lastEnd, start))) prev = null;
    lastEnd = end;
    if (STOP.has(m[0])) continue;
    const st = stem(m[0]);
    if (!out.has(st)) out.set(st, { s: start, e: end });
    if (bigrams && prev) {
      const b = `${prev.stem} ${st}`;
      if (!out.has(b)) out.set(b, { s: prev.s, e: end });
    }
    prev = { stem: st, s: start };
  }
  return out;
}

// ------------------------------------------------------------------------------------- scoring

export interface LearnedGuess {
  value: string;
  confidence: number;
  /** normalised spans of the strongest positive features present, strongest first */
  evidence: Feature[];
}

/** Softmax of the linear scores; binary features scaled by 1/sqrt(#features) as in training. */
export function scoreLearned(spec: LearnedTargetSpec, feats: Map<string, Feature>, maxEvidence: number): LearnedGuess | undefined {
  const k = spec.classes.length;
  if (!feats.size || spec.bias.length !== k) return undefined;
  const scale = 1 / Math.sqrt(feats.size);
  const z = spec.bias.slice();
  const present: [Feature, number[]][] = [];
  for (const [f, at] of feats) {
    const w = Object.prototype.hasOwnProperty.call(spec.weights, f) ? spec.weights[f] : undefined;
    if (!w || w.length !== k) continue;
    for (let c = 0; c < k; c++) z[c]! += w[c]! * scale;
    if (!f.includes("#")) present.push([at, w]); // a bare number is no evidence to show
  }
  if (!present.length) return undefined;
  let best = 0;
  for (let c = 1; c < k; c++) if (z[c]! > z[best]!) best = c;
  let denom = 0;
  for (let c = 0; c < k; c++) denom += Math.exp(z[c]! - z[best]!);
  const confidence = 1 / denom;
  if (!Number.isFinite(confidence)) return undefined;
  // contribution of a feature to the winner over the average class
  const contrib = present
    .map(([at, w]) => ({ at, c: w[best]! - w.reduce((a, b) => a + b, 0) / k }))
    .filter((x) => x.c > 0)
    .sort((a, b) => b.c - a.c || a.at.s - b.at.s);
  const evidence: Feature[] = [];
  for (const x of contrib) {
    if (evidence.some((e) => e.s <= x.at.s && x.at.e <= e.e)) continue;
    evidence.push(x.at);
    if (evidence.length >= maxEvidence) break;
  }
  return { value: spec.classes[best]!, confidence, evidence };
}
