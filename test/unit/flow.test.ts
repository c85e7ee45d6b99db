import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { FlowError, parseFlow } from "../../src/domain/flow.js";

const source = () => parse(readFileSync("flows/triage.yaml", "utf8")) as { questions: Array<Record<string, unknown>>; severity: { rules: Array<Record<string, unknown>> } };
const errorOf = (doc: unknown) => {
  try {
    parseFlow(doc, "flows/custom.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(FlowError);
    return (e as Error).message;
  }
  throw new Error("expected the flow to be rejected");
};

describe("flow file", () => {
  it("the shipped flow is valid and asks the contract questions", () => {
    const flow = parseFlow(source(), "flows/triage.yaml");
    const ids = flow.questions.map((q) => q.id);
    expect(ids).toEqual(expect.arrayContaining(["description", "asset", "intent", "attackKind", "failureKind", "ciaLost", "harm", "ongoing", "scope"]));
    expect(ids[0]).toBe("description");
  });

  it("a severity reason that says 'still happening' belongs to a rule that requires ongoing=yes", () => {
    const flow = parseFlow(source(), "flows/triage.yaml");
    const claims = flow.severity.rules.filter((r) => /still happening/.test(r.because));
    expect(claims.length).toBeGreaterThan(0);
    for (const rule of claims) expect(rule.when.ongoing, rule.because).toEqual(["yes"]);
  });

  it("no severity rule of the shipped flow is shadowed by an earlier, broader one", () => {
    // A rule whose every condition is implied by an earlier rule's could never fire: a silent mistake.
    const flow = parseFlow(source(), "flows/triage.yaml");
    const rules = flow.severity.rules;
    rules.forEach((later, j) => {
      for (const earlier of rules.slice(0, j)) {
        const covers = Object.entries(earlier.when).every(([k, vs]) => later.when[k] !== undefined && later.when[k]!.every((v) => vs.includes(v)));
        expect(covers, `rule #${j + 1} (${later.because}) can never fire after '${earlier.because}'`).toBe(false);
      }
    });
  });

  it("names the file, question and field of a missing prompt", () => {
    const doc = source();
    delete doc.questions[2]!.prompt;
    const msg = errorOf(doc);
    expect(msg).toContain("flows/custom.yaml");
    expect(msg).toContain(`question '${doc.questions[2]!.id as string}', field 'prompt'`);
  });

  it("rejects an option value outside the public contract", () => {
    const doc = source();
    const asset = doc.questions.find((q) => q.id === "asset")!;
    (asset.options as Array<{ value: string }>)[0]!.value = "gpu-cluster";
    expect(errorOf(doc)).toMatch(/question 'asset', field 'options\.0\.value': 'gpu-cluster' is not one of model, training-data/);
  });

  it("rejects duplicate ids, unknown askWhen references and bad severity rules", () => {
    const doc = source();
    doc.questions.push({ id: "scope", kind: "one", prompt: "again?", options: [{ value: "one-user", label: "x" }] });
    doc.questions.push({ id: "team", kind: "one", prompt: "Which team?", askWhen: { nosuch: ["x"] }, options: [{ value: "ml", label: "ML" }] });
    doc.severity.rules.push({ severity: "SEV2", because: "x", when: { harm: ["emotional"] } });
    const msg = errorOf(doc);
    expect(msg).toContain("question 'scope', field 'id': duplicate id");
    expect(msg).toContain("question 'team', field 'askWhen.nosuch'");
    expect(msg).toMatch(/severity rule #\d+ \(SEV2\), field 'when\.harm': 'emotional' is not an option of 'harm'/);
  });

  it("rejects a question that depends on a later one", () => {
    const doc = source();
    doc.questions.find((q) => q.id === "attackKind")!.askWhen = { scope: ["many-users"] };
    expect(errorOf(doc)).toContain("question 'attackKind', field 'askWhen.scope': refers to 'scope', which is not a question asked before this point");
  });

  it("rejects a wrong kind for a contract question", () => {
    const doc = source();
    doc.questions.find((q) => q.id === "harm")!.kind = "one";
    expect(errorOf(doc)).toContain("question 'harm', field 'kind': must be 'many'");
  });

  it("rejects unknown fields (a typo must not be silently ignored)", () => {
    const doc = source();
    (doc as Record<string, unknown>).colour = "blue";
    doc.questions[1]!.askwhen = { intent: ["none"] };
    const msg = errorOf(doc);
    expect(msg).toContain('field \'(root)\': Unrecognized key: "colour"');
    expect(msg).toMatch(/question 'intent', field '\(question\)': Unrecognized key: "askwhen"/);
  });

  it("accepts an organisation's own extra question and reworded prompts", () => {
    const doc = source();
    doc.questions.find((q) => q.id === "intent")!.prompt = "Did anyone do this deliberately?";
    doc.questions.push({ id: "team", kind: "one", prompt: "Which team owns the system?", options: [{ value: "search", label: "Search" }] });
    const flow = parseFlow(doc, "x.yaml");
    expect(flow.questions.at(-1)!.id).toBe("team");
  });
});
