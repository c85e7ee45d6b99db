// The whole report on a ticket and a page (issue 16, item 1), as platform-neutral parts: the redacted
// description, every answer, and the evidence behind each suggestion the responder accepted. The
// card's existing parts already carry the rationale, refs, cross-domain impact and the link back to the
// reported message; each platform's renderer lays these out and folds what is long.
import type { Incident } from "../domain/incident.js";

export interface FullReport {
  /** as stored: secrets were redacted before it was stored. */
  description: string;
  /** "Intent: none", one per answered question, in the order they were answered. */
  answers: string[];
  /** "Failure kind: hallucination (suggested at 91% from "made up", "invented")", for accepted suggestions. */
  evidence: string[];
}

/** Short names of the contract questions (the flow's prompts are whole sentences); others show their id. */
const LABELS: Record<string, string> = {
  asset: "Asset",
  intent: "Intent",
  attackKind: "Attack kind",
  failureKind: "Failure kind",
  ciaLost: "Lost",
  exploitable: "Exploitable",
  harm: "Harm",
  ongoing: "Ongoing",
  scope: "Scope",
};
export const answerLabel = (id: string) => LABELS[id] ?? id;
const shown = (v: unknown) => (Array.isArray(v) ? (v.length ? v.join(", ") : "none") : String(v));

export function fullReport(i: Pick<Incident, "answers" | "pretriage" | "kinds">): FullReport {
  const description = typeof i.answers.description === "string" ? i.answers.description : "";
  const answers = Object.entries(i.answers)
    .filter(([id, v]) => id !== "description" && v !== undefined)
    // Kinds set after filing may be several; the answer keeps only the first.
    .map(([id, v]) => `${answerLabel(id)}: ${shown((id === "attackKind" || id === "failureKind") && i.kinds ? i.kinds : v)}`);
  const evidence = Object.entries(i.pretriage?.proposals ?? {})
    .filter(([, p]) => p.accepted)
    .map(([id, p]) => `${answerLabel(id)}: ${shown(p.value)} (suggested at ${Math.round(p.confidence * 100)}%${p.evidence.length ? ` from ${p.evidence.map((e) => `"${e}"`).join(", ")}` : ""})`);
  return { description, answers, evidence };
}
