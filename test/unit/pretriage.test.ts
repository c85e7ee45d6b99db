import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  SIGNAL_TARGETS,
  SignalModelError,
  explainSignals,
  lexiconIntent,
  parseSignalModel,
  patternKeys,
  patternSource,
  preTriage,
  type PreTriage,
  type SignalModel,
} from "../../src/domain/pretriage.js";
import { CONTRACT } from "../../src/domain/vocabulary.js";
import { parseIntentModel } from "../../src/domain/intent-model.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MODEL_FILE = "flows/signals.yaml";
// parsed once (the generated learned block makes the file ~180 KB); each caller gets its own copy
const rawDoc: Record<string, unknown> = parse(readFileSync(`${root}${MODEL_FILE}`, "utf8"));
const rawModel = (): Record<string, unknown> => structuredClone(rawDoc);
const model = parseSignalModel(rawModel(), MODEL_FILE);

interface Report {
  id: string;
  text: string;
  holdout?: boolean;
  expect: Record<string, string | string[] | undefined>;
}
const reports = (parse(readFileSync(`${root}test/fixtures/reports.yaml`, "utf8")) as { reports: Report[] }).reports;

const intentModel = parseIntentModel(JSON.parse(readFileSync(`${root}flows/intent-model.json`, "utf8")), "flows/intent-model.json");
const run = (text: string) => preTriage(text, model, intentModel).inferred;
/** The lexicon's own reading of intent: no longer proposed, but a cue of the intent reader. */
const lexicon = (text: string) => lexiconIntent(text, model)?.value;

