// A MITRE ATLAS case study from a security incident: ATLAS documents attacks by adversaries, so a
// safety incident (no adversary) is refused rather than dressed up as one.
import type { Ref } from "../domain/refs.js";
import { AtlasCaseStudy, ATLAS_SCHEMA_SOURCE } from "./atlas-schema.js";
import { tacticOf, parentTechnique, type AtlasTactics } from "./atlas-tactics.js";
import { answerOf, clean, dateOf, descriptionOf, systemLabel, type ExportInput, type ExportResult } from "./input.js";

const ACTOR: Record<string, string> = {
  deliberate: "Unidentified adversary",
  suspected: "Suspected adversary (intent not confirmed)",
  unknown: "Unknown (intent not established)",
};

/**
 * Cited techniques as procedure steps. A parent cited together with its sub-techniques (prompt
 * injection: direct, indirect, triggered) means "one of these": the parent alone is what we know.
 */
function steps(refs: Ref[], tactics: AtlasTactics, attackKind: string | undefined) {
  const atlas = refs.filter((r) => r.framework === "atlas");
  const ids = new Set(atlas.map((r) => r.id));
  const kept = atlas.filter((r) => parentTechnique(r.id) === r.id || !ids.has(parentTechnique(r.id)));
  return kept.flatMap((r) => {
    const tactic = tacticOf(tactics, r.id);
    const how = attackKind ? ` (reported as ${attackKind})` : "";
    return tactic ? [{ tactic, technique: r.id, description: clean(`${r.name}${how}.`) }] : [];
  });
}

export function atlasCaseStudy(input: ExportInput, tactics: AtlasTactics): ExportResult<AtlasCaseStudy> {
  const i = input.incident;
  if (i.classification.primary !== "security") {
    return {
      ok: false,
      code: "WRONG_DOMAIN",
      message: `${i.id} is a safety incident (no adversary): ATLAS case studies describe attacks. Use --format avid or --format aiid for it.`,
    };
  }
  const procedure = steps(i.classification.refs, tactics, answerOf(i, "attackKind"));
  if (!procedure.length) {
    return { ok: false, code: "NO_TECHNIQUE", message: `${i.id} cites no ATLAS technique (attack kind '${answerOf(i, "attackKind") ?? "none"}'), so there is no procedure to describe.` };
  }
  const target = input.system ? systemLabel(input.system) : `${answerOf(i, "asset") ?? "an AI system"} of ${clean(input.organisation)}`;
  const record = AtlasCaseStudy.parse({
    study: {
      name: clean(i.title),
      summary: descriptionOf(i),
      "incident-date": dateOf(i.createdAt),
      "incident-date-granularity": "DATE",
      procedure,
      reporter: clean(input.organisation),
      target,
      actor: ACTOR[answerOf(i, "intent") ?? "unknown"] ?? ACTOR.unknown,
      "case-study-type": "incident",
      references: input.url ? [{ title: "Public report", url: input.url }] : [],
      "object-type": "case-study",
    },
    meta: { "schema-version": ATLAS_SCHEMA_SOURCE.version, "atlas-version": tactics.version },
  });
  return { ok: true, record };
}
