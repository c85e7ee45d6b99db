// The trigram sketch the duplicate index checks candidates with: the same Jaccard as the exact
// similarity (up to a hash collision, covered by SKETCH_MARGIN), and the same bytes back from Redis.
import { describe, expect, it } from "vitest";
import { similarity } from "../../src/domain/duplicates.js";
import { SKETCH_MARGIN, decodeSketch, encodeSketch, sketch, sketchSimilarity } from "../../src/domain/trigram-sketch.js";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const reports = (parse(readFileSync("test/fixtures/reports.yaml", "utf8")) as { reports: Array<{ text: string }> }).reports.map((r) => r.text);

describe("trigram sketch", () => {
  it("is sorted and without repeats", () => {
    const s = sketch("the the the model leaked the key");
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
  });

  it("gives the exact similarity on the hand-written reports, within the margin", () => {
    const sk = reports.map(sketch);
    let worst = 0;
    for (let i = 0; i < reports.length; i++) {
      for (let j = i + 1; j < reports.length; j += 7) worst = Math.max(worst, Math.abs(sketchSimilarity(sk[i]!, sk[j]!) - similarity(reports[i]!, reports[j]!)));
    }
    expect(worst).toBeLessThan(SKETCH_MARGIN);
  });

  it("comes back unchanged from its stored bytes", () => {
    const s = sketch(reports[0]!);
    expect(decodeSketch(encodeSketch(s))).toEqual(s);
    expect(decodeSketch(Buffer.from(encodeSketch(s)))).toEqual(s);
  });

  it("has no similarity with an empty text", () => {
    expect(sketchSimilarity(sketch(""), sketch("model"))).toBe(0);
  });
});
