// Free-text pre-triage: from the responder's description alone, suggest answers to the contract
// questions, each with a confidence and the words that triggered it. The lexicon is data
// (flows/signals.yaml) so organisations can tune it; this module only scores. It is pure: no I/O,
// never throws on any input text, and compiles a model's patterns once.
import { z } from "zod";
import { CONTRACT } from "./vocabulary.js";

export const SIGNAL_TARGETS = ["intent", "attackKind", "failureKind", "asset", "ciaLost", "harm", "ongoing", "scope"] as const;
export type SignalTarget = (typeof SIGNAL_TARGETS)[number];

// ---------------------------------------------------------------------------------------- schema

const PatternText = z.string().min(1).max(600);
const Weighted = z.strictObject({
  /** phrase pattern, see the syntax at the top of flows/signals.yaml */
  p: PatternText,
  /** evidence weight; negative = counter-evidence */
  w: z.number().min(-10).max(10).refine((w) => w !== 0, "must not be 0"),
});

const ValueSpec = z.strictObject({
  /** where a negated match goes ("no sign of an attacker" → intent none); else it counts against this value */
  negatedTo: z.string().optional(),
  /** where a hedged match goes ("might be an attack" → intent suspected); else it is only weakened */
  hedgedTo: z.string().optional(),
  patterns: z.array(Weighted).min(1).max(1000),
});

const TargetSpec = z.strictObject({
  /** min confidence to report an inference */
  threshold: z.number().min(0).max(1),
  /** score of "none of these": the evidence a value needs to beat before it is believed */
  prior: z.number().min(0).max(20).optional(),
  /** this target's best positive score, times factor, also counts for target.value (attack words imply intent) */
  implies: z
    .strictObject({ target: z.enum(SIGNAL_TARGETS), value: z.string(), factor: z.number().min(0).max(2) })
    .optional(),
  values: z.record(z.string(), ValueSpec),
});

const Scope = z.strictObject({
  /** tokens allowed between the cue and the match */
  window: z.number().int().min(0).max(12),
  /** weight multiplier for a match inside the scope */
  factor: z.number().min(0).max(2),
  cues: z.array(PatternText).max(200),
});

const Settings = z.strictObject({
  /** only the first maxChars characters are read (caps work on huge input) */
  maxChars: z.number().int().min(100).max(100_000),
  /** softmax temperature: higher = flatter confidences */
  temperature: z.number().min(0.05).max(20),
  /** default prior for targets that do not set one */
  prior: z.number().min(0).max(20),
  maxEvidence: z.number().int().min(1).max(10),
  /** attack / failure evidence this confident overrides the intent gate (see preTriage) */
  strongConfidence: z.number().min(0).max(1),
  /** words or punctuation that end a clause: negation and hedging do not reach across them */
  clauseBreaks: z.array(PatternText).max(200),
  negation: Scope.extend({
    /** cues after the match ("an attack was ruled out") */
    postCues: z.array(PatternText).max(200),
    postWindow: z.number().int().min(0).max(12),
    /** look like negators but are not ("no idea", "not sure", "can't rule out") */
    exceptions: z.array(PatternText).max(200),
  }).strict(),
  hedge: Scope,
});

export const SignalModel = z.strictObject({
  version: z.literal(1),
  settings: Settings,
  targets: z.strictObject(
    Object.fromEntries(SIGNAL_TARGETS.map((t) => [t, TargetSpec.optional()])) as Record<
      SignalTarget,
      z.ZodOptional<typeof TargetSpec>
    >,
  ),
});
export type SignalModel = z.infer<typeof SignalModel>;

