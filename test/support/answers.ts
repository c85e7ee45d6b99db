// Sample answers to the triage questions, shared by every test that files a report, so a change to
// the flow is made once here and not in ten copies that drift apart. The reporting questions at the end
// (seriousEffects, highRisk, personalData, awareness) are answered so that, except DATA_LEAK_REPORT
// (a personal data breach: GDPR Art. 33), no reporting obligation applies.
type Answers = Record<string, string | string[]>;

/** A harmful output with no attacker: routes to safety. */
export const SAFETY_ANSWERS: Answers = {
  description: "The support chatbot told a customer to double their medication dose",
  intent: "none",
  failureKind: "harmful-output",
  asset: "outputs",
  ciaLost: [],
  exploitable: "no",
  harm: ["psychological"],
  ongoing: "no",
  scope: "one-user",
  seriousEffects: [],
};

/** A prompt injection against the prompts, without the description (tests type their own). */
export const INJECTION_CHOICES: Answers = {
  intent: "deliberate",
  attackKind: "prompt-injection",
  asset: "prompts-or-inputs",
  ciaLost: ["confidentiality"],
  harm: [],
  ongoing: "no",
  scope: "one-user",
  personalData: "no",
};

/** An ongoing prompt injection leaking customer records: routes to security. */
export const DATA_LEAK_REPORT: Answers = {
  description: "Prompt injection in a shared document made the assistant email out customer records",
  intent: "deliberate",
  attackKind: "prompt-injection",
  asset: "user-data",
  ciaLost: ["confidentiality"],
  harm: ["psychological"],
  ongoing: "yes",
  scope: "some-users",
  seriousEffects: [],
  personalData: "yes",
  awareness: "at-report",
};

/** An ongoing hallucination with financial harm: routes to safety. */
export const HALLUCINATION_REPORT: Answers = {
  description: "The model keeps making up refund rules after the last update",
  intent: "none",
  failureKind: "hallucination",
  asset: "outputs",
  ciaLost: [],
  exploitable: "no",
  harm: ["financial"],
  ongoing: "yes",
  scope: "many-users",
  seriousEffects: [],
};
