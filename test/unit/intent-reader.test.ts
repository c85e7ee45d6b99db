// The intent reader (src/domain/intent-model.ts) and what the pre-triage does with it: nothing
// proposed from vague input, names that change nothing, exact quotes, calibrated abstention.
import { describe, expect, it } from "vitest";
import { maskText } from "../../src/domain/mask.js";
import { LEAN_SECURITY_FROM, compileIntentModel, likelyOwner, readIntent, type IntentModel } from "../../src/domain/intent-model.js";
import { chooseThreshold, platt, safetyTarget, trainIntentModel, DEFAULT_TRAIN_OPTIONS, type TrainItem } from "../../src/domain/intent-train.js";
import { intentCues, preTriage } from "../../src/domain/pretriage.js";
import { defs } from "../support/defs.js";

const read = (text: string) => preTriage(text, defs().signals, defs().intent);

describe("content floor: vague input proposes nothing", () => {
  const vague = ["help", "FYI", "see thread", "not sure", "it broke", "email", "question", "weird", "urgent!!", "see thread above", "pls look asap", "🤖🔥", "AI incident", "something is wrong", "please help asap the AI is broken", "not sure, maybe nothing", "URGENT: model issue in prod, details to follow", "the bot is acting weird"];
  it.each(vague)("%j", (text) => {
    const r = read(text);
    expect(r.inferred).toEqual({});
    expect(r.pSecurity).toBeUndefined();
  });

  it("a real report of a few words still gets read", () => {
    expect(read("someone got the bot to ignore its instructions").inferred.intent?.value).toBe("deliberate");
  });
});

describe("names are not features", () => {
  const vocab = { common: new Set(["the", "bot", "told", "a", "customer", "refund", "policy", "support", "our", "app", "kids"]), names: new Set(["acme"]) };

  it("masks capitalised and mixed-case names, known organisation names in lower case, links and numbers", () => {
    expect(maskText("OpenAI's ChatGPT told John Smith about acme at https://x.io/a on 12 May", vocab)).toBe(
      "<name> <name> told <name> <name> about <name> at <url> on <num> <name>",
    );
    // Ordinary words stay, capitalised or not; generic acronyms stay.
    expect(maskText("Support Bot told the Customer: AI refund Policy", vocab)).toBe("support bot told the customer ai refund policy");
    expect(maskText("YouTube Kids App", vocab)).toBe("<name> kids app");
  });

  const reports = [
    "Acme's support chatbot told a customer he could claim a bereavement refund after the flight, which is not our policy; the tribunal made us pay.",
    "Someone at Globex Corp got the HelpBot to ignore its instructions and print other customers' emails.",
    "A video call with what looked like our CFO Jane Doe told finance at Initech to wire $25m; it was a deepfake.",
    "Tesla's Autopilot kept braking hard for shadows on the I-280 after the last update.",
    "Our model weights for the Contoso ranking model showed up on a torrent site.",
  ];
  const swaps: [RegExp, string][] = [
    [/Acme/g, "Umbrella"], [/Globex Corp/g, "Wayne Enterprises"], [/HelpBot/g, "AskMax"], [/Jane Doe/g, "Wei Zhang"],
    [/Initech/g, "Stark Industries"], [/Tesla/g, "Waymo"], [/I-280/g, "M25"], [/Contoso/g, "Fabrikam"],
  ];
  it.each(reports)("swapping organisation and people's names changes no proposal: %s", (text) => {
    const swapped = swaps.reduce((t, [re, to]) => t.replace(re, to), text);
    expect(swapped).not.toBe(text);
    const a = read(text);
    const b = read(swapped);
    expect(b.pSecurity).toBe(a.pSecurity);
    const strip = (r: typeof a) => Object.fromEntries(Object.entries(r.inferred).map(([k, v]) => [k, { value: v.value, confidence: v.confidence }]));
    expect(strip(b)).toEqual(strip(a));
  });
});

describe("evidence is quoted exactly", () => {
  it("after emoji and other astral characters", () => {
    const text = "🤖 the support bot invented a refund policy and customers are quoting it 𝔸𝕀 back to us";
    const r = read(text);
    const quotes = Object.values(r.inferred).flatMap((i) => i.evidence);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(text).toContain(q);
    expect(r.inferred.failureKind?.evidence).toContain("invented");
  });
});

