// Every rule of the shipped obligations file: which regimes apply, each shorter deadline, the
// appliesFrom cut-off, and what an invalid file says.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/config.js";
import { readYaml } from "../../src/definitions.js";
import { ObligationsError, parseObligations, type Facts } from "../../src/domain/obligations-file.js";
import { applicableObligations, type IncidentLike } from "../../src/domain/obligations.js";
import { DATA_LEAK_REPORT, HALLUCINATION_REPORT } from "../support/answers.js";

const FILE = join(ROOT, "flows/obligations.yaml");
const { regimes } = parseObligations(readYaml(FILE), "flows/obligations.yaml");
const REPORTED = "2026-11-24T09:00:00.000Z";
const NOW = new Date("2026-11-25T09:00:00Z");
const DAY = 86_400_000;

const incident = (answers: IncidentLike["answers"], facts?: Facts): IncidentLike => ({ answers, createdAt: REPORTED, ...(facts ? { facts } : {}) });
const byId = (i: IncidentLike, now = NOW) => Object.fromEntries(applicableObligations(i, regimes, now).map((o) => [o.regimeId, o]));

describe("applicableObligations", () => {
  it("a leak of user data from a high-risk system with a rights infringement triggers both regimes", () => {
    const o = byId(incident(DATA_LEAK_REPORT, { highRisk: true, effects: ["fundamental-rights-infringement"] }));
    expect(Object.keys(o)).toEqual(["eu-ai-act-art73", "gdpr-art33"]);
    expect(o["eu-ai-act-art73"]).toMatchObject({
      trigger: { id: "serious-incident" },
      awareAt: REPORTED,
      deadline: { at: new Date(Date.parse(REPORTED) + 15 * DAY).toISOString(), within: "15 days", rule: "default", source: { article: expect.stringContaining("Art. 73(2)") } },
      msLeft: 14 * DAY,
      initialReportAllowed: true,
    });
    expect(o["eu-ai-act-art73"]!.warnings.join("\n")).toMatch(/not alter the AI system.*Art\. 73\(6\)/);
    expect(o["gdpr-art33"]).toMatchObject({
      trigger: { id: "user-data-confidentiality" },
      deadline: { at: "2026-11-27T09:00:00.000Z", within: "72 hours", rule: "default" },
      msLeft: 2 * DAY,
    });
  });

  it("a hallucination with no added facts triggers none", () => {
    expect(applicableObligations(incident(HALLUCINATION_REPORT), regimes, NOW)).toEqual([]);
  });

  it("serious effects without knowing the system is high-risk do not trigger Art. 73 (an unknown fact never matches)", () => {
    expect(byId(incident(HALLUCINATION_REPORT, { effects: ["death"] }))).toEqual({});
    expect(byId(incident(HALLUCINATION_REPORT, { highRisk: false, effects: ["death"] }))).toEqual({});
  });

  it("the personalData fact alone triggers GDPR Art. 33", () => {
    expect(byId(incident(HALLUCINATION_REPORT, { personalData: true }))["gdpr-art33"]).toMatchObject({ trigger: { id: "personal-data" } });
  });

  it.each([
    [{ effects: ["death"] }, "death", 10],
    [{ effects: ["critical-infrastructure-disruption"] }, "critical-infrastructure", 2],
    [{ effects: ["fundamental-rights-infringement"], widespreadInfringement: true }, "widespread-infringement", 2],
    [{ effects: ["serious-harm-to-health"] }, "default", 15],
    [{ effects: ["property-or-environment-harm"] }, "default", 15],
    // death and critical infrastructure together: the shortest wins
    [{ effects: ["death", "critical-infrastructure-disruption"] }, "critical-infrastructure", 2],
  ] as Array<[Facts, string, number]>)("Art. 73 deadline for %j: rule %s, %d days", (facts, rule, days) => {
    const o = byId(incident(HALLUCINATION_REPORT, { highRisk: true, ...facts }))["eu-ai-act-art73"]!;
    expect(o.deadline).toMatchObject({ rule, within: `${days} days`, at: new Date(Date.parse(REPORTED) + days * DAY).toISOString() });
  });

  it("counts from awareAt when given, and a passed deadline has negative time left", () => {
    const o = byId(incident(DATA_LEAK_REPORT, { awareAt: "2026-11-20T09:00:00Z" }))["gdpr-art33"]!;
    expect(o.awareAt).toBe("2026-11-20T09:00:00.000Z");
    expect(o.deadline.at).toBe("2026-11-23T09:00:00.000Z");
    expect(o.msLeft).toBe(-2 * DAY);
  });

  it("a regime does not apply to incidents the reporter became aware of before its appliesFrom date", () => {
    const facts: Facts = { highRisk: true, effects: ["death"] };
    expect(byId(incident(HALLUCINATION_REPORT, { ...facts, awareAt: "2026-08-01T23:59:59Z" }))).toEqual({});
    expect(Object.keys(byId(incident(HALLUCINATION_REPORT, { ...facts, awareAt: "2026-08-02T00:00:00Z" })))).toEqual(["eu-ai-act-art73"]);
  });
});

describe("parseObligations", () => {
  const valid = () => structuredClone(readYaml(FILE)) as { regimes: Array<Record<string, unknown>> };

  it("names the file, the regime and the field", () => {
    const doc = valid();
    (doc.regimes[0]!.deadline as { within: unknown }).within = { weeks: 2 };
    expect(() => parseObligations(doc, "flows/obligations.yaml")).toThrow(ObligationsError);
    expect(() => parseObligations(doc, "flows/obligations.yaml")).toThrow(/^flows\/obligations\.yaml: invalid obligations file\n  - regime 'eu-ai-act-art73', field 'deadline\.within'/);
  });

  it("rejects an unknown effect, a rule with no condition, a bad date and a duplicate id", () => {
    const doc = valid();
    (doc.regimes[0]!.when as Array<{ facts: { effects: string[] } }>)[0]!.facts.effects = ["sadness"];
    doc.regimes[1]!.when = [{ id: "always", because: "x" }];
    doc.regimes[1]!.appliesFrom = "25 May 2018";
    const msg = (() => {
      try {
        parseObligations(doc, "o.yaml");
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(msg).toMatch(/regime 'eu-ai-act-art73', field 'when\.0\.facts\.effects\.0'/);
    expect(msg).toMatch(/regime 'gdpr-art33', field 'when\.0\.answers': give answers, facts or both/);
    expect(msg).toMatch(/regime 'gdpr-art33', field 'appliesFrom'/);
    const dup = valid();
    dup.regimes[1]!.id = "eu-ai-act-art73";
    expect(() => parseObligations(dup, "o.yaml")).toThrow("regime 'eu-ai-act-art73', field 'id': duplicate id");
  });
});
