// The public corpus: how it is read and labelled, the frozen split, and (where ../shared/datasets is
// beside the checkout) its size and shape. A user's fresh clone has no ../shared: those tests skip.
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/corpus/csv.js";
import { aiidLabel, mitRule } from "../../src/corpus/labels.js";
import { corpusAvailable, loadCorpus } from "../../src/corpus/load.js";
import { prepareCorpus } from "../../src/corpus/pipeline.js";
import { isTest, loadSplit, makeSplit } from "../../src/corpus/split.js";

const TINY = new URL("../fixtures/corpus-tiny", import.meta.url).pathname;

describe("reading an AI Incident Database export", () => {
  it("CSV: quoted commas, doubled quotes, line breaks inside a field, CRLF", () => {
    const rows = parseCsv('a,b\r\n1,"x, ""y""\nz"\r\n2,\n');
    expect(rows).toEqual([{ a: "1", b: 'x, "y"\nz' }, { a: "2", b: "" }]);
  });

  it("labels by the MIT fields where they settle intent, by hand where not, and says how", () => {
    expect(mitRule({ intent: "Intentional", subdomain: "4.3. Fraud", entity: "Human" })?.domain).toBe("security");
    expect(mitRule({ intent: "Unintentional", subdomain: "7.3. Lack of capability", entity: "AI" })?.domain).toBe("safety");
    expect(mitRule({ intent: "Unintentional", subdomain: "2.2. AI system security vulnerabilities", entity: "AI" })).toBeUndefined();
    expect(mitRule({ intent: "Intentional", subdomain: "1.1. Unfair discrimination", entity: "AI" })).toBeUndefined();
    const hand = { id: 7, domain: "security" as const, confidence: "high" as const, group: "rule-review", why: "evaded the filter" };
    expect(aiidLabel({ intent: "Unintentional", subdomain: "7.3.", entity: "AI" }, hand)).toMatchObject({ ok: true, domain: "safety" });
    expect(aiidLabel({ intent: "Unintentional", subdomain: "7.3.", entity: "AI" }, { ...hand, override: true })).toMatchObject({ ok: true, domain: "security", how: expect.stringContaining("replacing the MIT rule") });
    expect(aiidLabel(undefined, undefined)).toEqual({ ok: false, why: "no MIT row and no hand label" });
  });

  it("loads a folder in the export's layout, skipping what it cannot label", () => {
    const c = loadCorpus(TINY, [{ id: 4, domain: "safety", confidence: "high", group: "mit-intentional-nonmalicious", why: "a study" }]);
    expect(c.items.map((i) => [i.id, i.domain])).toEqual([["1", "safety"], ["2", "security"], ["3", "safety"], ["4", "safety"]]);
    expect(c.items[1]!.text).toBe('Voice Clone Fraud at Globex. Scammers used a cloned voice of the CEO to ask an employee for a "urgent" transfer.\nThe money was wired.');
    expect(c.items[1]!.url).toBe("https://incidentdatabase.ai/cite/2");
    expect(c.skipped).toEqual([{ source: "aiid", id: "5", why: "no MIT row and no hand label" }]);
    expect(c.names).toEqual(["acmebank", "globex"]);
  });

  it("explains where to get the corpus when the folder has none", () => {
    expect(() => loadCorpus("/nonexistent")).toThrow(/incidents\.csv: not found.*incidentdatabase\.ai/);
  });

  it("the split: a share of each stratum, stable for new ids, never both sides", () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ source: "aiid" as const, id: String(i), text: "x", domain: (i % 2 ? "safety" : "security") as "safety" | "security", how: "t", confidence: "high" as const, url: "u" }));
    const split = makeSplit(items, "2026-12-01");
    expect(split.test.aiid!.length).toBe(22);
    expect(items.filter((i) => i.domain === "security" && isTest(split, i)).length).toBe(11);
    expect(split.test.aiid!.some((id) => split.train.aiid!.includes(id))).toBe(false);
    const fresh = { source: "aiid" as const, id: "9999" };
    expect(isTest(split, fresh)).toBe(isTest(split, fresh));
    expect(JSON.stringify(makeSplit([...items].reverse(), "2026-12-01"))).toBe(JSON.stringify(split));
  });
});

describe.skipIf(!corpusAvailable())("the public corpus in ../shared/datasets (skipped without it: see corpus/README.md)", () => {
  // Read lazily: a skipped describe still runs its body when tests are collected.
  let prepared: ReturnType<typeof prepareCorpus> | undefined;
  const corpus = () => (prepared ??= prepareCorpus());

  it("is at least 600 labelled incidents from both collections, each with how it was labelled", () => {
    const p = corpus();
    expect(p.corpus.items.length).toBeGreaterThanOrEqual(600);
    expect(new Set(p.corpus.items.map((i) => i.source))).toEqual(new Set(["aiid", "atlas"]));
    for (const i of p.corpus.items) expect(i.how.length).toBeGreaterThan(3);
    const security = p.corpus.items.filter((i) => i.domain === "security").length;
    expect(security / p.corpus.items.length).toBeGreaterThan(0.3);
    expect(security / p.corpus.items.length).toBeLessThan(0.7);
  });

  it("the committed split is frozen: at least 20% of each source and label, and training never sees it", () => {
    const p = corpus();
    const split = loadSplit()!;
    expect(split).toBeDefined();
    for (const source of ["aiid", "atlas"]) {
      for (const domain of ["safety", "security"]) {
        const all = p.corpus.items.filter((i) => i.source === source && i.domain === domain);
        if (all.length < 5) continue;
        const test = all.filter((i) => isTest(split, i));
        expect(test.length / all.length, `${source} ${domain}`).toBeGreaterThanOrEqual(0.19);
      }
    }
    const testKeys = new Set([...p.test, ...p.testLowConfidence].map((i) => `${i.source}:${i.id}`));
    expect(p.train.some((i) => testKeys.has(`${i.source}:${i.id}`))).toBe(false);
    expect((p.test.length + p.testLowConfidence.length) / p.corpus.items.length).toBeGreaterThanOrEqual(0.2);
  });
});
