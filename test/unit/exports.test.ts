// The public-record exports: golden output for fixed incidents, each checked against its data model;
// the ATLAS zod schema checked against the published JSON schema when ../shared is there.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aiidSubmission, AiidSubmission } from "../../src/exports/aiid.js";
import { atlasCaseStudy } from "../../src/exports/atlas.js";
import { AtlasCaseStudy, AtlasStudy } from "../../src/exports/atlas-schema.js";
import { avidReport, AvidReport } from "../../src/exports/avid.js";
import { input, safetyIncident, securityIncident, tactics } from "../fixtures/exports/incidents.js";

/** The values of a zod enum, optional or not. */
const enumOptions = (t: unknown): unknown => {
  const z = t as { options?: string[]; unwrap?: () => unknown };
  return z.options ?? (z.unwrap ? enumOptions(z.unwrap()) : undefined);
};
const golden = (f: string) => JSON.parse(readFileSync(`test/fixtures/exports/${f}`, "utf8")) as unknown;
const URL = "https://news.example.org/support-bot-refund";

describe("ATLAS case study", () => {
  it("matches the golden file and the schema", () => {
    const r = atlasCaseStudy(input(securityIncident), tactics);
    expect(r.ok && r.record).toEqual(golden("atlas.golden.json"));
    expect(AtlasCaseStudy.safeParse(golden("atlas.golden.json")).success).toBe(true);
  });
  it("redacts a secret left in an older record's title", () => {
    const r = atlasCaseStudy(input(securityIncident), tactics);
    expect(JSON.stringify(r)).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });
  it("refuses a safety incident with a message that says what to use instead", () => {
    const r = atlasCaseStudy(input(safetyIncident), tactics);
    expect(r).toMatchObject({ ok: false, code: "WRONG_DOMAIN" });
    expect(!r.ok && r.message).toMatch(/INC-2026-0043 is a safety incident.*--format avid/);
  });
  it("every tactic of flows/atlas-tactics.yaml matches the published ATLAS list", () => {
    const published = JSON.parse(readFileSync("test/fixtures/taxonomy-published.json", "utf8")) as { atlas: { technique_tactics: Record<string, string[]> } };
    expect(tactics.techniques).toEqual(published.atlas.technique_tactics);
  });

  const schemaFile = "../shared/schemas/atlas-case-study.schema.json";
  it.skipIf(!existsSync(schemaFile))("the zod schema agrees with the published JSON schema's required fields and enums", () => {
    const s = JSON.parse(readFileSync(schemaFile, "utf8")) as {
      required: string[];
      properties: { study: { required: string[]; properties: Record<string, { enum?: string[]; const?: string; deprecated?: string }> } };
    };
    expect(s.required).toEqual(["study"]);
    const study = s.properties.study;
    const shape = AtlasStudy.shape as Record<string, { isOptional(): boolean }>;
    for (const f of study.required) expect(shape[f]?.isOptional(), f).toBe(false);
    for (const [name, p] of Object.entries(study.properties)) {
      if (p.deprecated) continue; // reported-by: replaced by reporter in 1.1, never emitted
      expect(shape[name], `field ${name}`).toBeDefined();
      if (p.enum) expect(enumOptions(shape[name]), name).toEqual(p.enum);
    }
    for (const name of Object.keys(shape)) expect(Object.keys(study.properties), `zod field ${name}`).toContain(name);
  });
});

describe("AVID report", () => {
  it.each([
    ["security", securityIncident, "avid-security.golden.json"],
    ["safety", safetyIncident, "avid-safety.golden.json"],
  ] as const)("a %s incident matches the golden file and the data model", (_d, incident, file) => {
    const r = avidReport(input(incident), tactics);
    expect(r.ok && r.record).toEqual(golden(file));
    expect(AvidReport.safeParse(golden(file)).success).toBe(true);
  });
  it("maps the domains to AVID's risk domains", () => {
    const sec = avidReport(input(securityIncident), tactics);
    const saf = avidReport(input(safetyIncident), tactics);
    expect(sec.ok && sec.record.impact.avid.risk_domain).toContain("Security");
    expect(saf.ok && saf.record.impact.avid.sep_view).toContain("E0402: Generative Misinformation");
    expect(saf.ok && saf.record.impact.avid.risk_domain).not.toContain("Security");
  });
});

describe("AIID submission", () => {
  it("matches the golden file and the submission form's schema", () => {
    const r = aiidSubmission(input(safetyIncident, { url: URL }));
    expect(r.ok && r.record).toEqual(golden("aiid.golden.json"));
    expect(AiidSubmission.safeParse(golden("aiid.golden.json")).success).toBe(true);
  });
  it("needs a public URL and never uses the chat link", () => {
    expect(aiidSubmission(input(securityIncident))).toMatchObject({ ok: false, code: "NEEDS_URL" });
    const r = aiidSubmission(input(securityIncident, { url: URL }));
    expect(JSON.stringify(r)).not.toContain("slack.com");
  });
});
