// Pins each number of the shipped AI Act rules to the paragraph it comes from (checked against the
// Official Journal text; see the header of flows/obligations.yaml), so an edit that swaps the 2 and
// the 10 days, as several secondary summaries do, or drops the source fails here.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/config.js";
import { readYaml } from "../../src/definitions.js";
import { DEFAULT_REMINDERS, ObligationsError, parseObligations } from "../../src/domain/obligations-file.js";

const FILE = join(ROOT, "flows/obligations.yaml");
const doc = readYaml(FILE) as Record<string, unknown>;
const file = parseObligations(doc, "flows/obligations.yaml");
const art73 = file.regimes.find((r) => r.id === "eu-ai-act-art73")!;

describe("EU AI Act Art. 73 in flows/obligations.yaml", () => {
  it("15 days after awareness comes from 73(2)", () => {
    expect(art73.deadline).toMatchObject({ within: { days: 15 }, source: { article: "Regulation (EU) 2024/1689, Art. 73(2)" } });
  });

  it.each([
    ["critical-infrastructure", 2, "Art. 73(3)"],
    ["widespread-infringement", 2, "Art. 73(3)"],
    ["death", 10, "Art. 73(4)"],
  ])("%s: %d days, from %s", (id, days, paragraph) => {
    const rule = art73.shorter.find((s) => s.id === id)!;
    expect(rule.within).toEqual({ days });
    expect(rule.source.article).toBe(`Regulation (EU) 2024/1689, ${paragraph}`);
  });

  it("an incomplete initial report is allowed by 73(5), and the do-not-alter warning cites 73(6)", () => {
    expect(art73.initialReport).toMatchObject({ allowed: true, source: { article: "Regulation (EU) 2024/1689, Art. 73(5)" } });
    const warning = art73.warnings.find((w) => /not alter the AI system/.test(w.text))!;
    expect(warning.source.article).toMatch(/Art\. 73\(6\)/);
  });

  it("applies from 2 August 2026 (Art. 113), as data", () => {
    expect(art73.appliesFrom).toBe("2026-08-02");
    expect(art73.appliesFromSource?.article).toMatch(/Art\. 113/);
  });
});

describe("reminder points", () => {
  it("the shipped file reminds at half time and 24 hours before", () => {
    expect(file.reminders).toEqual([{ fraction: 0.5 }, { before: { hours: 24 } }]);
  });

  it("a file without reminders gets the defaults; a bad point names the field", () => {
    const { reminders: _r, ...rest } = doc;
    expect(parseObligations(rest, "x.yaml").reminders).toEqual(DEFAULT_REMINDERS);
    expect(() => parseObligations({ ...doc, reminders: [{ fraction: 1.5 }] }, "x.yaml")).toThrow(ObligationsError);
    expect(() => parseObligations({ ...doc, reminders: [{ fraction: 1.5 }] }, "x.yaml")).toThrow(/field 'reminders\.0/);
  });
});
