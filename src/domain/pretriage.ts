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

const Implication = z
  .strictObject({
    target: z.enum(SIGNAL_TARGETS),
    factor: z.number().min(0).max(2),
    /** plain evidence goes to `value`, hedged evidence to `hedged`, negated evidence to `negated` */
    value: z.string().optional(),
    hedged: z.string().optional(),
    negated: z.string().optional(),
    /** or: this target's best value → a value of the other target (jailbreak → asset model) */
    map: z.record(z.string(), z.string()).optional(),
  })
  .refine((i) => (i.value === undefined) !== (i.map === undefined), "set exactly one of 'value' and 'map'");

const TargetSpec = z.strictObject({
  /** min confidence to report an inference */
  threshold: z.number().min(0).max(1),
  /** score of "none of these": the evidence a value needs to beat before it is believed */
  prior: z.number().min(0).max(20).optional(),
  /** evidence for this target's best value also counts, times factor, for another target (see the file) */
  implies: z.array(Implication).max(10).optional(),
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
    (spec.implies ?? []).forEach((imp, i) => {
      const other = CONTRACT[imp.target].values as readonly string[];
      const where = `targets.${t}.implies.${i}`;
      for (const [k, v] of [["value", imp.value], ["hedged", imp.hedged], ["negated", imp.negated]] as const) {
        if (v !== undefined && !other.includes(v)) problems.push(`field '${where}.${k}': '${v}' is not one of ${other.join(", ")}`);
      }
      for (const [from, to] of Object.entries(imp.map ?? {})) {
        if (!allowed.includes(from)) problems.push(`field '${where}.map.${from}': '${from}' is not one of ${allowed.join(", ")}`);
        if (!other.includes(to)) problems.push(`field '${where}.map.${from}': '${to}' is not one of ${other.join(", ")}`);
      }
    });
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
  return `(?<!${WORD})(?:${translate(p)})(?!${WORD})`;
}

function translate(p: string): string {
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
  return out;
}

const KEY = 3;

/**
 * The literal prefixes a match of pattern p must start with (its first token), cut to KEY chars, or
 * null when the pattern does not start with plain literals (then it is always run). Since a match
 * starts at a word start, a pattern whose keys start no word of the text cannot match: skipping it
 * saves most regex scans, as a report uses only a small part of the lexicon.
 */
export function patternKeys(p: string): string[] | null {
  const alts = splitTop(p);
  if (!alts) return null;
  const keys = new Set<string>();
  for (const a of alts) {
    let lit: string[] | null;
    if (a.startsWith("(")) {
      const close = matchingParen(a, 0);
      if (close < 0 || "?*{".includes(a[close + 1] ?? "")) return null;
      lit = patternKeys(a.slice(1, close));
    } else {
      let i = 0;
      while (i < a.length && !"()[]{}|?*+\\~.^$ ".includes(a[i]!)) i++;
      let run = a.slice(0, i);
      if (a[i] === "?" || a[i] === "{") run = run.slice(0, -1);
      lit = run ? [run.toLowerCase()] : null;
    }
    if (!lit) return null;
    for (const k of lit) keys.add(k.slice(0, KEY));
  }
  return [...keys];
}

/** Top-level alternatives of a pattern, or null if it has a character class we do not parse. */
function splitTop(p: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\") i++;
    else if (c === "[") return null;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      out.push(p.slice(start, i));
      start = i + 1;
    }
  }
  out.push(p.slice(start));
  return out.every((a) => a.length > 0) ? out : null;
}

function matchingParen(p: string, open: number): number {
  let depth = 0;
  for (let i = open; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\") i++;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

/** Every prefix (up to KEY chars) that starts a word in s: what patternKeys are checked against. */
function wordStarts(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && WORD_RE.test(s[i - 1]!)) continue;
    for (let n = 1; n <= KEY && i + n <= s.length; n++) out.add(s.slice(i, i + n));
  }
  return out;
}
const WORD_RE = /[\p{L}\p{N}_]/u;

/** Compiles pattern p, or returns why it is invalid. The body is checked on its own first: wrapped,
 * an unbalanced "no[t" or "a)|(b" could borrow brackets from the wrapper and compile to nonsense. */