describe("reading and abstaining", () => {
  const model = (): IntentModel => ({
    version: 1,
    trainedOn: {},
    features: { bigrams: false, charN: [], cues: false },
    vocabulary: { common: ["stole", "keys", "bot", "wrong", "answers", "gave", "someone", "the", "our", "api"], names: [] },
    bias: 0,
    weights: { "w:stole": 6, "w:key": 1, "w:wrong": -3, "w:answer": -1 },
    calibration: { a: 1, b: 0 },
    thresholds: { security: 0.9, safety: 0.9, lexiconDeliberate: 0.97 },
    minContentWords: 3,
  });

  it("proposes a side only above its threshold, with the words that pushed it there", () => {
    const cm = compileIntentModel(model());
    const sec = readIntent("someone stole our api keys", cm, {});
    expect(sec.side).toBe("security");
    expect(sec.evidence[0]).toMatch(/stole/);
    const unsure = readIntent("someone stole the wrong keys", cm, {});
    expect(unsure.side).toBeUndefined();
    expect(unsure.abstained).toBe("below-threshold");
    expect(readIntent("stole keys", cm, {}).abstained).toBe("too-few-content-words");
  });

  it("the lexicon's sure 'deliberate' corroborates a reader that does not lean safety", () => {
    const cm = compileIntentModel(model());
    const text = "someone took the keys";
    const lex = { value: "deliberate", confidence: 0.98, evidence: ["someone took"] };
    expect(readIntent(text, cm, {}).side).toBeUndefined();
    const corroborated = readIntent(text, cm, {}, lex);
    expect(corroborated).toMatchObject({ side: "security", confidence: 0.98 });
    expect(corroborated.evidence[0]).toBe("someone took");
    expect(readIntent(text, cm, {}, { ...lex, confidence: 0.9 }).side).toBeUndefined();
    expect(readIntent("someone gave wrong answers", cm, {}, lex).side).not.toBe("security");
  });

  it("the likely owner leans security first: safety only below p = 1/3", () => {
    expect(LEAN_SECURITY_FROM).toBeCloseTo(1 / 3);
    expect(likelyOwner(0.34)).toBe("security");
    expect(likelyOwner(0.33)).toBe("safety");
  });
});

describe("training", () => {
  const items: TrainItem[] = Array.from({ length: 120 }, (_, i) => {
    const attack = i % 2 === 0;
    const filler = ["yesterday", "in production", "for several users", "after the release", "on the main site"][i % 5];
    const text = attack
      ? `someone ${["stole", "exfiltrated", "hijacked"][i % 3]} our ${["api keys", "model weights", "admin account"][i % 3]} ${filler}`
      : `the assistant ${["gave wrong answers", "misread the form", "drifted badly"][i % 3]} ${filler} after the update`;
    return { key: `t:${i}`, text, y: attack ? 1 : 0, cues: intentCues(text, defs().signals) };
  });
  const opt = { ...DEFAULT_TRAIN_OPTIONS, names: [], lambdas: [1e-3], features: [{ bigrams: true, charN: [4], cues: true }], iterations: 80, minSupport: 10 };

  it("is deterministic: the same items in any order give the same model, byte for byte", () => {
    const a = trainIntentModel(items, opt, { test: true }).model;
    const b = trainIntentModel([...items].reverse(), opt, { test: true }).model;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(readIntent("someone stole our api keys yesterday", compileIntentModel(a), {}).side).toBe("security");
  });

  it("refuses duplicate keys", () => {
    expect(() => trainIntentModel([...items, items[0]!], opt, {})).toThrow(/unique keys/);
  });

  it("chooses the lowest threshold that keeps the target precision, tolerating a one-off dip at the top", () => {
    const p = [0.99, 0.98, 0.97, 0.96, 0.9, 0.8, 0.7, 0.6];
    const pos = [true, true, true, true, true, false, true, false];
    expect(chooseThreshold(p, pos, 0.95, 2)).toBe(0.81); // 0.80 takes in the first miss: 5 of 6
    expect(chooseThreshold(p, pos.map(() => false), 0.95, 2)).toBe(1);
    // 18 of 19 at the top (0.947, half a point under 0.95) is a dip; with the next bin 38 of 39.
    const dipP = [...Array(19).fill(0.99), ...Array(20).fill(0.98), ...Array(10).fill(0.97)];
    const dipPos = dipP.map((_, i) => i !== 0 && !(i >= 39 && i % 2 === 0));
    expect(chooseThreshold(dipP, dipPos, 0.95, 10)).toBe(0.98);
    expect(safetyTarget(0.98)).toBe(0.99);
  });

  it("Platt scaling maps scores to calibrated probabilities", () => {
    const z = [-3, -2, -1, 1, 2, 3];
    const { a, b } = platt(z, [0, 0, 0, 1, 1, 1]);
    expect(a).toBeGreaterThan(0);
    expect(Math.abs(b)).toBeLessThan(0.5);
  });
});
