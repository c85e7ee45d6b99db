// What the stores index for the duplicate check, and where it lives in time. Per incident: its LSH
// buckets (minhash.ts) and its trigram sketch (trigram-sketch.ts). Stores keep the ids of each bucket
// per epoch (a quarter of the duplicate window), so an epoch's buckets stop growing once it is over
// and expire a little after the window, and a lookup reads the report's buckets in the epochs the
// window overlaps (five), then the sketches of the ids found, then only the records similar enough.
import { DUPLICATE_WINDOW_MS, SIMILARITY_THRESHOLD, kindOf } from "./duplicates.js";
import { bands, signature } from "./minhash.js";
import { SKETCH_MARGIN, sketch, sketchSimilarity } from "./trigram-sketch.js";
import type { Answers } from "./vocabulary.js";

const EPOCHS_PER_WINDOW = 4;

export interface DuplicateIndexTiming {
  /** length of one epoch of bucket sets. */
  epochMs: number;
  /** lifetime of a bucket set after its last write: the window plus a margin for clock skew. */
  ttlMs: number;
}

export function indexTiming(windowMs = DUPLICATE_WINDOW_MS): DuplicateIndexTiming {
  return { epochMs: Math.max(1, Math.floor(windowMs / EPOCHS_PER_WINDOW)), ttlMs: windowMs + Math.ceil(windowMs / 12) };
}

/**
 * The report's buckets, or none when it cannot be a duplicate (no description, asset or kind: the
 * same rule as findDuplicate). Asset and kind are part of every bucket.
 */
export function duplicateBuckets(answers: Answers): string[] {
  return indexEntry(answers)?.buckets ?? [];
}

export interface IndexEntry {
  /** `<band>.<bucket>`, one per band. */
  buckets: string[];
  sketch: Uint32Array;
}

/**
 * What a store indexes for a report, or undefined when it cannot be a duplicate. Filing asks twice for
 * the same report (the duplicate check, then the create that indexes it), and its MinHash signature is
 * most of the check's CPU: the last few entries are kept (shared, never to be modified).
 */
export function indexEntry(answers: Answers): IndexEntry | undefined {
  const kind = kindOf(answers);
  const description = typeof answers.description === "string" ? answers.description : "";
  if (!kind || typeof answers.asset !== "string" || !description) return undefined;
  const scope = `${answers.asset}|${kind}`;
  const cacheKey = `${scope}|${description}`;
  const kept = recent.get(cacheKey);
  if (kept) return kept;
  const sk = sketch(description);
  const sig = signature(sk);
  const entry = sig ? { buckets: bands(sig, scope), sketch: sk } : undefined;
  if (entry) {
    // Oldest first out: a Map iterates in insertion order.
    if (recent.size >= RECENT_ENTRIES) recent.delete(recent.keys().next().value!);
    recent.set(cacheKey, entry);
  }
  return entry;
}
/** About one per filing in flight in a process (worker concurrency), so a report's second ask finds it. */
const RECENT_ENTRIES = 64;
const recent = new Map<string, IndexEntry>();

/**
 * How many candidates' sketches a lookup reads at most. The ids found in the report's buckets are
 * ranked by how many of its bands they share: a pair at the threshold (J = 0.3) shares about 4.6 of
 * the 169 bands on average, an unrelated pair of the same asset and kind (J ~ 0.13) about 0.4, so the
 * true matches rank first and only the best MAX_CANDIDATES are checked. This is what keeps a lookup's
 * cost flat as the window fills: more incidents mean more ids in the buckets (counted, cheap), not more
 * sketches read and compared. A report can then miss a match only when more than MAX_CANDIDATES
 * incidents share more of its bands, that is, when that many closer look-alikes are offered instead.
 */
export const MAX_CANDIDATES = 64;

/**
 * How many ids one bucket keeps (the newest). A report at the threshold shares about 4.6 bands with
 * its match and a close rewording a hundred or more, so a match survives unless dozens of newer
 * incidents crowd every bucket it shares with the report; those are then look-alikes offered instead.
 * Bounds what a lookup reads (bands x epochs x BUCKET_CAP ids) however full the window is.
 */
export const BUCKET_CAP = 32;

/**
 * The ids to check, from the members of the report's buckets (one space-separated list per bucket
 * that exists), most shared bands first, ties to the newer id (ids grow with time), at most `limit`.
 */
export function rankByBands(bucketMembers: readonly string[], limit = MAX_CANDIDATES): string[] {
  const hits = new Map<string, number>();
  for (const members of bucketMembers) for (const id of members.split(" ")) if (id) hits.set(id, (hits.get(id) ?? 0) + 1);
  const newerFirst = (a: string, b: string) => b.length - a.length || (a < b ? 1 : a > b ? -1 : 0);
  return [...hits].sort((a, b) => b[1] - a[1] || newerFirst(a[0], b[0])).slice(0, limit).map(([id]) => id);
}

/** Whether a candidate's sketch is close enough to the report's for its record to be read. */
export const closeEnough = (report: Uint32Array, candidate: Uint32Array, threshold = SIMILARITY_THRESHOLD) =>
  sketchSimilarity(report, candidate) >= threshold - SKETCH_MARGIN;

/**
 * The most records a lookup reads (of the MAX_CANDIDATES sketches it compares). In an incident storm hundreds of reports in the
 * window are alike and all pass `closeEnough`; reading and comparing every one made the duplicate check
 * grow with the storm (0.8 s for one answer at 600). The best match is among the most similar sketches
 * (a sketch's similarity is the trigram Jaccard the exact check computes), so only those are read.
 */
export const MAX_RECORDS = 40;

/** Ids of the candidates close enough to the report, the most similar first, at most `max`. */
export function closest(report: Uint32Array, candidates: ReadonlyArray<{ id: string; sketch: Uint32Array }>, max = MAX_RECORDS): string[] {
  const scored: Array<{ id: string; similarity: number }> = [];
  for (const c of candidates) {
    const similarity = sketchSimilarity(report, c.sketch);
    if (similarity >= SIMILARITY_THRESHOLD - SKETCH_MARGIN) scored.push({ id: c.id, similarity });
  }
  return scored
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, max)
    .map((c) => c.id);
}

export const epochOf = (t: number, windowMs = DUPLICATE_WINDOW_MS) => Math.floor(t / indexTiming(windowMs).epochMs);

/** The epochs that hold incidents created in [now - window, now]. */
export function epochsFor(now: Date, windowMs = DUPLICATE_WINDOW_MS): number[] {
  const first = epochOf(now.getTime() - windowMs, windowMs);
  const last = epochOf(now.getTime(), windowMs);
  const out: number[] = [];
  for (let e = first; e <= last; e++) out.push(e);
  return out;
}