function tryRegex(p: string): RegExp | string {
  try {
    new RegExp(translate(p), "u");
    return new RegExp(patternSource(p), "gu");
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

interface CPattern {
  re: RegExp;
  w: number;
  value: string;
  keys: string[] | null;
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
  implies: Implication[];
}
type Implication = z.infer<typeof Implication>;
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
    const r = tryRegex(p);
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
      implies: spec.implies ?? [],
    };
    for (const [value, vs] of Object.entries(spec.values)) {
      if (!allowed.includes(value)) continue;
      if (vs.negatedTo && allowed.includes(vs.negatedTo)) t.negatedTo.set(value, vs.negatedTo);
      if (vs.hedgedTo && allowed.includes(vs.hedgedTo)) t.hedgedTo.set(value, vs.hedgedTo);
      vs.patterns.forEach((p, i) => {
        const r = tryRegex(p.p);
        if (typeof r === "string") {
          problems.push(`target '${id}', value '${value}', field 'targets.${id}.values.${value}.patterns.${i}.p': invalid pattern "${p.p}": ${r}`);
        } else t.patterns.push({ re: r, w: p.w, value, keys: patternKeys(p.p) });
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

/** How a match was read: plainly, inside a hedge ("might be"), or inside a negation ("no sign of"). */
type Reading = "plain" | "hedged" | "negated";

interface Hit {
  /** the value the weight goes to (after negatedTo / hedgedTo) and the value the pattern was for */
  value: string;
  source: string;
  reading: Reading;
  w: number;
  s: number;
  e: number;
  /** evidence span (includes the cue for negated / hedged matches) */
  evS: number;
  evE: number;
}
interface Ev {
  text: string;
  w: number;
  /** normalised span, to drop evidence nested in stronger evidence */
  at: number;
  end: number;
}
interface Scored {
  scores: Map<string, number>;
  evidence: Map<string, Ev[]>;
  /** per pattern value: positive weight read plainly / hedged, weight lost to negation, and plain
   * counter-evidence (negative weights); for implications */
  parts: Map<string, Record<Reading, number> & { counter: number; ev: Record<Reading, Ev[]> }>;
}

interface Ctx {
  c: Compiled;
  m: SignalModel;
  t: Text;
  /** [start, end) of every clause break, ascending */
  breaks: number[];
  /** word-start prefixes of the text, for the patternKeys prefilter */
  starts: Set<string>;
  negCache: Map<number, number>;
  postCache: Map<number, number>;
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

/** End of a negation cue right after the match ("... was ruled out"), or -1. */
function negatedAfter(ctx: Ctx, e: number): number {
  let r = ctx.postCache.get(e);
  if (r === undefined) {
    r = -1;
    const re = ctx.c.postNegator;
    const win = ctx.m.settings.negation.postWindow;
    if (re && win > 0) {
      let region = ctx.t.s.slice(e, e + 80);
      const stop = region.search(/[.!?;:\n]/);
      if (stop >= 0) region = region.slice(0, stop);
      // keep offsets: cut after the first `win` tokens instead of re-joining them
      const tok = /\S+/g;
      let end = 0;
      for (let i = 0; i < win; i++) {
        const m = tok.exec(region);
        if (!m) break;
        end = m.index + m[0].length;
      }
      region = region.slice(0, end);
      re.lastIndex = 0;
      const m = re.exec(region);
      if (m) r = e + m.index + m[0].length;
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
    if (p.keys && !p.keys.some((k) => ctx.starts.has(k))) continue;
    p.re.lastIndex = 0;
    // Each pattern counts at most once per reading, so repeating a word does not pile up evidence.
    const seen = new Set<Reading>();
    let n = 0;
    for (let m = p.re.exec(text); m && n < MAX_MATCHES_PER_PATTERN; m = p.re.exec(text), n++) {
      if (m[0].length === 0) {
        p.re.lastIndex++;
        continue;
      }
      const s = m.index;
      const e = s + m[0].length;
      let cue = negatedBefore(ctx, s);
      let evE = e;
      if (cue < 0) {
        const after = negatedAfter(ctx, e);
        if (after >= 0) [cue, evE] = [s, after];
      }
      if (cue >= 0) {
        // Negated counter-evidence ("not unusual") carries no information either way.
        if (seen.has("negated") || p.w < 0) continue;
        seen.add("negated");
        const to = t.negatedTo.get(p.value);
        const w = p.w * negation.factor;
        hits.push({ value: to ?? p.value, source: p.value, reading: "negated", w: to ? w : -w, s, e, evS: cue, evE });
        continue;
      }
      cue = p.w > 0 ? hedgedBefore(ctx, s) : -1;
      if (cue >= 0) {
        if (seen.has("hedged")) continue;
        seen.add("hedged");
        const to = t.hedgedTo.get(p.value);
        hits.push({ value: to ?? p.value, source: p.value, reading: "hedged", w: to ? p.w : p.w * hedge.factor, s, e, evS: cue, evE: e });
        continue;
      }
      if (seen.has("plain")) continue;
      seen.add("plain");
      hits.push({ value: p.value, source: p.value, reading: "plain", w: p.w, s, e, evS: s, evE: e });
    }
  }
  // A specific phrase and a generic word inside it ("ignore previous instructions" / "instructions")
  // should not both count: among same-sign hits for one value, overlapping spans keep the strongest.
  hits.sort((a, b) => Math.abs(b.w) - Math.abs(a.w) || a.s - b.s);
  const taken = new Map<string, { s: number; e: number; pos: boolean }[]>();
  const scored: Scored = { scores: new Map(), evidence: new Map(), parts: new Map() };
  for (const h of hits) {
    const spans = taken.get(h.value) ?? [];
    const pos = h.w > 0;
    if (spans.some((x) => x.pos === pos && x.s < h.e && h.s < x.e)) continue;
    spans.push({ s: h.s, e: h.e, pos });
    taken.set(h.value, spans);
    scored.scores.set(h.value, (scored.scores.get(h.value) ?? 0) + h.w);
    const ev: Ev = { text: original(ctx.t, h.evS, h.evE), w: Math.abs(h.w), at: h.evS, end: h.evE };
    if (pos) push(scored.evidence, h.value, ev);
    let part = scored.parts.get(h.source);
    if (!part) {
      part = { plain: 0, hedged: 0, negated: 0, counter: 0, ev: { plain: [], hedged: [], negated: [] } };
      scored.parts.set(h.source, part);
    }
    if (h.reading === "negated" || pos) {
      part[h.reading] += Math.abs(h.w);
      part.ev[h.reading].push(ev);
    } else part.counter -= h.w;
  }
  return scored;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Adds one target's evidence to another (attack wording → intent, jailbreak → asset model ...). */
function applyImplication(from: Scored, into: Scored, imp: Implication) {
  let best: string | undefined;
  let bestScore = 0;
  let negated = 0;
  let negatedEv: Ev[] = [];
  for (const [v, p] of from.parts) {
    const net = p.plain + p.hedged - p.counter; // "deepfake" + "deepfake detector" (-) implies nothing
    if (net > bestScore) [best, bestScore] = [v, net];
    if (p.negated > negated) [negated, negatedEv] = [p.negated, p.ev.negated];
  }
  const add = (value: string | undefined, w: number, ev: Ev[]) => {
    if (value === undefined || w <= 0) return;
    into.scores.set(value, (into.scores.get(value) ?? 0) + w * imp.factor);
    for (const e of ev) push(into.evidence, value, { ...e, w: e.w * imp.factor });
  };
  const part = best === undefined ? undefined : from.parts.get(best);
  if (imp.map) {
    if (best !== undefined && part) add(imp.map[best], bestScore, [...part.ev.plain, ...part.ev.hedged]);
    return;
  }
  if (part) {
    const keep = bestScore / (part.plain + part.hedged); // share counter-evidence out pro rata
    add(imp.value, part.plain * keep, part.ev.plain);
    add(imp.hedged ?? imp.value, part.hedged * keep, part.ev.hedged);
  }
  add(imp.negated, negated, negatedEv);
}

/** The exact original substring behind normalised [s, e). */
function original(t: Text, s: number, e: number): string {
  const a = t.from[s];
  const b = t.to[e - 1];
  return a === undefined || b === undefined ? "" : t.orig.slice(a, b);
}

function topEvidence(list: Ev[], max: number): string[] {
  const chosen: Ev[] = [];
  for (const x of [...list].sort((a, b) => b.w - a.w || b.end - b.at - (a.end - a.at) || a.at - b.at)) {
    if (!x.text || chosen.some((c) => c.text === x.text || (c.at <= x.at && x.end <= c.end))) continue;
    chosen.push(x);
    if (chosen.length >= max) break;
  }
  return chosen.map((c) => c.text);
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
  const ev: Ev[] = [];
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

/** Suggests answers from the free-text description. Never throws on any text. */
export function preTriage(text: string, model: SignalModel): PreTriage {
  if (typeof text !== "string" || !text.trim()) return { inferred: {} };
  try {
    return run(text, model);
  } catch {
    // Defensive: a suggestion is optional; the responder still answers every question.
    return { inferred: {} };
  }
}

/** Raw evidence score per target and value, after implications: for tuning the lexicon. */
export function explainSignals(text: string, model: SignalModel): Partial<Record<SignalTarget, Record<string, number>>> {
  const out: Partial<Record<SignalTarget, Record<string, number>>> = {};
  if (typeof text !== "string") return out;
  try {
    for (const [id, sc] of scoreAll(text, model)) {
      out[id] = Object.fromEntries([...sc.scores].map(([v, x]) => [v, round(x)]));
    }
  } catch {
    // same contract as preTriage: never throws on input text
  }
  return out;
}

function scoreAll(text: string, model: SignalModel): Map<SignalTarget, Scored> {
  const c = compiledFor(model);
  const t = normalise(text, model.settings.maxChars);
  const ctx: Ctx = {
    c,
    m: model,
    t,
    breaks: clauseBreaks(c, t.s),
    starts: wordStarts(t.s),
    negCache: new Map(),
    postCache: new Map(),
    hedgeCache: new Map(),
  };
  const scored = new Map<SignalTarget, Scored>();
  for (const [id, tgt] of c.targets) scored.set(id, scoreTarget(ctx, tgt));

  // Implications: attack wording is evidence of intent even without an actor word (hedged attack
  // wording of suspected, negated of none), a failure mode of normal use, and kinds of assets.
  for (const [id, tgt] of c.targets) {
    const from = scored.get(id)!;
    for (const imp of tgt.implies) {
      const into = scored.get(imp.target);
      if (into && imp.target !== id) applyImplication(from, into, imp);
    }
  }
  return scored;
}

function run(text: string, model: SignalModel): PreTriage {
  const c = compiledFor(model);
  const st = model.settings;
  const scored = scoreAll(text, model);

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
