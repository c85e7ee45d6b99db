// Where a report's LSH buckets live in time. Stores keep one set of incident ids per bucket and per
// epoch (a quarter of the duplicate window), so an epoch's sets stop growing once it is over and
// expire a little after the window, and a lookup reads the buckets of the epochs the window overlaps:
// at most five per band however many incidents the window holds.
import { DUPLICATE_WINDOW_MS, kindOf } from "./duplicates.js";
import { bands, signature } from "./minhash.js";
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
  const kind = kindOf(answers);
  const description = typeof answers.description === "string" ? answers.description : "";
  if (!kind || typeof answers.asset !== "string" || !description) return [];
  const sig = signature(description);
  return sig ? bands(sig, `${answers.asset}|${kind}`) : [];
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
