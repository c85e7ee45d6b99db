import { describe, expect, it } from "vitest";
import * as engine from "../../src/domain/engine.js";
import { PreTriageRecord, preTriageRecord } from "../../src/domain/proposals.js";
import { defs } from "../support/defs.js";

const flow = () => defs().flow;
const ok = (r: engine.AnswerResult) => {
  if (!r.ok) throw new Error(r.error);
  return r.state;
};

describe("the pre-triage record of a walk-through", () => {
  it("says per question what was proposed, what was chosen and whether the proposal stood", () => {
    const d = ok(engine.answer(flow(), engine.emptyState(), "description", "someone jailbroke the bot to quote fake refunds"));
    let s = engine.suggest(flow(), d, {
      intent: { value: "deliberate", confidence: 0.9, evidence: ["someone"] },
      attackKind: { value: "jailbreak", confidence: 0.8, evidence: ["jailbroke"] },
      harm: { value: ["financial"], confidence: 0.7, evidence: ["refunds"] },
    });
    s = ok(engine.decideInferred(flow(), s, { decision: "change", questionId: "intent" }));
    s = ok(engine.answer(flow(), s, "intent", "none"));
    s = ok(engine.decideInferred(flow(), s, { decision: "keep-all" }));
    const record = preTriageRecord(s)!;
    expect(PreTriageRecord.parse(record)).toEqual(record);
    expect(record.proposals).toEqual({
      intent: { value: "deliberate", confidence: 0.9, evidence: ["someone"], chosen: "none", accepted: false },
      // ruled out by the changed intent: never asked, so nothing was chosen
      attackKind: { value: "jailbreak", confidence: 0.8, evidence: ["jailbroke"], accepted: false },
      harm: { value: ["financial"], confidence: 0.7, evidence: ["refunds"], chosen: ["financial"], accepted: true },
    });
  });

  it("is absent when nothing was proposed", () => {
    expect(preTriageRecord(engine.emptyState())).toBeUndefined();
  });
});
