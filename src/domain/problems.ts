// How every data file (flow, lexicon, intent model, roster, refs, inventory, ...) names what is wrong
// in it: one line per zod issue, "field 'a.b.0': message". One place, so the files' errors read alike.
import type { z } from "zod";

/** One "field '<path>': <message>" line per issue; `root` names an issue with an empty path. */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], root = ""): string[] {
  return issues.map((i) => `field '${i.path.map(String).join(".") || root}': ${i.message}`);
}
