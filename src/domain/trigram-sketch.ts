// A description's trigram set as sorted 32-bit hashes: 4 bytes a trigram, compared by one merge. The
// duplicate index keeps one per incident, so the LSH candidates of a report are checked for
// similarity without reading and parsing whole incident records; only those close to the threshold
// are read. Two distinct trigrams of one pair of texts share a hash with a probability of about 1e-5,
// which moves their similarity by about 1/300: the margin below covers it, and the exact check on
// the stored record decides.
import { trigrams } from "./duplicates.js";

/** How far below the threshold a sketch may fall and still have its record read. */
export const SKETCH_MARGIN = 0.01;

/** FNV-1a over UTF-16 code units: a stable 32-bit hash, the same in every process and release. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The text's trigrams (as `trigrams` in duplicates.ts) hashed, sorted, without repeats. */
export function sketch(text: string): Uint32Array {
  const hashes = Uint32Array.from([...trigrams(text)].map((t) => fnv1a(t))).sort();
  let n = 0;
  for (let i = 0; i < hashes.length; i++) if (i === 0 || hashes[i] !== hashes[n - 1]) hashes[n++] = hashes[i]!;
  return hashes.slice(0, n);
}

/** Jaccard of two sketches (sorted, unique). */
export function sketchSimilarity(a: Uint32Array, b: Uint32Array): number {
  if (!a.length || !b.length) return 0;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

/** Bytes of a sketch as stored (little-endian uint32s), and back. */
export function encodeSketch(s: Uint32Array): Uint8Array {
  const out = new Uint8Array(s.length * 4);
  const view = new DataView(out.buffer);
  s.forEach((v, i) => view.setUint32(i * 4, v, true));
  return out;
}

export function decodeSketch(bytes: Uint8Array): Uint32Array {
  const n = Math.floor(bytes.byteLength / 4);
  // The fast path: a copy into a fresh (aligned) buffer viewed as uint32s, on little-endian machines.
  // (Buffer.slice would be a view, not a copy: copy explicitly.)
  if (LITTLE_ENDIAN) {
    const copy = new Uint8Array(n * 4);
    copy.set(bytes.subarray(0, n * 4));
    return new Uint32Array(copy.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
