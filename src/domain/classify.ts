// Classification: who owns an incident (by intent), which other domain it reaches, how severe it is,
// why, and which public taxonomy entries describe it. Pure: answers in, Classification out.
import { z } from "zod";
import { matches, type Flow } from "./flow.js";
import { Ref, type RefCatalog } from "./refs.js";
import { likelyOwner } from "./intent-model.js";
import { CrossDomain, Domain, Severity, type CoreAnswers } from "./vocabulary.js";

export const Classification = z.strictObject({
  primary: Domain,
  /** true while intent is unknown: routed to security until an adversary is ruled out. */
  provisional: z.boolean(),
  crossDomain: z.array(CrossDomain),
  severity: Severity,
  rationale: z.array(z.string()),
  refs: z.array(Ref),
});
export type Classification = z.infer<typeof Classification>;

const PEOPLE_FACING_ASSETS = ["physical-system", "outputs"] as const;

export interface ClassifyOptions {
  /**
   * Free text alone claims a cross-domain impact only when both sides have evidence: no intent
   * proposed means no evidence for the primary side, so the caller turns cross-domain off.
   */
  crossDomain?: boolean;
  /**
   * The intent reader's calibrated p(deliberate adversary) while intent is unanswered: the best
   * guess of the owner (security first: see likelyOwner), still provisional.
   */
  pSecurity?: number;
}

export function classify(answers: CoreAnswers, flow: Flow, refs: RefCatalog, opts: ClassifyOptions = {}): Classification {
  const rationale: string[] = [];
  const { primary, provisional } = answers.intent === undefined && opts.pSecurity !== undefined ? likelyPrimary(opts.pSecurity, rationale) : primaryDomain(answers, rationale);
  const crossDomain = opts.crossDomain === false ? [] : crossDomainImpacts(answers, primary, rationale);
  const severity = severityOf(answers, flow, rationale);
  return { primary, provisional, crossDomain, severity, rationale, refs: refsFor(answers, refs) };
}

function primaryDomain(a: CoreAnswers, why: string[]): { primary: Domain; provisional: boolean } {
  switch (a.intent) {
    case "deliberate":
      why.push("Security owns it: someone did this on purpose (intent=deliberate).");
      return { primary: "security", provisional: false };
    case "suspected":
      why.push("Security owns it: a deliberate adversary is suspected (intent=suspected).");
      return { primary: "security", provisional: false };
    case "none":
      why.push("Safety owns it: it happened under normal use with no sign of an adversary (intent=none).");
      return { primary: "safety", provisional: false };
    default:
      if (a.intent === undefined) {
        why.push("Security owns it for now: intent was not given, so it is treated as an attack until that is ruled out (security first, provisional).");
        return { primary: "security", provisional: true };
      }
      why.push("Security owns it for now: intent is not known yet, so it is treated as an attack until that is ruled out (intent=unknown; security first, provisional).");
      return { primary: "security", provisional: true };
  }
}

function likelyPrimary(pSecurity: number, why: string[]): { primary: Domain; provisional: boolean } {
  const pct = `${Math.round(pSecurity * 100)}%`;
  if (likelyOwner(pSecurity) === "safety") {
    why.push(`Probably safety, provisional: the description reads like an accident (${pct} that someone did it on purpose), but not surely enough to suggest an intent; confirm it.`);
    return { primary: "safety", provisional: true };
  }
  why.push(`Security owns it for now: intent was not given and the description does not rule out an adversary (${pct} that someone did it on purpose; security first, provisional).`);
  return { primary: "security", provisional: true };
}

function crossDomainImpacts(a: CoreAnswers, primary: Domain, why: string[]): CrossDomain[] {
  const harm = a.harm ?? [];
  const cia = a.ciaLost ?? [];
  if (primary === "security") {
    const reasons: string[] = [];
    if (harm.length) reasons.push(`people were harmed or put at risk (harm=${harm.join(",")})`);
    if (a.asset && (PEOPLE_FACING_ASSETS as readonly string[]).includes(a.asset)) {
      reasons.push(a.asset === "outputs" ? "it hit outputs people rely on (asset=outputs)" : "it hit a physical system (asset=physical-system)");
    }
    if (!reasons.length) return [];
    why.push(`Safety is copied (security->safety): ${reasons.join("; ")}.`);
    return ["security->safety"];
  }
  const reasons: string[] = [];
  if (cia.length) reasons.push(`it lost ${cia.join(", ")} of an asset (ciaLost=${cia.join(",")})`);
  if (a.exploitable === "yes") reasons.push("it left a weakness someone could exploit (exploitable=yes)");
  if (!reasons.length) return [];
  why.push(`Security is copied (safety->security): ${reasons.join("; ")}.`);
  return ["safety->security"];
}

function severityOf(a: CoreAnswers, flow: Flow, why: string[]): z.infer<typeof Severity> {
  const rule = flow.severity.rules.find((r) => matches(r.when, a));
  if (!rule) {
    why.push(`${flow.severity.default}: ${flow.severity.defaultBecause}.`);
    return flow.severity.default;
  }
  const cited = Object.keys(rule.when)
    .map((k) => `${k}=${[a[k as keyof CoreAnswers]].flat().join(",")}`)
    .join(", ");
  why.push(`${rule.severity}: ${rule.because} (${cited}).`);
  return rule.severity;
}

function refsFor(a: CoreAnswers, catalog: RefCatalog): Ref[] {
  const found = [
    ...(a.attackKind ? (catalog.attackKind[a.attackKind] ?? []) : []),
    ...(a.failureKind ? (catalog.failureKind[a.failureKind] ?? []) : []),
  ];
  // One entry per (framework, id): an attack and a failure kind may cite the same risk.
  return found.filter((r, i) => found.findIndex((o) => o.framework === r.framework && o.id === r.id) === i);
}
