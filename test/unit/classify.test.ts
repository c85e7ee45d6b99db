import { describe, expect, it } from "vitest";
import { classify } from "../../src/domain/classify.js";
import { route } from "../../src/domain/route.js";
import type { CoreAnswers } from "../../src/domain/vocabulary.js";
import { defs } from "../support/defs.js";

const c = (a: object) => classify(a as CoreAnswers, defs().flow, defs().refs);
const quiet: CoreAnswers = { description: "x", asset: "model", ciaLost: [], harm: [], ongoing: "no", scope: "one-user" };

describe("primary domain follows intent", () => {
  it.each([
    ["deliberate", "security", false],
    ["suspected", "security", false],
    ["none", "safety", false],
    ["unknown", "security", true],
  ] as const)("intent=%s → %s (provisional %s)", (intent, primary, provisional) => {
    const r = c({ ...quiet, intent });
    expect(r.primary).toBe(primary);
    expect(r.provisional).toBe(provisional);
    expect(r.rationale[0]).toContain(`intent=${intent}`);
  });
  it("no intent answer at all is treated as unknown: security first", () => {
    expect(c({ description: "x" })).toMatchObject({ primary: "security", provisional: true });
  });
});

describe("cross-domain", () => {
  it.each([
    [{ harm: ["psychological"] }, "harm=psychological"],
    [{ asset: "physical-system" }, "asset=physical-system"],
    [{ asset: "outputs" }, "asset=outputs"],
  ] as const)("security incident with %o reaches safety", (extra, cited) => {
    const r = c({ ...quiet, intent: "deliberate", attackKind: "prompt-injection", ...extra });
    expect(r.crossDomain).toEqual(["security->safety"]);
    expect(r.rationale.join(" ")).toContain(cited);
  });
  it.each([
    [{ ciaLost: ["confidentiality"] }, "ciaLost=confidentiality"],
    [{ ciaLost: ["availability"] }, "ciaLost=availability"],
    [{ exploitable: "yes" }, "exploitable=yes"],
  ] as const)("safety incident with %o reaches security", (extra, cited) => {
    const r = c({ ...quiet, intent: "none", failureKind: "bug-or-misconfiguration", ...extra });
    expect(r.crossDomain).toEqual(["safety->security"]);
    expect(r.rationale.join(" ")).toContain(cited);
  });
  it("contained incidents stay in their domain", () => {
    expect(c({ ...quiet, intent: "deliberate", attackKind: "jailbreak" }).crossDomain).toEqual([]);
    expect(c({ ...quiet, intent: "none", failureKind: "hallucination", exploitable: "no" }).crossDomain).toEqual([]);
    // CIA loss is the adversary's business in a security incident, not a crossing.
    expect(c({ ...quiet, intent: "deliberate", attackKind: "model-theft", ciaLost: ["confidentiality"] }).crossDomain).toEqual([]);
  });
});

describe("severity from the flow file's rules", () => {
  it.each([
    [{ harm: ["physical"] }, "SEV1"],
    [{ harm: ["financial"], ongoing: "yes", scope: "many-users" }, "SEV1"],
    [{ ciaLost: ["confidentiality"], ongoing: "unknown", scope: "many-users" }, "SEV1"],
    [{ harm: ["rights-or-fairness"], scope: "some-users" }, "SEV2"],
    [{ ciaLost: ["integrity"], ongoing: "yes" }, "SEV2"],
    [{ ciaLost: ["availability"], scope: "many-users" }, "SEV2"],
    [{ harm: ["psychological"] }, "SEV3"],
    [{ ciaLost: ["availability"] }, "SEV3"],
    [{ ongoing: "yes", scope: "many-users" }, "SEV3"],
    [{}, "SEV4"],
  ] as const)("%o → %s", (extra, sev) => {
    const r = c({ ...quiet, intent: "none", failureKind: "other", ...extra });
    expect(r.severity).toBe(sev);
    expect(r.rationale.some((x) => x.startsWith(`${sev}:`))).toBe(true);
  });
});

