import { describe, expect, it } from "vitest";
import * as engine from "../../src/domain/engine.js";
import { defs } from "../support/defs.js";

const flow = () => defs().flow;
function walk(answers: Record<string, unknown>) {
  let s = engine.emptyState();
  const asked: string[] = [];
  for (let step = engine.nextStep(flow(), s); step.kind === "question"; step = engine.nextStep(flow(), s)) {
    asked.push(step.question.id);
    const r = engine.answer(flow(), s, step.question.id, answers[step.question.id]);
    if (!r.ok) throw new Error(r.error);
    s = r.state;
  }
  return { asked, state: s };
}
const base = { description: "x", asset: "model", ciaLost: [], harm: [], ongoing: "no", scope: "one-user" };

describe("flow engine", () => {
  it("asks attackKind, not failureKind, when intent is deliberate or suspected", () => {
    for (const intent of ["deliberate", "suspected"]) {
      const { asked } = walk({ ...base, intent, attackKind: "jailbreak" });
      expect(asked).toContain("attackKind");
      expect(asked).not.toContain("failureKind");
      expect(asked).not.toContain("exploitable");
    }
  });

  it("asks failureKind when intent is none or unknown, and exploitable only for none", () => {
    expect(walk({ ...base, intent: "none", failureKind: "bias", exploitable: "no" }).asked).toEqual(
      expect.arrayContaining(["failureKind", "exploitable"]),
    );
    const unknown = walk({ ...base, intent: "unknown", failureKind: "bias" }).asked;
    expect(unknown).toContain("failureKind");
    expect(unknown).not.toContain("attackKind");
    expect(unknown).not.toContain("exploitable");
  });

  it("refuses an answer that is not an option, or for a question not being asked, and changes nothing", () => {
    const s1 = engine.answer(flow(), engine.emptyState(), "description", "the model leaked data");
    if (!s1.ok) throw new Error(s1.error);
    const st = s1.state;
    const bad = engine.answer(flow(), st, "intent", "maybe");
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('"maybe" is not an option of \'intent\' (allowed: deliberate, suspected, none, unknown)') });
    const wrongQ = engine.answer(flow(), st, "scope", "one-user");
    expect(wrongQ.ok).toBe(false);
    expect(engine.nextStep(flow(), st)).toMatchObject({ kind: "question", question: { id: "intent" } });
  });

  it("validates free text: trims, strips control characters, enforces 1 to 4000 characters", () => {
    const e = engine.emptyState();
    expect(engine.answer(flow(), e, "description", "   ")).toMatchObject({ ok: false });
    expect(engine.answer(flow(), e, "description", "a".repeat(4001))).toMatchObject({ ok: false, error: expect.stringContaining("limit is 4000") });
    const r = engine.answer(flow(), e, "description", "  bad\u0007 output \n");
    expect(r.ok && r.state.answers.description).toBe("bad output");
  });

  it("multi-answer questions take a subset, deduplicated in flow order; empty means none", () => {
    const s = walk({ ...base, intent: "none", failureKind: "bias", exploitable: "no", ciaLost: ["integrity", "confidentiality", "integrity"] }).state;
    expect(s.answers.ciaLost).toEqual(["confidentiality", "integrity"]);
    expect(s.answers.harm).toEqual([]);
  });

  it("back undoes exactly one step and drops answers that no longer apply", () => {
    let s = walk({ ...base, intent: "deliberate", attackKind: "jailbreak" }).state;
    while (s.trail.at(-1) !== "attackKind") s = engine.back(flow(), s);
    s = engine.back(flow(), s); // undo attackKind
    s = engine.back(flow(), s); // undo intent
    expect(s.answers.intent).toBeUndefined();
    const r = engine.answer(flow(), s, "intent", "none");
    expect(r.ok).toBe(true);
    if (r.ok) expect(engine.nextStep(flow(), r.state)).toMatchObject({ question: { id: "failureKind" } });
    expect(engine.back(flow(), engine.emptyState())).toEqual(engine.emptyState());
  });

  it("suggestions wait for confirmation: accepted together, undone together, or reviewed one by one", () => {
    const d = engine.answer(flow(), engine.emptyState(), "description", "someone jailbroke the bot");
    if (!d.ok) throw new Error(d.error);
    const sug = {
      intent: { value: "deliberate", confidence: 0.9, evidence: ["someone"] },
      attackKind: { value: "jailbreak", confidence: 0.9, evidence: ["jailbroke"] },
      asset: { value: "not-an-asset", confidence: 0.9, evidence: [] },
    };
    const s = engine.suggest(flow(), d.state, sug);
    expect(Object.keys(s.suggestions)).toEqual(["intent", "attackKind"]);
    const step = engine.nextStep(flow(), s);
    expect(step.kind).toBe("confirm-inferred");
    expect(engine.answer(flow(), s, "intent", "none").ok).toBe(false);

    const acc = engine.decideInferred(flow(), s, true);
    if (!acc.ok) throw new Error(acc.error);
    expect(acc.state.answers).toMatchObject({ intent: "deliberate", attackKind: "jailbreak" });
    expect(engine.nextStep(flow(), acc.state)).toMatchObject({ question: { id: "asset" } });
    const undone = engine.back(flow(), acc.state);
    expect(undone.answers.intent).toBeUndefined();
    expect(engine.nextStep(flow(), undone).kind).toBe("confirm-inferred");

    const rev = engine.decideInferred(flow(), s, false);
    if (!rev.ok) throw new Error(rev.error);
    expect(engine.nextStep(flow(), rev.state)).toMatchObject({ question: { id: "intent" }, suggestion: { value: "deliberate" } });
  });

  it("shows progress that ends at the total", () => {
    let s = engine.emptyState();
    const seen: Array<[number, number]> = [];
    const answers: Record<string, unknown> = { ...base, intent: "deliberate", attackKind: "evasion" };
    for (let step = engine.nextStep(flow(), s); step.kind === "question"; step = engine.nextStep(flow(), s)) {
      seen.push([step.index, step.total]);
      const r = engine.answer(flow(), s, step.question.id, answers[step.question.id]);
      if (!r.ok) throw new Error(r.error);
      s = r.state;
    }
    expect(seen[0]).toEqual([1, seen.at(-1)![1]]);
    expect(seen.at(-1)![0]).toBe(seen.at(-1)![1]);
    expect(seen.map((x) => x[0])).toEqual(seen.map((_, i) => i + 1));
  });
});
