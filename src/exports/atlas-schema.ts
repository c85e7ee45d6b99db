// The MITRE ATLAS website case study schema, re-expressed in zod because no JSON-schema validator is
// installed. Source: mitre-atlas/atlas-data dist/schemas/atlas_website_case_study_schema.json at commit
// 8ee2c689a7d3c65ddf2bfe4950a4f3ecffa6f48b (tag v5.6.1, 2026-05-05), schema $version 1.1; a verbatim
// copy is ../shared/schemas/atlas-case-study.schema.json and test/unit/exports-atlas.test.ts checks
// that the required fields and enums here agree with it. Only the forms we emit are modelled in
// full: tactic and technique as ids (the schema also allows inline objects for new techniques).
import { z } from "zod";

export const ATLAS_SCHEMA_SOURCE = {
  repo: "mitre-atlas/atlas-data",
  path: "dist/schemas/atlas_website_case_study_schema.json",
  commit: "8ee2c689a7d3c65ddf2bfe4950a4f3ecffa6f48b",
  version: "1.1",
} as const;

const TacticId = z.string().regex(/^(?:[A-Z]+\d*\.)+TA\d{4}$/);
const TechniqueId = z.string().regex(/^(?:[A-Z]+\d*\.)+T\d{4}(?:\.\d{3})?$/);
const Reference = z.strictObject({ title: z.string().nullable(), url: z.string().nullable() });

export const AtlasProcedureStep = z.strictObject({ tactic: TacticId, technique: TechniqueId, description: z.string() });

export const AtlasStudy = z.strictObject({
  name: z.string(),
  summary: z.string(),
  // JSON schema: format date or date-time.
  "incident-date": z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
  "incident-date-granularity": z.enum(["YEAR", "MONTH", "DATE"]),
  procedure: z.array(AtlasProcedureStep),
  reporter: z.string().optional(),
  target: z.string().optional(),
  actor: z.string().optional(),
  "case-study-type": z.enum(["incident", "exercise"]).optional(),
  references: z.array(Reference).optional(),
  id: z.string().regex(/^(?:[A-Z]+\d*\.)+CS\d{4}$/).optional(),
  "object-type": z.literal("case-study").optional(),
  // `reported-by` is deprecated since schema 1.1 (replaced by `reporter`): we never emit it.
});

export const AtlasCaseStudy = z.looseObject({ study: AtlasStudy, meta: z.looseObject({}).optional() });
export type AtlasCaseStudy = z.infer<typeof AtlasCaseStudy>;
