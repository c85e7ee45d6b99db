// The intent reader: was there a deliberate adversary? A regularised logistic regression over word
// stems, bigrams and character n-grams of the name-masked text (src/domain/mask.ts), plus the
// lexicon's cues (attack and failure wording, negation, hedges) as a handful of numeric features.
// Trained on real public incidents (src/domain/intent-train.ts, `triage train`), calibrated on
// cross-validation folds (Platt scaling), and it proposes a side only above a threshold chosen on
// those folds for a target precision; below it, or on too few content words, it proposes nothing.
// Pure: the model is data (MODEL_FILE, flows/intent-model.json), validated by the schema here.
import { z } from "zod";
import { fieldProblems } from "./problems.js";
import { stem } from "./pretriage-learned.js";
import { maskedTokens, type MaskVocabulary, type Token } from "./mask.js";

export const FeatureSettings = z.strictObject({
  bigrams: z.boolean(),
  /** character n-gram lengths taken inside each word ("^hack$" → "^hac", "hack", "ack$") */
  charN: z.array(z.number().int().min(2).max(6)).max(3),
  /** the lexicon's cue scores as features */
  cues: z.boolean(),
});
export type FeatureSettings = z.infer<typeof FeatureSettings>;

export const IntentModel = z.strictObject({
  version: z.literal(1),
  /** provenance of this model: data, split, settings, figures on the training folds */
  trainedOn: z.record(z.string(), z.unknown()),
  features: FeatureSettings,
  vocabulary: z.strictObject({ common: z.array(z.string().max(40)).max(100_000), names: z.array(z.string().max(60)).max(100_000) }),
  bias: z.number(),
  /** feature → weight towards "a deliberate adversary" (security) */
  weights: z.record(z.string().max(120), z.number()),
  /** calibrated p = sigmoid(a * score + b), fitted on out-of-fold scores */
  calibration: z.strictObject({ a: z.number(), b: z.number() }),
  thresholds: z.strictObject({
    /** propose security when p >= security, safety when 1 - p >= safety (chosen on the folds) */
    security: z.number().min(0.5).max(1),
    safety: z.number().min(0.5).max(1),
    /**
     * also propose security when the lexicon reads "deliberate" at least this surely and the reader
     * does not lean safety: explicit attack wording ("an attacker got the bot to ...") that public
     * write-ups rarely use. Chosen on the training items for the same precision; 1 = never.
     */
    lexiconDeliberate: z.number().min(0.5).max(1),
  }),
  /** fewer content words than this: nothing is proposed */
  minContentWords: z.number().int().min(1).max(50),
});
export type IntentModel = z.infer<typeof IntentModel>;

