// The public contract: question ids and option values that other tools, the `replay` command and
// stored incidents rely on. Flow files may reword, reorder, drop options or add questions, but may not
// invent values for these questions (the classifier would not know what they mean).
import { z } from "zod";

export const Domain = z.enum(["safety", "security"]);
export type Domain = z.infer<typeof Domain>;

export const Asset = z.enum([
  "model",
  "training-data",
  "prompts-or-inputs",
  "outputs",
  "user-data",
  "infrastructure",
  "physical-system",
]);
export const Intent = z.enum(["deliberate", "suspected", "none", "unknown"]);
export const AttackKind = z.enum([
  "prompt-injection",
  "jailbreak",
  "data-poisoning",
  "evasion",
  "model-theft",
  "data-exfiltration",
  "unauthorized-access",
  "malicious-use",
  "other",
]);
export const FailureKind = z.enum([
  "hallucination",
  "harmful-output",
  "bias",
  "distribution-shift",
  "unsafe-action",
  "bug-or-misconfiguration",
  "other",
]);
export const Cia = z.enum(["confidentiality", "integrity", "availability"]);
export const Harm = z.enum(["physical", "psychological", "financial", "rights-or-fairness"]);
export const Ongoing = z.enum(["yes", "no", "unknown"]);
export const Scope = z.enum(["one-user", "some-users", "many-users"]);
export const Exploitable = z.enum(["yes", "no", "unknown"]);

export type Asset = z.infer<typeof Asset>;
export type Intent = z.infer<typeof Intent>;
export type AttackKind = z.infer<typeof AttackKind>;
export type FailureKind = z.infer<typeof FailureKind>;

export const DESCRIPTION_MAX = 4000;

/** Contract questions: id → kind and the only values a flow may offer for it. */
export const CONTRACT = {
  description: { kind: "text", values: null },
  asset: { kind: "one", values: Asset.options },
  intent: { kind: "one", values: Intent.options },
  attackKind: { kind: "one", values: AttackKind.options },
  failureKind: { kind: "one", values: FailureKind.options },
  ciaLost: { kind: "many", values: Cia.options },
  harm: { kind: "many", values: Harm.options },
  ongoing: { kind: "one", values: Ongoing.options },
  scope: { kind: "one", values: Scope.options },
  exploitable: { kind: "one", values: Exploitable.options },
} as const;
export type ContractQuestionId = keyof typeof CONTRACT;

/** The answers the classifier reads. Questions that were not asked (branching) are absent. */
export const CoreAnswers = z.object({
  description: z.string().min(1).max(DESCRIPTION_MAX).optional(),
  asset: Asset.optional(),
  intent: Intent.optional(),
  attackKind: AttackKind.optional(),
  failureKind: FailureKind.optional(),
  ciaLost: z.array(Cia).optional(),
  harm: z.array(Harm).optional(),
  ongoing: Ongoing.optional(),
  scope: Scope.optional(),
  exploitable: Exploitable.optional(),
});
export type CoreAnswers = z.infer<typeof CoreAnswers>;

/** Every stored answer: contract ids plus whatever questions an organisation added. */
export const AnswerValue = z.union([z.string().max(DESCRIPTION_MAX), z.array(z.string().max(200)).max(50)]);
export type AnswerValue = z.infer<typeof AnswerValue>;
export const Answers = z.record(z.string().max(64), AnswerValue);
export type Answers = z.infer<typeof Answers>;

export const Severity = z.enum(["SEV1", "SEV2", "SEV3", "SEV4"]);
export type Severity = z.infer<typeof Severity>;
export const CrossDomain = z.enum(["security->safety", "safety->security"]);
export type CrossDomain = z.infer<typeof CrossDomain>;

export const otherDomain = (d: Domain): Domain => (d === "safety" ? "security" : "safety");

/** The contract answers among all answers (blank ones count as unanswered), checked by CoreAnswers. */
export function coreOf(answers: Answers): CoreAnswers {
  const keys = Object.keys(CoreAnswers.shape);
  return CoreAnswers.parse(Object.fromEntries(Object.entries(answers).filter(([k, v]) => keys.includes(k) && v !== "")));
}
