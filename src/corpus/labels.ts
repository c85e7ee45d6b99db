// How each public incident gets its label, by the seed paper's rule (Lin, Sun & Shroff 2025): was
// there a deliberate adversary? Then security; otherwise safety. Where a source has a field that
// answers it (MIT's intent and risk domain, ATLAS being a catalogue of attacks) the field decides;
// where it does not, or the field is ambiguous, a hand label from corpus/hand-labels.yaml decides.
// MIT's "Intent" says whether the AI's harm was intended, not whether someone attacked: where a
// review found the rule wrong (an evader, a scammer the system failed to stop), an `override`
// hand label replaces it.
// Every item carries how its label was derived, for the data card and for error analysis.
import { z } from "zod";
import type { Domain } from "../domain/vocabulary.js";

export const HandLabel = z.strictObject({
  id: z.number().int().positive(),
  domain: z.enum(["safety", "security"]),
  confidence: z.enum(["high", "low"]),
  group: z.string().max(60),
  audit: z.boolean().optional(),
  /** replaces the MIT-field rule's label (set where a review found the rule wrong for this incident) */
  override: z.boolean().optional(),
  why: z.string().max(200),
});
export type HandLabel = z.infer<typeof HandLabel>;
export const HandLabels = z.strictObject({ labels: z.array(HandLabel) });

export interface MitRow {
  intent: string;
  subdomain: string;
  entity: string;
}

export type Label =
  | { ok: true; domain: Domain; how: string; confidence: "high" | "low" }
  | { ok: false; why: string };

/** The MIT-field rule alone, or undefined where the fields do not settle it (then a hand label). */
export function mitRule(m: MitRow | undefined): { domain: Domain; how: string } | undefined {
  if (!m) return undefined;
  const malicious = m.subdomain.startsWith("4.");
  const securityFlaw = m.subdomain.startsWith("2.2");
  if (m.intent === "Intentional" && malicious) return { domain: "security", how: "mit: Intent=Intentional, risk 4.x malicious actors" };
  if (m.intent === "Unintentional" && !malicious && !securityFlaw) return { domain: "safety", how: "mit: Intent=Unintentional, no malicious-actor or attack risk" };
  return undefined;
}

/** The label of one AIID incident: MIT's fields where they settle it, else the hand label. */
export function aiidLabel(m: MitRow | undefined, hand: HandLabel | undefined): Label {
  if (hand?.override) return { ok: true, domain: hand.domain, how: `hand, replacing the MIT rule (${hand.group}): ${hand.why}`, confidence: hand.confidence };
  const rule = mitRule(m);
  if (rule) return { ok: true, ...rule, confidence: "high" };
  if (hand && !hand.audit) return { ok: true, domain: hand.domain, how: `hand (${hand.group}): ${hand.why}`, confidence: hand.confidence };
  return { ok: false, why: m ? `MIT fields ambiguous (Intent=${m.intent}, ${m.subdomain.slice(0, 4)}) and no hand label` : "no MIT row and no hand label" };
}