export class IntentModelError extends Error {
  readonly code = "INTENT_MODEL_INVALID";
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: invalid intent model\n  - ${problems.join("\n  - ")}`);
  }
}

export interface CompiledIntentModel {
  model: IntentModel;
  vocab: MaskVocabulary;
  weights: Map<string, number>;
}

export function parseIntentModel(doc: unknown, file: string): CompiledIntentModel {
  const parsed = IntentModel.safeParse(doc);
  if (!parsed.success) {
    throw new IntentModelError(file, fieldProblems(parsed.error.issues, "(root)"));
  }
  return compileIntentModel(parsed.data);
}

export function compileIntentModel(model: IntentModel): CompiledIntentModel {
  return {
    model,
    vocab: { common: new Set(model.vocabulary.common), names: new Set(model.vocabulary.names) },
    weights: new Map(Object.entries(model.weights)),
  };
}

// ---------------------------------------------------------------------------------- featuriser

/** Function words: no feature of their own (they still join bigrams' neighbours). */
const STOP = new Set(
  ("a an the of to in on at for and or is are was were be been being it its this that these those with as by from " +
    "has have had do does did so just also there here which what when where while into onto up out about than then very really").split(" "),
);

/**
 * Words of the public write-ups' style, not of what happened: reporters hedge every claim about a
 * scam ("purportedly", "allegedly", "reportedly") and a responder never does, so a model that
 * learned them would learn the newsroom, not the incident. They make no feature.
 */
const STYLE = /^(purport\w*|alleg\w*|reportedly|according)$/;

/** Placeholders that say something about the incident (money moved, a link) keep a feature;
 * "<name>" and "<num>" say only that the write-up named or counted things. */
const INFORMATIVE_PLACEHOLDERS = new Set(["<money>", "<url>", "<email>"]);

/** Lexicon cue scores (from the signal model) the caller computed for this text. */
export type Cues = Record<string, number>;

export interface Featurised {
  /** feature → value (already scaled) */
  values: Map<string, number>;
  /** feature → indices of the tokens it came from, for evidence */
  at: Map<string, number[]>;
  tokens: Token[];
  contentWords: number;
}

/**
 * Words of asking, urgency and vagueness: they fill "please help asap, model issue in prod, details to
 * follow" without saying what happened, so they do not count towards the content floor.
 */
const FILLER = new Set(
  ("please pls plz help asap urgent urgently issue issues problem problems details detail follow follows look looking " +
    "something anything nothing everything thing things stuff sure maybe not idea weird strange odd broken broke break " +
    "call ping thread see seen ticket team fyi prod production question questions email emails incident incidents report " +
    "reports hey thanks thank know think happened happening going went can could would should need needs asap now today " +
    "acting act working work works wrong bad ai bot model system app tool").split(" "),
);

/** Content words: ordinary words that say something, neither function words nor filler, three letters or more. */
export function contentWordCount(tokens: Token[]): number {
  let n = 0;
  for (const t of tokens) if (t.t.length >= 3 && !t.t.startsWith("<") && !STOP.has(t.t) && !FILLER.has(t.t) && /\p{L}/u.test(t.t)) n++;
  return n;
}

export function featurise(text: string, vocab: MaskVocabulary, fs: FeatureSettings, cues: Cues = {}): Featurised {
  const tokens = maskedTokens(text, vocab);
  const present = new Map<string, number[]>();
  const add = (f: string, i: number) => {
    const list = present.get(f);
    if (list) {
      if (!list.includes(i)) list.push(i);
    } else present.set(f, [i]);
  };
  const stems = tokens.map((t) => (t.t.startsWith("<") ? t.t : stem(t.t)));
  const kept = tokens.map((t) => !STYLE.test(t.t) && (!t.t.startsWith("<") || INFORMATIVE_PLACEHOLDERS.has(t.t)));
  for (let i = 0; i < tokens.length; i++) {
    if (!kept[i]) continue;
    const st = stems[i]!;
    if (!STOP.has(tokens[i]!.t)) add(`w:${st}`, i);
    if (fs.bigrams && i > 0 && kept[i - 1] && !tokens[i]!.brk) add(`b:${stems[i - 1]} ${st}`, i - 1), add(`b:${stems[i - 1]} ${st}`, i);
    if (fs.charN.length && !st.startsWith("<") && !STOP.has(tokens[i]!.t)) {
      const w = `^${tokens[i]!.t}$`;
      for (const n of fs.charN) for (let k = 0; k + n <= w.length; k++) add(`c${n}:${w.slice(k, k + n)}`, i);
    }
  }
  // Binary text features, scaled so a long report does not shout louder than a short one.
  const values = new Map<string, number>();
  const scale = present.size ? 1 / Math.sqrt(present.size) : 0;
  for (const f of present.keys()) values.set(f, scale);
  if (fs.cues) for (const [k, v] of Object.entries(cues)) if (v > 0) values.set(`x:${k}`, Math.log1p(v));
  return { values, at: present, tokens, contentWords: contentWordCount(tokens) };
}

// ------------------------------------------------------------------------------------- reading

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function rawScore(m: { bias: number; weights: Map<string, number> }, values: Map<string, number>): number {
  let z = m.bias;
  for (const [f, v] of values) z += (m.weights.get(f) ?? 0) * v;
  return z;
}

export interface IntentReading {
  /** calibrated probability of a deliberate adversary */
  pSecurity: number;
  /** the side proposed, or undefined when the reader is not sure enough or the text too thin */
  side?: "security" | "safety";
  confidence: number;
  /** exact quotes of the original text that pushed towards the proposed side, strongest first */
  evidence: string[];
  contentWords: number;
  abstained?: "too-few-content-words" | "below-threshold" | "adversary-mentioned";
}

/** The lexicon's own intent decision for the same text (src/domain/pretriage.ts lexiconIntent). */
export interface LexiconIntent {
  value: string;
  confidence: number;
  evidence: string[];
}

/** Whether the lexicon's reading corroborates a deliberate adversary surely enough (see thresholds). */
export function corroborates(lexicon: LexiconIntent | undefined, pSecurity: number, bar: number): boolean {
  return lexicon?.value === "deliberate" && lexicon.confidence >= bar && pSecurity >= LEAN_SECURITY_FROM;
}

/**
 * The responder's own words raise an adversary ("might be someone probing it", "looks like an
 * injection", "not sure if it's astroturfing"): proposing "none" would contradict them, and that is
 * the costly mistake (a missed attack), so the reader then does not propose safety: it asks.
 */
export function adversaryMentioned(cues: Cues): boolean {
  return (cues.deliberate ?? 0) + (cues.suspected ?? 0) + (cues.attack ?? 0) > 0;
}

export function readIntent(text: string, cm: CompiledIntentModel, cues: Cues, lexicon?: LexiconIntent, maxEvidence = 3): IntentReading {
  const { model } = cm;
  const f = featurise(text, cm.vocab, model.features, cues);
  const z = rawScore({ bias: model.bias, weights: cm.weights }, f.values);
  const p = sigmoid(model.calibration.a * z + model.calibration.b);
  const base = { pSecurity: round(p), contentWords: f.contentWords };
  if (f.contentWords < model.minContentWords) return { ...base, confidence: 0, evidence: [], abstained: "too-few-content-words" };
  if (p < model.thresholds.security && corroborates(lexicon, p, model.thresholds.lexiconDeliberate)) {
    const mine = evidenceFor(f, cm.weights, 1, text, maxEvidence);
    const evidence = [...lexicon!.evidence, ...mine.filter((e) => !lexicon!.evidence.some((l) => l.includes(e)))].slice(0, maxEvidence);
    return { ...base, side: "security", confidence: round(lexicon!.confidence), evidence };
  }
  const side = p >= model.thresholds.security ? "security" : 1 - p >= model.thresholds.safety ? "safety" : undefined;
  if (!side) return { ...base, confidence: round(Math.max(p, 1 - p)), evidence: [], abstained: "below-threshold" };
  if (side === "safety" && adversaryMentioned(cues)) return { ...base, confidence: round(1 - p), evidence: [], abstained: "adversary-mentioned" };
  const sign = side === "security" ? 1 : -1;
  return { ...base, side, confidence: round(side === "security" ? p : 1 - p), evidence: evidenceFor(f, cm.weights, sign, text, maxEvidence) };
}

/** The words that pushed hardest towards the proposed side, as exact quotes (phrases when adjacent). */
function evidenceFor(f: Featurised, weights: Map<string, number>, sign: number, text: string, max: number): string[] {
  const perToken = new Map<number, number>();
  for (const [feat, idx] of f.at) {
    const w = (weights.get(feat) ?? 0) * (f.values.get(feat) ?? 0) * sign;
    if (w <= 0) continue;
    for (const i of idx) perToken.set(i, (perToken.get(i) ?? 0) + w / idx.length);
  }
  const ranked = [...perToken].filter(([i]) => !f.tokens[i]!.t.startsWith("<")).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const top = ranked.slice(0, Math.max(1, Math.ceil(ranked.length * 0.25))).slice(0, max * 2);
  const chosen = new Set(top.map(([i]) => i));
  // Adjacent chosen tokens in the same clause read better as one phrase: "stole the keys".
  const quotes: { text: string; w: number }[] = [];
  for (const [i, w] of top) {
    if (!chosen.has(i)) continue;
    let a = i;
    let b = i;
    while (chosen.has(a - 1) && !f.tokens[a]!.brk) a--;
    while (chosen.has(b + 1) && !f.tokens[b + 1]!.brk) b++;
    for (let k = a; k <= b; k++) chosen.delete(k);
    quotes.push({ text: text.slice(f.tokens[a]!.s, f.tokens[b]!.e), w });
  }
  return quotes.slice(0, max).map((q) => q.text);
}

/**
 * Missing an attack costs more than waking the security on-call for an accident (security first,
 * after Tallam 2025): counted twice as costly, the best guess of the owner is security whenever the
 * calibrated p(security) is at least 1/(1+2). This is the owner's best guess while intent is not
 * proposed or answered, marked provisional; it is never proposed to the responder as an answer.
 */
export const MISSED_ATTACK_COST = 2;
export const LEAN_SECURITY_FROM = 1 / (1 + MISSED_ATTACK_COST);

export function likelyOwner(pSecurity: number): "security" | "safety" {
  return pSecurity >= LEAN_SECURITY_FROM ? "security" : "safety";
}

const round = (x: number) => Math.round(x * 1000) / 1000;
