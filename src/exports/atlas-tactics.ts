// Which ATLAS tactics a technique serves (flows/atlas-tactics.yaml): a case study's procedure step
// names a tactic and a technique, and our refs name only techniques.
import { z } from "zod";
import { fieldProblems } from "../domain/problems.js";

const TacticId = z.string().regex(/^AML\.TA\d{4}$/);
export const AtlasTactics = z.strictObject({
  version: z.string(),
  tactics: z.record(TacticId, z.string()),
  techniques: z.record(z.string().regex(/^AML\.T\d{4}$/), z.array(TacticId).min(1)),
});
export type AtlasTactics = z.infer<typeof AtlasTactics>;

export function parseAtlasTactics(doc: unknown, file: string): AtlasTactics {
  const r = AtlasTactics.safeParse(doc);
  if (r.success) return r.data;
  throw new Error(`${file}: invalid ATLAS tactics\n  - ${fieldProblems(r.error.issues).join("\n  - ")}`);
}

/** The parent of a sub-technique (AML.T0051.001 → AML.T0051), or the id itself. */
export const parentTechnique = (id: string) => id.replace(/^(AML\.T\d{4})\.\d{3}$/, "$1");

/** The technique's first tactic in ATLAS order (a case study step names one). */
export const tacticOf = (t: AtlasTactics, technique: string): string | undefined => t.techniques[parentTechnique(technique)]?.[0];
