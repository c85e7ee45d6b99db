// Public taxonomy entries (MITRE ATLAS, OWASP LLM Top 10 2025, NIST AI 600-1) cited per attack or
// failure kind. The catalogue is data (flows/refs.yaml) so it can be revised when a taxonomy is.
import { z } from "zod";
import { fieldProblems } from "./problems.js";
import { AttackKind, FailureKind } from "./vocabulary.js";

export const Framework = z.enum(["atlas", "owasp-llm", "nist-ai-600-1"]);
export const Ref = z.strictObject({ framework: Framework, id: z.string().min(1).max(80), name: z.string().min(1).max(120) });
export type Ref = z.infer<typeof Ref>;

export const RefCatalog = z.strictObject({
  frameworks: z.record(Framework, z.strictObject({ name: z.string(), version: z.string() })),
  attackKind: z.record(AttackKind, z.array(Ref)),
  failureKind: z.record(FailureKind, z.array(Ref)),
});
export type RefCatalog = z.infer<typeof RefCatalog>;

export function parseRefCatalog(doc: unknown, file: string): RefCatalog {
  const r = RefCatalog.safeParse(doc);
  if (r.success) return r.data;
  const problems = fieldProblems(r.error.issues);
  throw new Error(`${file}: invalid reference catalogue\n  - ${problems.join("\n  - ")}`);
}
