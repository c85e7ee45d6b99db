// The AVID report data model, re-expressed in zod (AVID publishes it as pydantic classes, no JSON
// schema). Source: avidml/avidtools avidtools/datamodels/{report,components,enums}.py at commit
// c5d646ecbe750fc648c00d34b52676ca9a351cc0 (2026-03-26, package version 0.3.2); AVID taxonomy
// version 0.2 (the value avidtools' own connectors write). Optional fields we never fill (metrics,
// credit, cvss, cwe, odin) are left out, and the ones we always fill are required here (optional in
// the pydantic model); the report is strict so a typo in a key fails the test.
import { z } from "zod";

export const AVID_SOURCE = {
  repo: "avidml/avidtools",
  path: "avidtools/datamodels/report.py",
  commit: "c5d646ecbe750fc648c00d34b52676ca9a351cc0",
  version: "0.3.2",
  taxonomyVersion: "0.2",
} as const;

/** enums.py SepEnum: the SEP (Security, Ethics, Performance) view of the AVID taxonomy. */
export const SepView = z.enum([
  "S0100: Software Vulnerability", "S0200: Supply Chain Compromise", "S0201: Model Compromise", "S0202: Software Compromise",
  "S0300: Over-permissive API", "S0301: Information Leak", "S0302: Excessive Queries", "S0400: Model Bypass", "S0401: Bad Features",
  "S0402: Insufficient Training Data", "S0403: Adversarial Example", "S0500: Exfiltration", "S0501: Model inversion", "S0502: Model theft",
  "S0600: Data Poisoning", "S0601: Ingest Poisoning",
  "E0100: Bias/ Discrimination", "E0101: Group fairness", "E0102: Individual fairness", "E0200: Explainability",
  "E0201: Global explanations", "E0202: Local explanations", "E0300: User actions", "E0301: Toxicity", "E0302: Polarization/ Exclusion",
  "E0400: Misinformation", "E0401: Deliberative Misinformation", "E0402: Generative Misinformation",
  "P0100: Data issues", "P0101: Data drift", "P0102: Concept drift", "P0103: Data entanglement", "P0104: Data quality issues",
  "P0105: Feedback loops", "P0200: Model issues", "P0201: Resilience/ Stability", "P0202: OOD generalization", "P0203: Scaling",
  "P0204: Accuracy", "P0300: Privacy", "P0301: Anonymization", "P0302: Randomization", "P0303: Encryption", "P0400: Safety",
  "P0401: Psychological Safety", "P0402: Physical safety", "P0403: Socioeconomic safety", "P0404: Environmental safety",
]);
export type SepView = z.infer<typeof SepView>;
/** enums.py LifecycleEnum. */
export const LifecycleView = z.enum([
  "L01: Business Understanding", "L02: Data Understanding", "L03: Data Preparation", "L04: Model Development", "L05: Evaluation", "L06: Deployment",
]);
export type LifecycleView = z.infer<typeof LifecycleView>;
/** The three risk domains of the SEP view (S, E, P prefixes). */
export const RiskDomain = z.enum(["Security", "Ethics", "Performance"]);

const LangValue = z.strictObject({ lang: z.string(), value: z.string() });
const Artifact = z.strictObject({ type: z.enum(["Dataset", "Model", "System"]), name: z.string() });

export const AvidReport = z.strictObject({
  data_type: z.literal("AVID"),
  data_version: z.string().optional(),
  affects: z.strictObject({ developer: z.array(z.string()), deployer: z.array(z.string()), artifacts: z.array(Artifact) }),
  problemtype: z.strictObject({
    classof: z.enum(["AIID Incident", "ATLAS Case Study", "CVE Entry", "LLM Evaluation", "Third-party Report", "Undefined"]),
    type: z.enum(["Issue", "Advisory", "Measurement", "Detection"]).optional(),
    description: LangValue,
  }),
  references: z.array(z.strictObject({ type: z.string().optional(), label: z.string(), url: z.string() })),
  description: LangValue,
  impact: z.strictObject({
    avid: z.strictObject({
      risk_domain: z.array(RiskDomain),
      sep_view: z.array(SepView),
      lifecycle_view: z.array(LifecycleView),
      taxonomy_version: z.string(),
    }),
    atlas: z.array(z.strictObject({ tactic: z.string().optional(), technique: z.string().optional(), description: z.string().optional() })).optional(),
  }),
  // pydantic `date`: serialised as YYYY-MM-DD.
  reported_date: z.iso.date(),
});
export type AvidReport = z.infer<typeof AvidReport>;
