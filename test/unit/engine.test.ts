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
const ok = (r: engine.AnswerResult) => {
  if (!r.ok) throw new Error(r.error);
  return r.state;
};
/** A described incident with three suggestions (one invalid, dropped): intent, attackKind (depends on intent), harm. */
function suggested(): engine.FlowState {
  const d = ok(engine.answer(flow(), engine.emptyState(), "description", "someone jailbroke the bot to quote fake refunds"));
  return engine.suggest(flow(), d, {
    intent: { value: "deliberate", confidence: 0.9, evidence: ["someone"] },
    attackKind: { value: "jailbreak", confidence: 0.8, evidence: ["jailbroke"] },
    asset: { value: "not-an-asset", confidence: 0.9, evidence: [] },
    harm: { value: ["financial"], confidence: 0.7, evidence: ["refunds"] },
  });
}
const items = (s: engine.FlowState) => {
  const step = engine.nextStep(flow(), s);
  return step.kind === "confirm-inferred" ? step.items.map((i) => i.question.id) : [];
};
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
    const s = walk({ ...base, intent: "none", failureKind: "bias", exploitable: "no", ciaLost: ["integrity", "confidentiality", "integrity"], personalData: "no" }).state;
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

  it("suggestions wait for confirmation; keeping them all answers them in flow order and Back undoes it at once", () => {
    const s = suggested();
    expect(Object.keys(s.suggestions)).toEqual(["intent", "attackKind", "harm"]);
    const step = engine.nextStep(flow(), s);
    expect(step).toMatchObject({ kind: "confirm-inferred" });
    if (step.kind !== "confirm-inferred") return;
    // attackKind is shown beside the intent it depends on, but cannot be changed before intent is settled.
    expect(step.items.map((i) => [i.question.id, i.changeable])).toEqual([["intent", true], ["attackKind", false], ["harm", true]]);
    expect(engine.answer(flow(), s, "intent", "none").ok).toBe(false);

    const all = ok(engine.decideInferred(flow(), s, { decision: "keep-all" }));
    expect(all.answers).toMatchObject({ intent: "deliberate", attackKind: "jailbreak", harm: ["financial"] });
    expect(engine.nextStep(flow(), all)).toMatchObject({ question: { id: "asset" } });
    expect(engine.nextStep(flow(), all)).not.toHaveProperty("suggestion");
    const undone = engine.back(flow(), all);
    expect(undone).toEqual(s);
    expect(ok(engine.decideInferred(flow(), s, true))).toEqual(all);
  });

  it("keeping one answers only that one; the others still wait", () => {
    const s = ok(engine.decideInferred(flow(), suggested(), { decision: "keep", questionId: "harm" }));
    expect(s.answers.harm).toEqual(["financial"]);
    expect(s.answers.intent).toBeUndefined();
    expect(items(s)).toEqual(["intent", "attackKind"]);
    // A dependent kept before the answer it depends on lands as soon as that answer allows it.
    const kind = ok(engine.decideInferred(flow(), s, { decision: "keep", questionId: "attackKind" }));
    expect(kind.answers.attackKind).toBeUndefined();
    expect(items(kind)).toEqual(["intent"]);
    const intent = ok(engine.decideInferred(flow(), kind, { decision: "keep", questionId: "intent" }));
    expect(intent.answers).toMatchObject({ intent: "deliberate", attackKind: "jailbreak", harm: ["financial"] });
    expect(engine.nextStep(flow(), intent)).toMatchObject({ kind: "question", question: { id: "asset" } });
    expect(engine.back(flow(), intent)).toEqual(kind);
  });

  it("changing one asks only that question with the suggestion marked, then returns to the others", () => {
    const s = suggested();
    expect(engine.decideInferred(flow(), s, { decision: "change", questionId: "attackKind" })).toMatchObject({ ok: false, error: expect.stringContaining("depends on 'intent'") });
    expect(engine.decideInferred(flow(), s, { decision: "change", questionId: "asset" })).toMatchObject({ ok: false });
    const changing = ok(engine.decideInferred(flow(), s, { decision: "change", questionId: "intent" }));
    expect(engine.nextStep(flow(), changing)).toMatchObject({ kind: "question", question: { id: "intent" }, suggestion: { value: "deliberate" } });
    expect(engine.decideInferred(flow(), changing, { decision: "keep-all" }).ok).toBe(false);

    // "none" rules attackKind out: only harm is left to confirm, and it keeps its suggestion.
    const none = ok(engine.answer(flow(), changing, "intent", "none"));
    expect(none.changing).toBeUndefined();
    expect(items(none)).toEqual(["harm"]);
    const kept = ok(engine.decideInferred(flow(), none, { decision: "keep-all" }));
    expect(kept.answers).toMatchObject({ intent: "none", harm: ["financial"] });
    expect(kept.answers.attackKind).toBeUndefined();
    expect(engine.nextStep(flow(), kept)).toMatchObject({ question: { id: "failureKind" } });

    // "suspected" keeps attackKind in play, still waiting for its own decision.
    const suspected = ok(engine.answer(flow(), changing, "intent", "suspected"));
    expect(engine.nextStep(flow(), suspected)).toMatchObject({ kind: "confirm-inferred", items: [{ question: { id: "attackKind" }, changeable: true }, { question: { id: "harm" } }] });
  });

  it("Back from a changed answer asks that question again; Back again returns to the suggestions", () => {
    const s = suggested();
    const changing = ok(engine.decideInferred(flow(), s, { decision: "change", questionId: "harm" }));
    const answered = ok(engine.answer(flow(), changing, "harm", []));
    expect(items(answered)).toEqual(["intent", "attackKind"]);
    const reopened = engine.back(flow(), answered);
    expect(reopened).toEqual(changing);
    expect(engine.nextStep(flow(), reopened)).toMatchObject({ kind: "question", question: { id: "harm" }, suggestion: { value: ["financial"] } });
    expect(engine.back(flow(), reopened)).toEqual(s);
    // Back past the description forgets the suggestions: a new description brings new ones.
    expect(engine.back(flow(), s)).toEqual(engine.emptyState());
  });

  it("refuses a decision about a question with no suggestion waiting", () => {
    const s = suggested();
    expect(engine.decideInferred(flow(), s, { decision: "keep", questionId: "scope" })).toMatchObject({ ok: false, error: expect.stringContaining("'scope'") });
    const all = ok(engine.decideInferred(flow(), s, { decision: "keep-all" }));
    expect(engine.decideInferred(flow(), all, { decision: "keep-all" })).toEqual({ ok: false, error: "there are no suggested answers to confirm now" });
  });

  it("a conversation stored before per-answer confirmation still parses and Back still undoes its accept", () => {
    const legacy = {
      answers: { description: "x", intent: "deliberate" },
      trail: ["description", engine.INFERRED_STEP],
      suggestions: { intent: { value: "deliberate", confidence: 0.9, evidence: [] } },
      inference: "accepted",
      accepted: ["intent"],
    };
    const s = engine.FlowState.parse(legacy);
    expect(s.kept).toEqual([]);
    expect(engine.nextStep(flow(), s)).toMatchObject({ question: { id: "attackKind" } });
    const undone = engine.back(flow(), s);
    expect(undone.answers.intent).toBeUndefined();
    expect(engine.nextStep(flow(), undone)).toMatchObject({ kind: "confirm-inferred" });
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