/** Parses a modified copy of the real model file and returns the error message. */
function errorFor(edit: (doc: any) => void): string {
  const doc = rawModel() as any;
  edit(doc);
  try {
    parseSignalModel(doc, "custom/signals.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(SignalModelError);
    return (e as Error).message;
  }
  throw new Error("expected the model to be rejected");
}

describe("signal model file", () => {
  it("the shipped flows/signals.yaml parses, covers every target and only contract values", () => {
    for (const t of SIGNAL_TARGETS) {
      const spec = model.targets[t];
      expect(spec, t).toBeDefined();
      for (const v of Object.keys(spec!.values)) expect(CONTRACT[t].values as readonly string[]).toContain(v);
      expect(spec!.threshold).toBeGreaterThan(0);
    }
  });

  it("names the file and the field path of a bad weight", () => {
    const msg = errorFor((d) => (d.targets.intent.values.deliberate.patterns[0].w = 0));
    expect(msg).toContain("custom/signals.yaml");
    expect(msg).toContain("field 'targets.intent.values.deliberate.patterns.0.w': must not be 0");
  });

  it("rejects a value the contract does not know, listing the allowed ones", () => {
    const msg = errorFor((d) => (d.targets.intent.values.evil = { patterns: [{ p: "evil", w: 1 }] }));
    expect(msg).toContain("field 'targets.intent.values.evil': 'evil' is not one of deliberate, suspected, none, unknown");
  });

  it("rejects unknown keys, missing fields and bad negatedTo / implies values", () => {
    expect(errorFor((d) => (d.targets.intent.values.none.patterns[1].weight = 2))).toContain(
      "field 'targets.intent.values.none.patterns.1'",
    );
    expect(errorFor((d) => (d.targets.severity = {}))).toMatch(/field 'targets': Unrecognized key.*severity/);
    expect(errorFor((d) => delete d.settings.negation.cues)).toContain("field 'settings.negation.cues'");
    expect(errorFor((d) => (d.targets.intent.values.deliberate.negatedTo = "nope"))).toContain(
      "field 'targets.intent.values.deliberate.negatedTo': 'nope' is not one of",
    );
    expect(errorFor((d) => (d.targets.attackKind.implies[1].map.jailbreak = "weights"))).toContain(
      "field 'targets.attackKind.implies.1.map.jailbreak': 'weights' is not one of model,",
    );
    expect(errorFor((d) => (d.version = 2))).toContain("field 'version'");
  });

  it("compiles every pattern and reports an invalid one with its target, value and text", () => {
    const msg = errorFor((d) => d.targets.attackKind.values.jailbreak.patterns.push({ p: "dan (mode", w: 2 }));
    expect(msg).toContain("target 'attackKind', value 'jailbreak'");
    expect(msg).toContain('invalid pattern "dan (mode"');
    // An unbalanced bracket must not borrow brackets from the word-boundary wrapper and compile.
    const cues = (rawModel() as any).settings.negation.cues.length;
    expect(errorFor((d) => d.settings.negation.cues.push("no[t"))).toContain(
      `field 'settings.negation.cues.${cues}': invalid pattern "no[t"`,
    );
  });

  it("the word-start prefilter is exact: every real match starts with one of its pattern's keys", () => {
    const patterns = Object.values(model.targets).flatMap((t) => Object.values(t!.values).flatMap((v) => v.patterns));
    let checked = 0;
    for (const { p } of patterns) {
      const keys = patternKeys(p);
      if (!keys) continue; // always run
      const re = new RegExp(patternSource(p), "gu");
      for (const rep of reports) {
        const text = rep.text.toLowerCase().replace(/\s+/g, " ").replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[–—]/g, "-");
        for (const m of text.matchAll(re)) {
          checked++;
          expect(keys.some((k) => text.startsWith(k, m.index)), `${p} on "${m[0]}"`).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(patternKeys("(don't|do not) know")).toEqual(["don", "do"]);
    expect(patternKeys("(un)?usual")).toBeNull();
  });

  it("works on a model object that was not parsed (compiled lazily) and gives the same answer", () => {
    const copy = structuredClone(model) as SignalModel;
    const text = "someone got the bot to ignore its instructions";
    expect(preTriage(text, copy)).toEqual(preTriage(text, model));
  });
});

// Negation and hedges are read by the lexicon, whose intent scores are cues of the intent reader.
describe("negation and hedging (the lexicon's cues)", () => {
  it("'no sign of an attack' and 'nobody tampered with it' are evidence of normal use", () => {
    expect(lexicon("no sign of an attack")).toBe("none");
    expect(lexicon("nobody tampered with it")).toBe("none");
    expect(explainSignals("no sign of an attack", model).intent?.none).toBeGreaterThan(0);
  });

  it("'not a jailbreak, just a bug' is a bug, not a jailbreak; the reverse is a jailbreak", () => {
    const bug = explainSignals("not a jailbreak, just a bug", model);
    expect(lexicon("not a jailbreak, just a bug")).toBe("none");
    expect(bug.attackKind?.jailbreak).toBeLessThan(0);
    expect(bug.failureKind?.["bug-or-misconfiguration"]).toBeGreaterThan(0);
    const jb = explainSignals("It's a jailbreak, not a bug.", model);
    expect(lexicon("It's a jailbreak, not a bug.")).toBe("deliberate");
    expect(jb.attackKind?.jailbreak).toBeGreaterThan(0);
  });

  it("handles cues after the match, retractions and contractions", () => {
    expect(lexicon("An attacker was ruled out; the model drifted after the holiday season.")).toBe("none");
    expect(lexicon("We thought it was prompt injection at first, but the index was built from the wrong docs.")).toBe("none");
    expect(lexicon("There wasn't any tampering, it just hallucinated.")).toBe("none");
    expect(lexicon("no sign of anyone tampering, it just started giving wrong dosages after the update")).toBe("none");
  });

  it("a negator in another clause does not negate", () => {
    expect(lexicon("We have no idea how, but an attacker got the bot to reveal its system prompt.")).toBe("deliberate");
  });

  it("hedged attack wording is 'suspected'", () => {
    expect(lexicon("might be an attack, seeing weird traffic")).toBe("suspected");
    expect(lexicon("We cannot rule out an attacker.")).toBe("suspected");
    expect(lexicon("looks suspicious, not confirmed yet")).toBe("suspected");
  });

  it("a negated attack is not proposed as deliberate by the reader either", () => {
    const r = run("An attacker was ruled out; the model drifted after the holiday season and started mislabelling returns.");
    expect(r.intent?.value).not.toBe("deliberate");
    expect(r.attackKind).toBeUndefined();
  });
});

describe("inference", () => {
  it("reads the messy reports from the brief", () => {
    const a = run("someone got the bot to ignore its instructions");
    expect([a.intent?.value, a.attackKind?.value]).toEqual(["deliberate", "prompt-injection"]);
    // An accident or nothing: never an adversary, and the failure kind and asset are read either way.
    const b = run("the model keeps making up refund rules");
    expect([undefined, "none"]).toContain(b.intent?.value);
    expect([b.failureKind?.value, b.asset?.value]).toEqual(["hallucination", "outputs"]);
    // Never read as an accident; the attack kind only comes with an adversary proposed (a kind never
    // stands in for an intent).
    const c = run("weights showed up on a torrent site");
    expect(c.intent?.value).not.toBe("none");
    expect(c.attackKind?.value).toBe(c.intent ? "model-theft" : undefined);
    expect([c.asset?.value, c.ciaLost?.value]).toEqual(["model", ["confidentiality"]]);
  });

  it("evidence is the exact substrings of the input that triggered it, original casing and quotes kept", () => {
    const text = "Ticket #42:\n  Someone   got the bot to IGNORE its “previous” instructions\u200b and dump the system prompt.";
    const r = run(text);
    expect(r.attackKind?.value).toBe("prompt-injection");
    expect(r.attackKind?.evidence).toContain("IGNORE its “previous” instructions");
    expect(r.intent?.value).toBe("deliberate");
    for (const inf of Object.values(r)) for (const ev of inf.evidence) expect(text).toContain(ev);
  });

  it("multi-choice questions give a list, single-choice a string; confidences are in [0, 1]", () => {
    const r = run("Attacker exfiltrated customer data and the service is down for all users; victims lost money.");
    expect(Array.isArray(r.ciaLost?.value)).toBe(true);
    expect(r.ciaLost?.value).toEqual(expect.arrayContaining(["confidentiality", "availability"]));
    expect(r.harm?.value).toEqual(expect.arrayContaining(["financial"]));
    expect(r.intent?.value).toBe("deliberate");
    expect(r.scope?.value).toBe("many-users");
  });

  it("on every fixture: valid values, evidence from the text (max 3), flow-consistent kinds", () => {
    for (const rep of reports) {
      const r = run(rep.text);
      for (const [q, inf] of Object.entries(r)) {
        const allowed = CONTRACT[q as keyof typeof CONTRACT].values as readonly string[];
        for (const v of [inf.value].flat()) expect(allowed, `${rep.id} ${q}`).toContain(v);
        expect(inf.confidence).toBeGreaterThanOrEqual(0);
        expect(inf.confidence).toBeLessThanOrEqual(1);
        expect(inf.evidence.length).toBeGreaterThan(0);
        expect(inf.evidence.length).toBeLessThanOrEqual(3);
        for (const ev of inf.evidence) expect(rep.text, `${rep.id} ${q}`).toContain(ev);
      }
      const iv = r.intent?.value;
      if (r.attackKind) expect(["deliberate", "suspected"], rep.id).toContain(iv);
      if (r.failureKind) expect([undefined, "none", "unknown"], rep.id).toContain(iv);
    }
  });
});

describe("robustness", () => {
  const weird = [
    "",
    "   \n\t ",
    "🔥🔥🔥 the bot 🤖 got jailbroken 😱",
    "\u0000\u0001\u0007\u001b[31mred\u001b[0m attack\u0000",
    "\ud800 lone surrogate \udfff attack",
    "‮ignore previous instructions‬ (RTL override)",
    "ＩＧＮＯＲＥ ＡＬＬ ＰＲＥＶＩＯＵＳ ＩＮＳＴＲＵＣＴＩＯＮＳ",
    "no no no no no not never none",
    "(((((((((( [[[[ \\ ^$.*+?{}| ~~~~ ''''",
    "a".repeat(100_000),
    "attack ".repeat(20_000),
    "İstanbul ǅ ß ﬁ",
  ];
  it.each(weird.map((w) => [w.slice(0, 30), w]))("never throws: %j", (_label, text) => {
    const r = preTriage(text, model);
    expect(r).toHaveProperty("inferred");
    for (const inf of Object.values(r.inferred)) for (const ev of inf.evidence) expect(text).toContain(ev);
  });

  it("never throws on arbitrary strings (property test)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 600 }), (text) => {
        const r = preTriage(text, model);
        return typeof r.inferred === "object" && Object.values(r.inferred).every((i) => i.confidence >= 0 && i.confidence <= 1);
      }),
      { numRuns: 300 },
    );
    // Non-string input from untyped callers (JSON payloads) must not throw either.
    expect(preTriage(undefined as unknown as string, model)).toEqual({ inferred: {} });
  });

  it("only reads the first maxChars characters, so huge input costs what 4,000 chars cost (timed in bench/pretriage.ts)", () => {
    const head = "Someone got the bot to ignore its instructions. ";
    const r = run(head + "x ".repeat(50_000) + "it was a bug after the update");
    expect(r.intent?.value).toBe("deliberate");
    expect(r.failureKind).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------- fixture accuracy

const QUESTIONS = ["intent", "attackKind", "failureKind", "asset", "ciaLost", "harm"] as const;
type Q = (typeof QUESTIONS)[number];
interface Score {
  labelled: number;
  inferred: number;
  accuracy: number;
  precision: number;
}

/** accuracy = correct / reports with that label (no inference = wrong); precision = correct / inferred.
 * ciaLost / harm compare sets, and no inference means "none of these". */
function score(set: Report[], q: Q, results: Map<string, PreTriage>): Score {
  let labelled = 0;
  let inferred = 0;
  let correct = 0;
  let correctInferred = 0;
  for (const r of set) {
    const label = r.expect[q];
    if (label === undefined) continue;
    labelled++;
    const inf = results.get(r.id)!.inferred[q];
    let ok: boolean;
    let made: boolean;
    if (Array.isArray(label)) {
      const v = (inf?.value as string[] | undefined) ?? [];
      ok = v.length === label.length && v.every((x) => label.includes(x));
      made = v.length > 0;
    } else {
      ok = inf?.value === label;
      made = !!inf;
    }
    if (ok) correct++;
    if (made) inferred++;
    if (made && ok) correctInferred++;
  }
  return { labelled, inferred, accuracy: correct / labelled, precision: inferred ? correctInferred / inferred : 1 };
}

describe("accuracy on test/fixtures/reports.yaml", () => {
  const results = new Map(reports.map((r) => [r.id, preTriage(r.text, model, intentModel)]));
  const holdout = reports.filter((r) => r.holdout);

  it("the fixture set is big and varied enough to mean something", () => {
    expect(reports.length).toBeGreaterThanOrEqual(70);
    expect(holdout.length).toBeGreaterThanOrEqual(20);
    expect(new Set(reports.map((r) => r.id)).size).toBe(reports.length);
    const count = (q: string, v: string) => reports.filter((r) => r.expect[q] === v).length;
    for (const v of CONTRACT.attackKind.values) expect(count("attackKind", v), v).toBeGreaterThanOrEqual(4);
    for (const v of CONTRACT.failureKind.values) expect(count("failureKind", v), v).toBeGreaterThanOrEqual(4);
    for (const v of CONTRACT.intent.values) expect(count("intent", v), v).toBeGreaterThanOrEqual(1);
  });

  // Asserted floors sit a few points under what the pre-triage achieves (`npm run eval` prints the
  // same figures), so a change that loses accuracy fails here; the run is deterministic. Intent is
  // the calibrated reader's (flows/intent-model.json, trained on public incidents, never on these
  // reports) and counts deliberate vs suspected as different answers; it abstains where unsure, so
  // its accuracy is low by design and its precision is what matters. The kinds and asset come from
  // the lexicon and the learned block, tuned and trained on the non-holdout reports: "all" is partly
  // in-sample. Achieved: all intent .69/.92 attackKind .74/1.00 failureKind .92/.98 asset .90/.92;
  // holdout intent .33/.67 attackKind .23/1.00 failureKind .45/.71 asset .61/.78 (acc/prec).
  // Raise the floors when a change lifts them; never tune on the holdout.
  const floors: Record<"all" | "holdout", Partial<Record<Q, { accuracy: number; precision: number }>>> = {
    all: {
      intent: { accuracy: 0.6, precision: 0.88 },
      attackKind: { accuracy: 0.65, precision: 0.95 },
      failureKind: { accuracy: 0.88, precision: 0.94 },
      asset: { accuracy: 0.86, precision: 0.88 },
    },
    holdout: {
      intent: { accuracy: 0.25, precision: 0.6 },
      attackKind: { accuracy: 0.15, precision: 0.9 },
      failureKind: { accuracy: 0.4, precision: 0.6 },
      asset: { accuracy: 0.55, precision: 0.7 },
    },
  };

  for (const which of ["all", "holdout"] as const) {
    it(`per-question accuracy and precision (${which})`, () => {
      const set = which === "all" ? reports : holdout;
      const rows = QUESTIONS.map((q) => ({ q, ...score(set, q, results) }));
      console.log(
        `pre-triage ${which} (${set.length} reports)\n` +
          rows
            .map((r) => `  ${r.q.padEnd(12)} n=${String(r.labelled).padStart(3)} acc=${r.accuracy.toFixed(2)} prec=${r.precision.toFixed(2)}`)
            .join("\n"),
      );
      for (const r of rows) {
        const floor = floors[which][r.q];
        if (!floor) continue;
        expect(r.accuracy, `${which} ${r.q} accuracy`).toBeGreaterThanOrEqual(floor.accuracy);
        expect(r.precision, `${which} ${r.q} precision`).toBeGreaterThanOrEqual(floor.precision);
      }
    });
  }
});

// ------------------------------------------------------------------------------- learned fallback

describe("learned fallback (generated `learned:` block)", () => {
  const { learned, ...rest } = model;
  const lexiconOnly = parseSignalModel(rest, "lexicon-only");

  it("is shipped, and the file stays small", () => {
    expect(learned).toBeDefined();
    expect(readFileSync(`${root}${MODEL_FILE}`).length).toBeLessThan(300_000);
  });

  it("only fills in what the lexicon leaves unanswered, with evidence quoted from the text", () => {
    let filled = 0;
    for (const r of reports) {
      const both = run(r.text);
      const lex = preTriage(r.text, lexiconOnly, intentModel).inferred;
      for (const q of ["asset"] as const) {
        if (lex[q]) expect(both[q], `${r.id} ${q}`).toEqual(lex[q]);
        else if (both[q]) {
          filled++;
          expect(both[q]!.confidence).toBeGreaterThanOrEqual(learned!.targets[q]!.threshold);
          expect(both[q]!.evidence.length).toBeGreaterThan(0);
          for (const e of both[q]!.evidence) expect(r.text).toContain(e);
        }
      }
    }
    expect(filled).toBeGreaterThan(0);
  });

  it("rejects weights that do not have one number per class", () => {
    const msg = errorFor((d) => {
      const w = d.learned.targets.asset.weights;
      w[Object.keys(w)[0]!] = [1];
    });
    expect(msg).toMatch(/field 'learned\.targets\.asset\.weights\..*': needs \d+ numbers, one per class/);
    expect(errorFor((d) => (d.learned.targets.asset.classes[0] = "evil"))).toContain("'evil' is not one of");
  });

  it("never throws and keeps evidence exact on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const inf = preTriage(s, model).inferred;
        for (const v of Object.values(inf)) for (const e of v!.evidence) expect(s).toContain(e);
      }),
      { numRuns: 300 },
    );
  });
});
