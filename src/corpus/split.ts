// The frozen test split of the public corpus: about 22% of each (source, label) stratum, picked by a
// stable hash of the item's id, written once to corpus/split.json and never used for training,
// tuning or choosing thresholds. Incidents that a newer export adds (ids not in the file) fall to
// the same hash rule, so a frozen item never changes sides.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ROOT } from "../config.js";
import { hash32 } from "../domain/intent-train.js";
import type { CorpusItem } from "./load.js";

export const TEST_SHARE = 0.22;
export const SPLIT_FILE = join(ROOT, "corpus", "split.json");

export const FrozenSplit = z.strictObject({
  note: z.string(),
  frozenAt: z.string(),
  test: z.record(z.string(), z.array(z.string())),
  /** the other ids the split was made from: ids in neither list are new and go by the hash rule */
  train: z.record(z.string(), z.array(z.string())),
});
export type FrozenSplit = z.infer<typeof FrozenSplit>;

const keyOf = (i: Pick<CorpusItem, "source" | "id">) => `${i.source}:${i.id}`;
const rank = (i: Pick<CorpusItem, "source" | "id">) => hash32(`split:${keyOf(i)}`);

/** Makes the split: per stratum, the TEST_SHARE of items with the lowest hash. */
export function makeSplit(items: CorpusItem[], frozenAt: string): FrozenSplit {
  const strata = new Map<string, CorpusItem[]>();
  for (const i of items) {
    const k = `${i.source}|${i.domain}`;
    strata.set(k, [...(strata.get(k) ?? []), i]);
  }
  const test: Record<string, string[]> = {};
  const train: Record<string, string[]> = {};
  for (const list of strata.values()) {
    const n = Math.ceil(list.length * TEST_SHARE);
    [...list].sort((a, b) => rank(a) - rank(b)).forEach((i, k) => ((k < n ? test : train)[i.source] ??= []).push(i.id));
  }
  const byId = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });
  for (const r of [test, train]) for (const s of Object.keys(r)) r[s]!.sort(byId);
  return {
    note: `Frozen test split (${Math.round(TEST_SHARE * 100)}% of each source x label stratum, lowest FNV-1a hash of "split:source:id"). Never train or tune on these ids.`,
    frozenAt,
    test,
    train,
  };
}

export function loadSplit(path = SPLIT_FILE): FrozenSplit | undefined {
  if (!existsSync(path)) return undefined;
  return FrozenSplit.parse(JSON.parse(readFileSync(path, "utf8")));
}

/** Whether an item is in the test split: listed in the frozen file, or new and picked by the hash. */
export function isTest(split: FrozenSplit, item: Pick<CorpusItem, "source" | "id">): boolean {
  if (split.test[item.source]?.includes(item.id)) return true;
  if (split.train[item.source]?.includes(item.id)) return false;
  return rank(item) % 1000 < TEST_SHARE * 1000;
}