export class SignalModelError extends Error {
  readonly code = "SIGNALS_INVALID";
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: invalid signal model\n  - ${problems.join("\n  - ")}`);
  }
}

/** Parses an already-decoded signal model; `file` only names it in errors. Compiles every pattern. */
export function parseSignalModel(doc: unknown, file: string): SignalModel {
  const parsed = SignalModel.safeParse(doc);
  if (!parsed.success) {
    throw new SignalModelError(
      file,
      parsed.error.issues.map((i) => `field '${i.path.map(String).join(".") || "(root)"}': ${i.message}`),
    );
  }
  const model = parsed.data;
  const problems = checkValues(model);
  const { compiled, problems: bad } = compile(model);
  problems.push(...bad);
  if (problems.length) throw new SignalModelError(file, problems);
  CACHE.set(model, compiled);
  return model;
}

function checkValues(model: SignalModel): string[] {
  const problems: string[] = [];
  for (const t of SIGNAL_TARGETS) {
    const spec = model.targets[t];
    if (!spec) continue;
    const allowed = CONTRACT[t].values as readonly string[];
    const bad = (v: string, field: string) =>
      problems.push(`field 'targets.${t}.${field}': '${v}' is not one of ${allowed.join(", ")}`);
    for (const [v, vs] of Object.entries(spec.values)) {
      if (!allowed.includes(v)) bad(v, `values.${v}`);
      if (vs.negatedTo !== undefined && !allowed.includes(vs.negatedTo)) bad(vs.negatedTo, `values.${v}.negatedTo`);
      if (vs.hedgedTo !== undefined && !allowed.includes(vs.hedgedTo)) bad(vs.hedgedTo, `values.${v}.hedgedTo`);
    }
    if (spec.implies) {
      const other = CONTRACT[spec.implies.target].values as readonly string[];
      if (!other.includes(spec.implies.value)) {
        problems.push(`field 'targets.${t}.implies.value': '${spec.implies.value}' is not one of ${other.join(", ")}`);
      }
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------- patterns

const WORD = "[\\p{L}\\p{N}_]";
/** `~`: up to three arbitrary words inside the same clause */
const GAP = "(?:[^\\s.;!?]+\\s){0,3}";

/**
 * Pattern syntax → JS regex source: lower-cased, `(` groups made non-capturing, a space matches a
 * space, line break or hyphen ("self harm" = "self-harm"), `word*` = any word ending, `~` = a gap of
 * up to three words, and the whole pattern only matches whole words.
 */
export function patternSource(p: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\") {
      out += c + (p[i + 1] ?? "");
      i++;
    } else if (inClass) {
      if (c === "]") inClass = false;
      out += c;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === "(" && p[i + 1] !== "?") {
      out += "(?:";
    } else if (c === "*" && i > 0 && /[\p{L}\p{N}]/u.test(p[i - 1]!) && p[i - 2] !== "\\") {
      out += "[\\p{L}\\p{N}']*";
    } else if (c === "~") {
      out += GAP;
      if (p[i + 1] === " ") i++;
    } else if (c === " ") {
      out += "[\\s\\-]";
    } else {
      out += c.toLowerCase();
    }
  }
  return `(?<!${WORD})(?:${out})(?!${WORD})`;
}

function tryRegex(source: string): RegExp | string {
  try {
    return new RegExp(source, "gu");
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

interface CPattern {
  re: RegExp;
  w: number;
  value: string;
}
interface CTarget {
  id: SignalTarget;
  many: boolean;
  threshold: number;
  prior: number;
  values: readonly string[];
  patterns: CPattern[];
  negatedTo: Map<string, string>;
  hedgedTo: Map<string, string>;
  implies: { target: SignalTarget; value: string; factor: number } | undefined;
}
interface Compiled {
  targets: Map<SignalTarget, CTarget>;
  negator: RegExp | null;
  postNegator: RegExp | null;
  exceptions: RegExp | null;
  hedge: RegExp | null;
  clauseBreak: RegExp;
}

const CACHE = new WeakMap<SignalModel, Compiled>();

/** Joins a list of cue patterns into one regex, longest first so "no sign of" wins over "no". */
function cueRegex(list: string[], where: string, problems: string[]): RegExp | null {
  const ok: string[] = [];
  list.forEach((p, i) => {
    const src = patternSource(p);
    const r = tryRegex(src);
    if (typeof r === "string") problems.push(`field '${where}.${i}': invalid pattern "${p}": ${r}`);
    else ok.push(src);
  });
  if (!ok.length) return null;
  ok.sort((a, b) => b.length - a.length);
  return new RegExp(ok.join("|"), "gu");
}

function compile(model: SignalModel): { compiled: Compiled; problems: string[] } {
  const problems: string[] = [];
  const s = model.settings;
  const targets = new Map<SignalTarget, CTarget>();
  for (const id of SIGNAL_TARGETS) {
    const spec = model.targets[id];
    if (!spec) continue;
    const allowed = CONTRACT[id].values as readonly string[];
    const t: CTarget = {
      id,
      many: CONTRACT[id].kind === "many",
      threshold: spec.threshold,
      prior: spec.prior ?? s.prior,
      values: allowed,
      patterns: [],
      negatedTo: new Map(),
      hedgedTo: new Map(),
      implies: spec.implies,
    };
    for (const [value, vs] of Object.entries(spec.values)) {
      if (!allowed.includes(value)) continue;
      if (vs.negatedTo && allowed.includes(vs.negatedTo)) t.negatedTo.set(value, vs.negatedTo);
      if (vs.hedgedTo && allowed.includes(vs.hedgedTo)) t.hedgedTo.set(value, vs.hedgedTo);
      vs.patterns.forEach((p, i) => {
        const r = tryRegex(patternSource(p.p));
        if (typeof r === "string") {
          problems.push(`target '${id}', value '${value}', field 'targets.${id}.values.${value}.patterns.${i}.p': invalid pattern "${p.p}": ${r}`);
        } else t.patterns.push({ re: r, w: p.w, value });
      });
    }
    targets.set(id, t);
  }
  const n = s.negation;
  const breaks = cueRegex(s.clauseBreaks, "settings.clauseBreaks", problems);
  // Sentence punctuation always ends a clause; `.` only when it is not inside a word (v2.3, e.g.).
  const punct = "[.!?;:](?=\\s|$)|[,()\\n\"]|\\s-\\s";
  const compiled: Compiled = {
    targets,
    negator: cueRegex(n.cues, "settings.negation.cues", problems),
    postNegator: cueRegex(n.postCues, "settings.negation.postCues", problems),
    exceptions: cueRegex(n.exceptions, "settings.negation.exceptions", problems),
    hedge: cueRegex(s.hedge.cues, "settings.hedge.cues", problems),
    clauseBreak: new RegExp(breaks ? `${punct}|${breaks.source}` : punct, "gu"),
  };
  return { compiled, problems };
}

function compiledFor(model: SignalModel): Compiled {
  let c = CACHE.get(model);
  if (!c) {
    // A model built in code rather than parsed: skip bad patterns instead of throwing mid-incident.
    c = compile(model).compiled;
    CACHE.set(model, c);
  }
  return c;
}

// ------------------------------------------------------------------------------------ normalise

interface Text {
  /** normalised: lower-case, ASCII quotes and dashes, whitespace runs collapsed */
  s: string;
  /** for each normalised char, the original [from, to) it came from */
  from: number[];
  to: number[];
  orig: string;
}

const SPACE = /[\p{White_Space}\p{Cc}]/u;
const INVISIBLE = /[\p{Cf}]/u; // zero-width and other format chars: dropped so "ig\u200bnore" reads "ignore"
const MAP: Record<string, string> = {
  "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
  "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
  "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
};

function normalise(input: string, maxChars: number): Text {
  const src = input.length > maxChars ? input.slice(0, maxChars) : input;
  const chars: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let pending = -1; // start of a pending whitespace run
  let newline = false;
  const emit = (ch: string, f: number, t: number) => {
    if (pending >= 0) {
      if (chars.length) {
        chars.push(newline ? "\n" : " ");
        from.push(pending);
        to.push(f);
      }
      pending = -1;
      newline = false;
    }
    for (const c of ch) {
      chars.push(c);
      from.push(f);
      to.push(t);
    }
  };
  for (let i = 0; i < src.length; ) {
    const cp = src.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (cp < 128) {
      if (cp <= 32 || cp === 127) {
        if (pending < 0) pending = i;
        if (cp === 10 || cp === 13) newline = true;
      } else emit(cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : cp === 96 ? "'" : src[i]!, i, i + 1);
    } else {
      const ch = String.fromCodePoint(cp);
      if (SPACE.test(ch)) {
        if (pending < 0) pending = i;
        if (cp === 0x2028 || cp === 0x2029 || cp === 0x85) newline = true;
      } else if (!INVISIBLE.test(ch)) {
        emit(MAP[ch] ?? ch.normalize("NFKC").toLowerCase(), i, i + len);
      }
    }
    i += len;
  }
  return { s: chars.join(""), from, to, orig: src };
}

// -------------------------------------------------------------------------------------- scoring

export interface Inference {
  value: string | string[];
  confidence: number;
  /** exact substrings of the input that triggered it, strongest first */
  evidence: string[];
}
export interface PreTriage {
  inferred: Partial<Record<SignalTarget, Inference>>;
}

interface Hit {
  value: string;
  w: number;
  s: number;
  e: number;
  /** evidence span (includes the negator for flipped matches); -1 = no evidence (counter-evidence) */
  evS: number;
  evE: number;
}
interface Scored {
  scores: Map<string, number>;
  evidence: Map<string, { text: string; w: number; at: number }[]>;
}

interface Ctx {
  c: Compiled;
  m: SignalModel;
  t: Text;
  /** [start, end) of every clause break, ascending */
  breaks: number[];
  negCache: Map<number, number>;
  postCache: Map<number, boolean>;
  hedgeCache: Map<number, number>;
}

function clauseBreaks(c: Compiled, s: string): number[] {
  const out: number[] = [];
  const re = c.clauseBreak;
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push(m.index, m.index + m[0].length);
  }
  return out;
}

/** Start of the clause containing position s (end of the last break before it). */
function clauseStart(ctx: Ctx, s: number): number {
  let lo = 0;
  const b = ctx.breaks;
  for (let i = 0; i < b.length; i += 2) {
    if (b[i + 1]! <= s) lo = b[i + 1]!;
    else break;
  }
  return lo;
}

/** Position of the nearest cue ending at most `window` tokens before s in the same clause, or -1. */
function cueBefore(ctx: Ctx, re: RegExp | null, s: number, window: number, exceptions: RegExp | null): number {
  if (!re) return -1;
  const lo = Math.max(clauseStart(ctx, s), s - 120);
  let region = ctx.t.s.slice(lo, s);
  if (exceptions) {
    exceptions.lastIndex = 0;
    region = region.replace(exceptions, (x) => " ".repeat(x.length)); // keep offsets
  }
  re.lastIndex = 0;
  let at = -1;
  let end = -1;
  for (let m = re.exec(region); m; m = re.exec(region)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    at = m.index;
    end = m.index + m[0].length;
  }
  if (at < 0) return -1;
  const between = region.slice(end).trim();
  const tokens = between ? between.split(/\s+/).length : 0;
  return tokens <= window ? lo + at : -1;
}

function negatedBefore(ctx: Ctx, s: number): number {
  let r = ctx.negCache.get(s);
  if (r === undefined) {
    const n = ctx.m.settings.negation;
    r = cueBefore(ctx, ctx.c.negator, s, n.window, ctx.c.exceptions);
    ctx.negCache.set(s, r);
  }
  return r;
}

function negatedAfter(ctx: Ctx, e: number): boolean {
  let r = ctx.postCache.get(e);
  if (r === undefined) {
    r = false;
    const re = ctx.c.postNegator;
    const win = ctx.m.settings.negation.postWindow;
    if (re && win > 0) {
      let region = ctx.t.s.slice(e, e + 80);
      const stop = region.search(/[.!?;:\n]/);
      if (stop >= 0) region = region.slice(0, stop);
      region = region.trim().split(/\s+/).slice(0, win).join(" ");
      re.lastIndex = 0;
      r = re.test(region);
    }
    ctx.postCache.set(e, r);
  }
  return r;
}

function hedgedBefore(ctx: Ctx, s: number): number {
  let r = ctx.hedgeCache.get(s);
  if (r === undefined) {
    r = cueBefore(ctx, ctx.c.hedge, s, ctx.m.settings.hedge.window, null);
    ctx.hedgeCache.set(s, r);
  }
  return r;
}

const MAX_MATCHES_PER_PATTERN = 8;

function scoreTarget(ctx: Ctx, t: CTarget): Scored {
  const { negation, hedge } = ctx.m.settings;
  const hits: Hit[] = [];
  const text = ctx.t.s;
  for (const p of t.patterns) {
    p.re.lastIndex = 0;
    // Each pattern counts at most once per reading (plain, negated, hedged), so repeating a word
    // does not pile up evidence.
    let plain = false;
    let negated = false;
    let hedged = false;
    let n = 0;
    for (let m = p.re.exec(text); m && n < MAX_MATCHES_PER_PATTERN; m = p.re.exec(text), n++) {
      if (m[0].length === 0) {
        p.re.lastIndex++;
        continue;
      }
      const s = m.index;
      const e = s + m[0].length;
      let neg = negatedBefore(ctx, s);
      if (neg < 0 && negatedAfter(ctx, e)) neg = s;
      if (neg >= 0) {
        if (negated || p.w < 0) continue;
        negated = true;
        const to = t.negatedTo.get(p.value);
        if (to) hits.push({ value: to, w: p.w * negation.factor, s, e, evS: neg, evE: e });
        else hits.push({ value: p.value, w: -p.w * negation.factor, s, e, evS: -1, evE: -1 });
        continue;
      }
      const hg = p.w > 0 ? hedgedBefore(ctx, s) : -1;
      if (hg >= 0) {
        if (hedged) continue;
        hedged = true;
        const to = t.hedgedTo.get(p.value);
        if (to) hits.push({ value: to, w: p.w, s, e, evS: hg, evE: e });
        else hits.push({ value: p.value, w: p.w * hedge.factor, s, e, evS: s, evE: e });
        continue;
      }
      if (plain) continue;
      plain = true;
      hits.push({ value: p.value, w: p.w, s, e, evS: p.w > 0 ? s : -1, evE: e });
    }
  }
  // A specific phrase and a generic word inside it ("ignore previous instructions" / "instructions")
  // should not both count: among same-sign hits for one value, overlapping spans keep the strongest.
  hits.sort((a, b) => Math.abs(b.w) - Math.abs(a.w) || a.s - b.s);
  const taken = new Map<string, { s: number; e: number; pos: boolean }[]>();
  const scores = new Map<string, number>();
  const evidence = new Map<string, { text: string; w: number; at: number }[]>();
  for (const h of hits) {
    const spans = taken.get(h.value) ?? [];
    const pos = h.w > 0;
    if (spans.some((x) => x.pos === pos && x.s < h.e && h.s < x.e)) continue;
    spans.push({ s: h.s, e: h.e, pos });
    taken.set(h.value, spans);
    scores.set(h.value, (scores.get(h.value) ?? 0) + h.w);
    if (pos && h.evS >= 0) {
      const list = evidence.get(h.value) ?? [];
      list.push({ text: original(ctx.t, h.evS, h.evE), w: h.w, at: h.evS });
      evidence.set(h.value, list);
    }
  }
  return { scores, evidence };
}

/** The exact original substring behind normalised [s, e). */
function original(t: Text, s: number, e: number): string {
  const a = t.from[s];
  const b = t.to[e - 1];
  return a === undefined || b === undefined ? "" : t.orig.slice(a, b);
}

function topEvidence(list: { text: string; w: number; at: number }[], max: number): string[] {
  const out: string[] = [];
  for (const x of [...list].sort((a, b) => b.w - a.w || a.at - b.at)) {
    if (x.text && !out.includes(x.text)) out.push(x.text);
    if (out.length >= max) break;
  }
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const SCORE_CAP = 40; // keeps exp() finite whatever the lexicon sums to

/** Single choice: softmax over the values with positive evidence plus a "none of these" prior. */
function decideOne(t: CTarget, sc: Scored, temperature: number, maxEvidence: number): Inference | undefined {
  let best: string | undefined;
  let bestScore = 0;
  let denom = Math.exp(Math.min(t.prior, SCORE_CAP) / temperature);
  for (const v of t.values) {
    const s = Math.min(sc.scores.get(v) ?? 0, SCORE_CAP);
    if (s <= 0) continue;
    denom += Math.exp(s / temperature);
    if (s > bestScore) {
      best = v;
      bestScore = s;
    }
  }
  if (best === undefined) return undefined;
  const confidence = Math.exp(bestScore / temperature) / denom;
  if (!(confidence >= t.threshold)) return undefined;
  return { value: best, confidence: round(confidence), evidence: topEvidence(sc.evidence.get(best) ?? [], maxEvidence) };
}

/** Multiple choice: each value independently, logistic of its score over the prior. */
function decideMany(t: CTarget, sc: Scored, temperature: number, maxEvidence: number): Inference | undefined {
  const values: string[] = [];
  const ev: { text: string; w: number; at: number }[] = [];
  let confidence = 1;
  for (const v of t.values) {
    const s = Math.min(sc.scores.get(v) ?? 0, SCORE_CAP);
    if (s <= 0) continue;
    const c = 1 / (1 + Math.exp(-(s - t.prior) / temperature));
    if (c < t.threshold) continue;
    values.push(v);
    confidence = Math.min(confidence, c);
    ev.push(...(sc.evidence.get(v) ?? []));
  }
  if (!values.length) return undefined;
  return { value: values, confidence: round(confidence), evidence: topEvidence(ev, maxEvidence) };
}

const EMPTY: PreTriage = { inferred: {} };

/** Suggests answers from the free-text description. Never throws on any text. */
export function preTriage(text: string, model: SignalModel): PreTriage {
  if (typeof text !== "string" || !text.trim()) return { inferred: {} };
  try {
    return run(text, model);
  } catch {
    // Defensive: a suggestion is optional; the responder still answers every question.
    return EMPTY;
  }
}

function run(text: string, model: SignalModel): PreTriage {
  const c = compiledFor(model);
  const st = model.settings;
  const t = normalise(text, st.maxChars);
  const ctx: Ctx = {
    c,
    m: model,
    t,
    breaks: clauseBreaks(c, t.s),
    negCache: new Map(),
    postCache: new Map(),
    hedgeCache: new Map(),
  };
  const scored = new Map<SignalTarget, Scored>();
  for (const [id, tgt] of c.targets) scored.set(id, scoreTarget(ctx, tgt));

  // Implications: strong attack wording is evidence of intent even without an actor word, and a
  // described failure mode is (weaker) evidence of normal use.
  for (const [id, tgt] of c.targets) {
    const imp = tgt.implies;
    const into = imp && scored.get(imp.target);
    const from = scored.get(id);
    if (!imp || !into || !from) continue;
    let best: string | undefined;
    let bestScore = 0;
    for (const [v, s] of from.scores) if (s > bestScore) [best, bestScore] = [v, s];
    if (best === undefined) continue;
    into.scores.set(imp.value, (into.scores.get(imp.value) ?? 0) + bestScore * imp.factor);
    const ev = (from.evidence.get(best) ?? []).map((x) => ({ ...x, w: x.w * imp.factor }));
    into.evidence.set(imp.value, [...(into.evidence.get(imp.value) ?? []), ...ev]);
  }

  const inferred: PreTriage["inferred"] = {};
  for (const [id, tgt] of c.targets) {
    const sc = scored.get(id)!;
    const inf = tgt.many
      ? decideMany(tgt, sc, st.temperature, st.maxEvidence)
      : decideOne(tgt, sc, st.temperature, st.maxEvidence);
    if (inf) inferred[id] = inf;
  }

  // Consistency with the flow: attack kinds are asked for deliberate/suspected, failure kinds for
  // none/unknown. Cross over only on strong evidence; a strong attack implies at least "suspected".
  const strong = st.strongConfidence;
  const atk = inferred.attackKind;
  if (atk) {
    const intent = inferred.intent;
    const iv = intent?.value;
    if (iv !== "deliberate" && iv !== "suspected") {
      if (atk.confidence >= strong && !(iv === "none" && intent!.confidence >= atk.confidence)) {
        inferred.intent = { value: "suspected", confidence: atk.confidence, evidence: atk.evidence };
      } else delete inferred.attackKind;
    }
  }
  const fail = inferred.failureKind;
  if (fail) {
    const iv = inferred.intent?.value;
    if ((iv === "deliberate" || iv === "suspected") && fail.confidence < strong) delete inferred.failureKind;
  }
  return { inferred };
}
