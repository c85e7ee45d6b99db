// A smaller copy of the public corpus (../shared/datasets) in the export's own layout, for tests that
// need *a* trainable public corpus rather than *the* corpus: training is CPU-bound and grows with the
// number of incidents. The whole corpus stays covered where the figures matter (model-cli's eval and
// its byte-for-byte retraining of the committed model).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCsv } from "../../src/corpus/csv.js";
import { DEFAULT_CORPUS_DIR, loadCorpus } from "../../src/corpus/load.js";

/** RFC 4180 quoting only: the copy must read back exactly as the original rows. */
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * Writes into `dir` the AIID incidents of the first `perSide` labelled security and `perSide` labelled
 * safety incidents (in the export's order), the MIT classifications, and the ATLAS case studies.
 */
export function writeCorpusSample(dir: string, perSide: number, from = DEFAULT_CORPUS_DIR): string {
  const corpus = loadCorpus(from);
  const aiid = corpus.items.filter((i) => i.source === "aiid");
  const keep = new Set([...aiid.filter((i) => i.domain === "security").slice(0, perSide), ...aiid.filter((i) => i.domain === "safety").slice(0, perSide)].map((i) => i.id));
  const text = readFileSync(join(from, "aiid", "incidents.csv"), "utf8");
  const all = parseCsv(text);
  const header = Object.keys(all[0] ?? {});
  const rows = all.filter((r) => keep.has(r.incident_id!));
  mkdirSync(join(dir, "aiid"), { recursive: true });
  writeFileSync(join(dir, "aiid", "incidents.csv"), [header.join(","), ...rows.map((r) => header.map((h) => cell(r[h] ?? "")).join(","))].join("\n") + "\n");
  cpSync(join(from, "aiid", "classifications_MIT.csv"), join(dir, "aiid", "classifications_MIT.csv"));
  cpSync(join(from, "atlas-case-studies"), join(dir, "atlas-case-studies"), { recursive: true });
  return dir;
}
