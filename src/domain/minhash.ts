// MinHash signatures of a description's character trigrams, cut into LSH bands. Two descriptions land
// in a common band bucket with a probability that depends only on the Jaccard similarity of their
// trigram sets (the similarity the duplicate check uses), so a store can index incidents by bucket and
// a new report reads only its own buckets instead of every incident of the window.
//
// One MinHash value equals for two sets with probability J (their Jaccard). A band of R values equals
// with probability J^R, and a pair shares at least one of B bands with probability
//   P(J) = 1 - (1 - J^R)^B.
// The duplicate threshold is J = 0.3; with R = 3 and B = 169 (507 hash functions):
//   J    0.05   0.10   0.13   0.15   0.20   0.25   0.30    0.35    0.40
//   P    0.021  0.156  0.310  0.435  0.743  0.930  0.9902  0.9994  1.0000
// so a pair at the threshold is found with probability >= 0.99 (168 bands would give 0.9899), and
// more similar pairs almost surely.
// The price: unrelated reports are not dissimilar enough in trigrams to be told apart cheaply. Pairs
// of the 195 hand-written reports of test/fixtures/reports.yaml have a median Jaccard of 0.13 (p90
// 0.18): shared short words (" th", "the", "he ") make any two English texts overlap. Such a pair
// collides with probability about 0.3, which is why the buckets are also keyed by asset and kind (a
// duplicate must match both anyway) and why the exact check still runs on every candidate. Fewer
// candidates would need a steeper curve: R = 4 needs B = 566 for the same recall (0.21 collisions on
// the fixtures), R = 5 needs B = 1894 (0.12): several times the keys per incident for a halving.
import { fnv1a, sketch } from "./trigram-sketch.js";

export const LSH_ROWS = 3;
export const LSH_BANDS = 169;
const HASHES = LSH_ROWS * LSH_BANDS;

/** Probability that a pair at Jaccard `j` shares at least one band bucket. */
export const collisionProbability = (j: number, rows = LSH_ROWS, bands = LSH_BANDS) => 1 - (1 - j ** rows) ** bands;

/** murmur3's finalizer: spreads each bit of the input over the output. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

// Fixed seeds (splitmix32 from a constant): signatures, and so the stored buckets, are identical in
// every process and every release. Changing them orphans the index of the current window.
const SEEDS: Uint32Array = (() => {
  const out = new Uint32Array(HASHES);
  let s = 0x5eed1e55;
  for (let i = 0; i < HASHES; i++) {
    s = (s + 0x9e3779b9) | 0;
    out[i] = fmix32(s);
  }
  return out;
})();

/** The MinHash signature of a text's trigrams (LSH_ROWS * LSH_BANDS values); undefined without any. */
export function signature(text: string | Uint32Array): Uint32Array | undefined {
  const base = typeof text === "string" ? sketch(text) : text;
  if (!base.length) return undefined;
  const sig = new Uint32Array(HASHES);
  const n = base.length;
  // fmix32 written out in the inner loop: about 150,000 hashes a report, run on every filing, so the
  // call and the iterator of for-of cost more than the hashing (same values as fmix32).
  for (let i = 0; i < HASHES; i++) {
    const seed = SEEDS[i]!;
    let min = 0xffffffff;
    for (let j = 0; j < n; j++) {
      let x = base[j]! ^ seed;
      x ^= x >>> 16;
      x = Math.imul(x, 0x85ebca6b);
      x ^= x >>> 13;
      x = Math.imul(x, 0xc2b2ae35);
      x ^= x >>> 16;
      x >>>= 0;
      if (x < min) min = x;
    }
    sig[i] = min;
  }
  return sig;
}

/**
 * The signature's band buckets, `<band>.<hash of the band's values and the scope>`. `scope` (asset
 * and kind) goes into every bucket, so only reports that could be duplicates ever share one.
 */
export function bands(sig: Uint32Array, scope = ""): string[] {
  const out: string[] = [];
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = fnv1a(scope);
    for (let r = 0; r < LSH_ROWS; r++) h = fmix32(h ^ sig[b * LSH_ROWS + r]!) ^ Math.imul(r + 1, 0x27d4eb2d);
    out.push(`${b}.${(h >>> 0).toString(36)}`);
  }
  return out;
}
