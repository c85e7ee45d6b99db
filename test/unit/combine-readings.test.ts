// Combining the offline reading with an LLM's: agreement is kept at the higher confidence,
// disagreement proposes less, and an LLM-only proposal must clear a high bar.
import { describe, expect, it } from "vitest";
import { combineReadings, LLM_ONLY_MIN_CONFIDENCE, type Reading } from "../../src/domain/combine-readings.js";

const r = (value: string | string[], confidence: number, ...evidence: string[]): Reading => ({ value, confidence, evidence: evidence.length ? evidence : ["q"] });

describe("combineReadings", () => {
  it("agreement keeps the higher confidence and both readers' evidence, offline first", () => {
    const out = combineReadings({ asset: r("outputs", 0.6, "told customers") }, { asset: r("outputs", 0.9, "quoted it", "told customers") });
    expect(out).toEqual({ asset: { value: "outputs", confidence: 0.9, evidence: ["told customers", "quoted it"] } });
    // Sets agree whatever their order.
    expect(combineReadings({ harm: r(["financial", "psychological"], 0.7) }, { harm: r(["psychological", "financial"], 0.5) }).harm?.confidence).toBe(0.7);
  });

  it("intent pointing at different domains proposes nothing for intent", () => {
    expect(combineReadings({ intent: r("none", 0.9) }, { intent: r("deliberate", 0.95) })).toEqual({});
    expect(combineReadings({ intent: r("suspected", 0.9) }, { intent: r("none", 0.95) })).toEqual({});
    expect(combineReadings({ intent: r("unknown", 0.9) }, { intent: r("deliberate", 0.95) })).toEqual({});
  });

  it("deliberate against suspected keeps the weaker claim at the lower confidence", () => {
    expect(combineReadings({ intent: r("deliberate", 0.9, "an attacker") }, { intent: r("suspected", 0.7, "might be") })).toEqual({
      intent: { value: "suspected", confidence: 0.7, evidence: ["an attacker", "might be"] },
    });
  });

  it("other one-answer questions that disagree are dropped; sets keep what both saw", () => {
    expect(combineReadings({ asset: r("outputs", 0.9) }, { asset: r("user-data", 0.9) })).toEqual({});
    expect(combineReadings({ ciaLost: r(["integrity", "confidentiality"], 0.8) }, { ciaLost: r(["confidentiality"], 0.6) })).toEqual({
      ciaLost: { value: ["confidentiality"], confidence: 0.6, evidence: ["q"] },
    });
    expect(combineReadings({ ciaLost: r(["integrity"], 0.8) }, { ciaLost: r(["availability"], 0.9) })).toEqual({});
  });

  it("what only the offline model saw is kept as it is", () => {
    const offline = { scope: r("some-users", 0.55), failureKind: r("hallucination", 0.6) };
    expect(combineReadings(offline, {})).toEqual(offline);
  });

  it("what only the LLM saw is kept only at or above the threshold", () => {
    expect(LLM_ONLY_MIN_CONFIDENCE).toBe(0.8);
    expect(combineReadings({}, { harm: r(["financial"], 0.8) })).toEqual({ harm: r(["financial"], 0.8) });
    expect(combineReadings({}, { harm: r(["financial"], 0.79) })).toEqual({});
    expect(combineReadings({}, { harm: r(["financial"], 0.5) }, { llmOnlyMin: 0.5 })).toEqual({ harm: r(["financial"], 0.5) });
  });

  it("keeps at most three quotes", () => {
    const out = combineReadings({ asset: r("model", 0.6, "a", "b") }, { asset: r("model", 0.7, "c", "d") });
    expect(out.asset?.evidence).toEqual(["a", "b", "c"]);
  });
});
