// An AVID report from any incident. Our two domains map onto AVID's SEP view: attacks to Security
// (S…), unintended failures to Ethics (E…) or Performance (P…) by what failed, and the harm done adds
// the Performance "safety" or Ethics fairness entries. The mapping is an editorial judgement, kept in
// the tables below so it can be read and reviewed in one place.
import type { Incident } from "../domain/incident.js";
import type { Ref } from "../domain/refs.js";
import { AVID_SOURCE, AvidReport, type LifecycleView, type SepView } from "./avid-schema.js";
import { tacticOf, type AtlasTactics } from "./atlas-tactics.js";
import { answerOf, answersOf, clean, dateOf, descriptionOf, systemLabel, type ExportInput, type ExportResult } from "./input.js";

export { AVID_SOURCE, AvidReport } from "./avid-schema.js";

const BY_KIND: Record<string, SepView[]> = {
  "prompt-injection": ["S0403: Adversarial Example"],
  jailbreak: ["S0403: Adversarial Example", "S0400: Model Bypass"],
  "data-poisoning": ["S0600: Data Poisoning"],
  evasion: ["S0403: Adversarial Example"],
  "model-theft": ["S0502: Model theft"],
  "data-exfiltration": ["S0500: Exfiltration", "S0301: Information Leak"],
  "unauthorized-access": ["S0100: Software Vulnerability"],
  "malicious-use": ["E0300: User actions"],
  hallucination: ["E0402: Generative Misinformation"],
  "harmful-output": ["E0301: Toxicity"],
  bias: ["E0100: Bias/ Discrimination"],
  "distribution-shift": ["P0101: Data drift"],
  "unsafe-action": ["P0400: Safety"],
  "bug-or-misconfiguration": ["P0200: Model issues"],
};
const BY_HARM: Record<string, SepView[]> = {
  physical: ["P0402: Physical safety"],
  psychological: ["P0401: Psychological Safety"],
  financial: ["P0403: Socioeconomic safety"],
  "rights-or-fairness": ["E0100: Bias/ Discrimination"],
};
// Where in the lifecycle it went wrong: poisoning and bias come from the data; the rest shows in use.
const LIFECYCLE: Record<string, LifecycleView[]> = {
  "data-poisoning": ["L03: Data Preparation"],
  bias: ["L03: Data Preparation", "L04: Model Development"],
  "distribution-shift": ["L02: Data Understanding", "L06: Deployment"],
};
const DOMAIN_OF = { S: "Security", E: "Ethics", P: "Performance" } as const;

/** Public pages for the refs we cite: ATLAS per technique, the other two per document. */
function referenceOf(r: Ref): { type: string; label: string; url: string } {
  if (r.framework === "atlas") return { type: "source", label: `MITRE ATLAS ${r.id}: ${r.name}`, url: `https://atlas.mitre.org/techniques/${r.id}` };
  if (r.framework === "owasp-llm") return { type: "source", label: `OWASP Top 10 for LLM Applications ${r.id}: ${r.name}`, url: "https://genai.owasp.org/llm-top-10/" };
  return { type: "source", label: `NIST AI 600-1: ${r.name}`, url: "https://doi.org/10.6028/NIST.AI.600-1" };
}

function sep(i: Incident): SepView[] {
  const kind = answerOf(i, i.classification.primary === "security" ? "attackKind" : "failureKind");
  const views = [...(BY_KIND[kind ?? ""] ?? []), ...answersOf(i, "harm").flatMap((h) => BY_HARM[h] ?? [])];
  if (i.classification.primary === "security" && answersOf(i, "ciaLost").includes("confidentiality")) views.push("S0301: Information Leak");
  return [...new Set(views)];
}

export function avidReport(input: ExportInput, tactics: AtlasTactics): ExportResult<AvidReport> {
  const i = input.incident;
  const sepView = sep(i);
  const kind = answerOf(i, i.classification.primary === "security" ? "attackKind" : "failureKind") ?? "";
  // An incident whose kind we cannot place still belongs to a domain: security, or (unintended) performance.
  const domains = sepView.length ? sepView.map((v) => DOMAIN_OF[v[0] as "S" | "E" | "P"]) : [i.classification.primary === "security" ? "Security" : "Performance"];
  const refs = i.classification.refs;
  const atlas = refs.filter((r) => r.framework === "atlas").map((r) => ({ tactic: tacticOf(tactics, r.id), technique: r.id, description: r.name }));
  const seen = new Set<string>();
  const references = [...(input.url ? [{ type: "source", label: "Public report", url: input.url }] : []), ...refs.map(referenceOf)].filter((r) => {
    const key = `${r.label}|${r.url}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const record = AvidReport.parse({
    data_type: "AVID",
    affects: {
      developer: input.system?.developer ? [clean(input.system.developer)] : input.system?.role === "provider" ? [clean(input.organisation)] : [],
      deployer: [clean(input.organisation)],
      artifacts: input.system ? [{ type: "System", name: systemLabel(input.system) }] : [],
    },
    problemtype: { classof: "Undefined", type: "Issue", description: { lang: "eng", value: clean(i.title) } },
    references,
    description: { lang: "eng", value: descriptionOf(i) },
    impact: {
      avid: {
        risk_domain: [...new Set(domains)],
        sep_view: sepView,
        lifecycle_view: LIFECYCLE[kind] ?? ["L06: Deployment"],
        taxonomy_version: AVID_SOURCE.taxonomyVersion,
      },
      ...(atlas.length ? { atlas } : {}),
    },
    reported_date: dateOf(i.createdAt),
  });
  return { ok: true, record };
}
