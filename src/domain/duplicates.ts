// Duplicate reports: when a model misbehaves in front of many people, many of them report it within
// minutes. A report that hits the same asset with the same kind of attack or failure as an open
// incident from the last two hours, in similar words, is offered to join that incident instead of
// paging the on-call again. Similarity is character-trigram Jaccard (as PostgreSQL's pg_trgm), which
// tolerates different word forms ("leaked" / "leaking") and typos better than whole words.
import type { Incident } from "./incident.js";
import { MARKER } from "./redact.js";
import type { Answers } from "./vocabulary.js";

export const DUPLICATE_WINDOW_MS = 2 * 3_600_000;
export const SIMILARITY_THRESHOLD = 0.3;

export interface DuplicateMatch {
  incident: Incident;
  similarity: number;
}

/** The window to read from the store for a report at `now`. */
export const duplicateWindow = (now: Date, windowMs = DUPLICATE_WINDOW_MS) => ({ from: new Date(now.getTime() - windowMs), to: new Date(now.getTime() + 1) });

/** The attack or failure kind of a report: a duplicate must have the same. */
export const kindOf = (a: Answers) => {
  const k = a.attackKind ?? a.failureKind;
  return typeof k === "string" && k !== "" ? k : undefined;
};

/** Padded character trigrams of each word: "leak" → "  l", " le", "lea", "eak", "ak ". */
export function trigrams(text: string): Set<string> {
  const words = text.replace(MARKER, " ").toLowerCase().normalize("NFKC").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const out = new Set<string>();
  for (const w of words.slice(0, 2000)) {
    const padded = `  ${w} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  }
  return out;
}

export function similarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (!x.size || !y.size) return 0;
  let common = 0;
  for (const t of x) if (y.has(t)) common++;
  return common / (x.size + y.size - common);
}

/**
 * The most similar open incident of `candidates` that this report likely duplicates, or undefined.
 * `answers` are the new report's (redacted) answers; `candidates` what the store listed for the window.
 */
export function findDuplicate(
  answers: Answers,
  candidates: readonly Incident[],
  now: Date,
  o: { windowMs?: number; threshold?: number } = {},
): DuplicateMatch | undefined {
  const kind = kindOf(answers);
  const description = typeof answers.description === "string" ? answers.description : "";
  if (!kind || !answers.asset || !description) return undefined;
  const from = now.getTime() - (o.windowMs ?? DUPLICATE_WINDOW_MS);
  let best: DuplicateMatch | undefined;
  for (const i of candidates) {
    const t = Date.parse(i.createdAt);
    if (i.status === "resolved" || t < from || t > now.getTime()) continue;
    if (i.answers.asset !== answers.asset || kindOf(i.answers) !== kind) continue;
    const s = similarity(description, String(i.answers.description ?? ""));
    if (s >= (o.threshold ?? SIMILARITY_THRESHOLD) && (!best || s > best.similarity)) best = { incident: i, similarity: s };
  }
  return best;
}
