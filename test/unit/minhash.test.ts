// The LSH index's pure part: signatures and bands are deterministic, similar reports share a bucket,
// and pairs at the duplicate threshold are found at least 99% of the time (the curve in minhash.ts).
import { describe, expect, it } from "vitest";
import { MAX_CANDIDATES, duplicateBuckets, epochsFor, indexTiming, rankByBands } from "../../src/domain/duplicate-index.js";
import { DUPLICATE_WINDOW_MS, SIMILARITY_THRESHOLD, similarity } from "../../src/domain/duplicates.js";
import { LSH_BANDS, bands, collisionProbability, signature } from "../../src/domain/minhash.js";

/** A seeded generator (mulberry32), so the generated set is the same on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const word = (next: () => number) => Array.from({ length: 4 + Math.floor(next() * 6) }, () => LETTERS[Math.floor(next() * 26)]).join("");

/**
 * Pairs of texts around a target similarity: both share `shared` words, each has words of its own.
 * Trigram Jaccard is then measured exactly and only pairs in [lo, hi) are kept.
 */
function pairsAround(lo: number, hi: number, count: number, seed: number): Array<[string, string, number]> {
  const next = rng(seed);
  const out: Array<[string, string, number]> = [];
  for (let tries = 0; out.length < count && tries < count * 200; tries++) {
    const shared = Array.from({ length: 8 + Math.floor(next() * 20) }, () => word(next));
    const own = () => Array.from({ length: Math.floor(shared.length * (0.8 + next() * 1.4)) }, () => word(next));
    const a = [...shared, ...own()].join(" ");
    const b = [...own(), ...shared].join(" ");
    const j = similarity(a, b);
    if (j >= lo && j < hi) out.push([a, b, j]);
  }
  return out;
}

const shareBucket = (a: string, b: string) => {
  const x = new Set(bands(signature(a)!));
  return bands(signature(b)!).some((k) => x.has(k));
};

describe("MinHash LSH", () => {
  it("gives the same signature and buckets for the same text, every time", () => {
    const text = "Prompt injection in a shared document made the assistant email out customer records";
    expect(signature(text)).toEqual(signature(text));
    expect(bands(signature(text)!, "a|k")).toEqual(bands(signature(text)!, "a|k"));
    expect(bands(signature(text)!)).toHaveLength(LSH_BANDS);
    // Pinned: a change of seeds or hashing would orphan the buckets stored for the current window.
    expect(bands(signature(text)!, "user-data|prompt-injection").slice(0, 2)).toMatchInlineSnapshot(`
      [
        "0.159q5r6",
        "1.2fsxi0",
      ]
    `);
  });

  it("has no signature for a text without letters or digits", () => {
    expect(signature("  ... !!")).toBeUndefined();
  });

  it("puts two wordings of one incident in a common bucket, and keys buckets by asset and kind", () => {
    const a = "The support chatbot keeps making up refund rules after the last update; customers quote them";
    const b = "support chat bot is making up refund rules since the update, customers are quoting them to agents";
    expect(similarity(a, b)).toBeGreaterThan(SIMILARITY_THRESHOLD);
    expect(shareBucket(a, b)).toBe(true);
    const other = new Set(bands(signature(a)!, "model|bias"));
    expect(bands(signature(b)!, "outputs|hallucination").some((k) => other.has(k))).toBe(false);
  });

  it("finds at least 99% of generated pairs at the threshold (Jaccard 0.30 to 0.33)", () => {
    const pairs = pairsAround(SIMILARITY_THRESHOLD, 0.33, 1000, 42);
    expect(pairs.length).toBe(1000);
    const found = pairs.filter(([a, b]) => shareBucket(a, b)).length;
    expect(found / pairs.length).toBeGreaterThanOrEqual(0.99);
  });

  it("documents a curve that meets the target at the threshold", () => {
    expect(collisionProbability(SIMILARITY_THRESHOLD)).toBeGreaterThanOrEqual(0.99);
    expect(collisionProbability(0.05)).toBeLessThan(0.05);
  });
});

describe("duplicate index layout", () => {
  const answers = { description: "the assistant leaked its system prompt", asset: "prompts-or-inputs", attackKind: "prompt-injection" };

  it("indexes only reports that could be duplicates: description, asset and kind", () => {
    expect(duplicateBuckets(answers)).toHaveLength(LSH_BANDS);
    const { attackKind: _k, ...noKind } = answers;
    const { asset: _a, ...noAsset } = answers;
    expect(duplicateBuckets(noKind)).toEqual([]);
    expect(duplicateBuckets(noAsset)).toEqual([]);
    expect(duplicateBuckets({ ...answers, description: "" })).toEqual([]);
    expect(duplicateBuckets({ description: answers.description, asset: answers.asset, failureKind: "bug-or-misconfiguration" })).not.toEqual(duplicateBuckets(answers));
  });

  it("reads five epochs for a window, and keeps buckets a little over the window", () => {
    expect(epochsFor(new Date("2026-11-24T09:10:00Z"))).toHaveLength(5);
    const t = indexTiming(DUPLICATE_WINDOW_MS);
    expect(t.ttlMs).toBeGreaterThan(DUPLICATE_WINDOW_MS);
    expect(t.ttlMs).toBeLessThanOrEqual(DUPLICATE_WINDOW_MS * 1.1);
  });
});

describe("ranking the ids found in a report's buckets", () => {
  it("checks the ids that share the most bands first, newer first on a tie, and at most the limit", () => {
    const members = ["INC-2026-0001 INC-2026-0002", "INC-2026-0002 INC-2026-0003", "INC-2026-0002", "INC-2026-0010 INC-2026-0003"];
    expect(rankByBands(members)).toEqual(["INC-2026-0002", "INC-2026-0003", "INC-2026-0010", "INC-2026-0001"]);
    expect(rankByBands(members, 2)).toEqual(["INC-2026-0002", "INC-2026-0003"]);
    // ids grow past four digits: 10000 is newer than 9999
    expect(rankByBands(["INC-2026-9999 INC-2026-10000"])).toEqual(["INC-2026-10000", "INC-2026-9999"]);
  });

  it("keeps a rewording of an old incident among the checked ids when the buckets are crowded", () => {
    const report = { description: "the refund assistant invented a refund policy and customers quote it", asset: "outputs-or-decisions", failureKind: "hallucination" };
    const reworded = { ...report, description: "the refund assistant has invented a refund policy, customers are quoting it" };
    const members = new Map<string, string[]>();
    const add = (id: string, a: typeof report) => duplicateBuckets(a).forEach((b) => members.set(b, [...(members.get(b) ?? []), id]));
    add("INC-2026-0001", reworded);
    // 2,000 newer reports of the same asset and kind that are not duplicates
    const r = rng(7);
    const words = ["latency", "model", "answers", "wrong", "users", "dashboard", "timeout", "support", "tickets", "queue", "policy", "summary"];
    for (let i = 2; i < 2002; i++) add(`INC-2026-${String(i).padStart(4, "0")}`, { ...report, description: Array.from({ length: 10 }, () => words[Math.floor(r() * words.length)]).join(" ") });
    const found = duplicateBuckets(report).flatMap((b) => (members.has(b) ? [members.get(b)!.join(" ")] : []));
    const ranked = rankByBands(found);
    expect(ranked.length).toBeLessThanOrEqual(MAX_CANDIDATES);
    expect(ranked[0]).toBe("INC-2026-0001");
  });
});
