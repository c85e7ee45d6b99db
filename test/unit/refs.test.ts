// Every cited id must exist in the published lists (a copy of the shared taxonomy file).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { defs } from "../support/defs.js";

const published = JSON.parse(readFileSync("test/fixtures/taxonomy-published.json", "utf8")) as {
  atlas: { techniques: Record<string, string> };
  owasp_llm_2025: { items: Record<string, string> };
  nist_ai_600_1: { risks: string[] };
};

describe("taxonomy refs", () => {
  const all = [...Object.values(defs().refs.attackKind), ...Object.values(defs().refs.failureKind)].flat();
  it("cites something for every specific attack kind", () => {
    for (const [kind, refs] of Object.entries(defs().refs.attackKind)) if (kind !== "other") expect(refs.length, kind).toBeGreaterThan(0);
  });
  it.each(all.map((r) => [r.framework, r.id, r.name] as const))("%s %s exists with that name", (fw, id, name) => {
    if (fw === "atlas") expect(published.atlas.techniques[id]).toBe(name);
    if (fw === "owasp-llm") expect(published.owasp_llm_2025.items[id]).toBe(name);
    if (fw === "nist-ai-600-1") expect(published.nist_ai_600_1.risks).toContain(id);
  });
});
