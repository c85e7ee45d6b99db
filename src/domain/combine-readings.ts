// Two readings of one description (the offline model and an optional LLM) become one set of
// suggestions. A suggestion is only ever proposed for the responder to confirm, so where the readers
// disagree we propose less, not more: agreement keeps the higher confidence, disagreement drops the
// question, and what only the LLM saw must clear a high bar. Pure: readings in, readings out.

/** One inferred answer: the same shape preTriage(...).inferred holds per question. */
export interface Reading {
  value: string | string[];
  confidence: number;
  /** exact substrings of the description, strongest first */
  evidence: string[];
}
export type Readings<K extends string = string> = Partial<Record<K, Reading>>;

/**
 * An LLM-only proposal is kept at or above this. The offline learned fallback keeps its answers only
 * where cross-validation showed a precision of at least 0.8; an LLM's self-reported confidence is not
 * calibrated at all, so it gets the top of that range, not the lexicon's 0.5.
 */
export const LLM_ONLY_MIN_CONFIDENCE = 0.8;
/** The flow's suggestion schema holds at most 10 quotes; three are what a responder reads. */
const MAX_EVIDENCE = 3;
/** Intent values that point at the security domain (an adversary, seen or suspected). */
const ADVERSARIAL = ["deliberate", "suspected"];

export interface CombineOptions {
  llmOnlyMin?: number;
}

export function combineReadings<K extends string>(offline: Readings<K>, llm: Readings<K>, opts: CombineOptions = {}): Readings<K> {
  const llmOnlyMin = opts.llmOnlyMin ?? LLM_ONLY_MIN_CONFIDENCE;
  const out: Readings<K> = {};
  const questions = new Set<K>([...(Object.keys(offline) as K[]), ...(Object.keys(llm) as K[])]);
  for (const q of questions) {
    const a = offline[q];
    const b = llm[q];
    const combined = a && b ? merge(q, a, b) : a ? a : b && b.confidence >= llmOnlyMin ? b : undefined;
    if (combined) out[q] = combined;
  }
  return out;
}

function merge(question: string, a: Reading, b: Reading): Reading | undefined {
  const evidence = [...new Set([...a.evidence, ...b.evidence])].slice(0, MAX_EVIDENCE);
  if (sameValue(a.value, b.value)) return { value: a.value, confidence: Math.max(a.confidence, b.confidence), evidence };
  const lower = Math.min(a.confidence, b.confidence);
  if (question === "intent") {
    // Both see an adversary but not how sure: the weaker claim (suspected) still routes to security.
    // Any other split (adversary or not, or one says unknown) is exactly what the responder must
    // decide, so nothing is proposed.
    const bothAdversarial = ADVERSARIAL.includes(String(a.value)) && ADVERSARIAL.includes(String(b.value));
    return bothAdversarial ? { value: "suspected", confidence: lower, evidence } : undefined;
  }
  if (Array.isArray(a.value) && Array.isArray(b.value)) {
    // Sets (CIA lost, harm): what both saw, at the lower confidence; nothing when they share nothing.
    const shared = a.value.filter((v) => (b.value as string[]).includes(v));
    return shared.length ? { value: shared, confidence: lower, evidence } : undefined;
  }
  return undefined;
}

function sameValue(x: string | string[], y: string | string[]): boolean {
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v) => y.includes(v));
  return x === y;
}