describe("severity review (issue 11, item 9)", () => {
  const sev1 = (r: ReturnType<typeof c>) => r.rationale.find((x) => x.startsWith("SEV1:")) ?? "";

  it("a SEV1 reason says 'still happening' only when ongoing is yes", () => {
    for (const extra of [{ harm: ["financial"] }, { harm: ["psychological"] }, { ciaLost: ["confidentiality"] }]) {
      const yes = c({ ...quiet, intent: "none", failureKind: "other", scope: "many-users", ongoing: "yes", ...extra });
      const unknown = c({ ...quiet, intent: "none", failureKind: "other", scope: "many-users", ongoing: "unknown", ...extra });
      expect(yes.severity).toBe("SEV1");
      expect(sev1(yes)).toContain("still happening");
      // Not known to have stopped is still SEV1 (assume the worst), but it is not "still happening".
      expect(unknown.severity).toBe("SEV1");
      expect(sev1(unknown)).not.toContain("still happening");
      expect(sev1(unknown)).toContain("not known to have stopped");
    }
  });

  it.each([
    [{ attackKind: "data-exfiltration", ciaLost: [] }, "an attacker took personal data"],
    [{ attackKind: "unauthorized-access", ciaLost: ["confidentiality"] }, "an attacker broke the confidentiality of personal data"],
    [{ attackKind: "prompt-injection", ciaLost: ["confidentiality", "integrity"] }, "an attacker broke the confidentiality of personal data"],
  ] as const)("a confirmed exfiltration of personal data (%o) is at least SEV2, even contained and over", (extra, because) => {
    // quiet: one user, not ongoing, no harm: the old table gave SEV3 (or SEV4) here.
    const r = c({ ...quiet, intent: "deliberate", asset: "user-data", ...extra });
    expect(r.severity).toBe("SEV2");
    expect(r.rationale.find((x) => x.startsWith("SEV2:"))).toContain(because);
  });

  it("exfiltration of many users' personal data is SEV1 even when it is over", () => {
    const r = c({ ...quiet, intent: "deliberate", attackKind: "data-exfiltration", asset: "user-data", scope: "many-users", ongoing: "no" });
    expect(r.severity).toBe("SEV1");
    expect(sev1(r)).toContain("personal data of many users");
  });

  it("only a confirmed attack on personal data is lifted: suspected, or another asset, keeps the old severity", () => {
    expect(c({ ...quiet, intent: "suspected", attackKind: "data-exfiltration", asset: "user-data" }).severity).toBe("SEV4");
    expect(c({ ...quiet, intent: "deliberate", attackKind: "data-exfiltration", asset: "model" }).severity).toBe("SEV4");
    expect(c({ ...quiet, intent: "deliberate", attackKind: "model-theft", asset: "model", ciaLost: ["confidentiality"] }).severity).toBe("SEV3");
  });

  it("a made-up refund policy with financial harm to many users, still happening, is SEV2, not SEV1", () => {
    const refund = { ...quiet, intent: "none", failureKind: "hallucination", asset: "outputs", harm: ["financial"], ongoing: "yes", scope: "many-users" };
    const r = c(refund);
    expect(r.severity).toBe("SEV2");
    expect(r.rationale.find((x) => x.startsWith("SEV2:"))).toContain("made-up answer cost many users money");
    // Fewer users: unchanged from before (SEV2 for some users, SEV3 for one).
    expect(c({ ...refund, scope: "some-users" }).severity).toBe("SEV2");
    expect(c({ ...refund, scope: "one-user" }).severity).toBe("SEV3");
  });

  it("the hallucination rule does not hide worse harm or a data loss at scale", () => {
    const refund = { ...quiet, intent: "none", failureKind: "hallucination", asset: "outputs", harm: ["financial"], ongoing: "yes", scope: "many-users" };
    expect(c({ ...refund, harm: ["financial", "physical"] }).severity).toBe("SEV1");
    expect(c({ ...refund, harm: ["financial", "psychological"] }).severity).toBe("SEV1");
    expect(c({ ...refund, ciaLost: ["confidentiality"] }).severity).toBe("SEV1");
    // Financial harm at scale from another failure (an agent paying out wrongly) stays SEV1.
    expect(c({ ...refund, failureKind: "unsafe-action" }).severity).toBe("SEV1");
  });
});

describe("refs", () => {
  it("cites ATLAS and OWASP LLM 2025 for attacks, NIST AI 600-1 for failures", () => {
    const pi = c({ ...quiet, intent: "deliberate", attackKind: "prompt-injection" }).refs.map((r) => r.id);
    expect(pi).toEqual(expect.arrayContaining(["AML.T0051", "LLM01:2025"]));
    const h = c({ ...quiet, intent: "none", failureKind: "hallucination" }).refs.map((r) => r.id);
    expect(h).toEqual(["Confabulation", "LLM09:2025"]);
    expect(c({ ...quiet, intent: "none", failureKind: "other" }).refs).toEqual([]);
  });
});

describe("routing", () => {
  it("goes to the primary domain's queue, copies the other on crossings, and takes ack minutes from the roster", () => {
    const r = route(c({ ...quiet, intent: "deliberate", attackKind: "data-poisoning", harm: ["physical"] }), defs().roster);
    expect(r).toEqual({ domain: "security", queue: "oncall-security", cc: ["safety"], ackMinutes: 5 });
    const s = route(c({ ...quiet, intent: "none", failureKind: "bias" }), defs().roster);
    expect(s).toEqual({ domain: "safety", queue: "oncall-safety", cc: [], ackMinutes: 240 });
  });
});
