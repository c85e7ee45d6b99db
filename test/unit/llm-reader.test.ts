// The optional LLM reader against a local OpenAI-compatible server: what it sends, what of the reply
// it believes, and that every failure (timeout, 429, 500, garbage) leaves the offline reading alone.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { preTriage } from "../../src/domain/pretriage.js";
import { createLogger } from "../../src/log.js";
import { askLlm, type LlmSettings } from "../../src/pretriage/llm-reader.js";
import { descriptionReader } from "../../src/pretriage/read-description.js";
import { defs } from "../support/defs.js";
import { startFakeLlm, type FakeLlm } from "../support/fake-llm.js";

const TEXT = "An attacker got the support bot to ignore its instructions and it printed customer email addresses to strangers.";
const none = { value: null, confidence: 0, evidence: [] };
/** A reply in the requested schema: the attack, read correctly and quoted exactly. */
const good = {
  intent: { value: "deliberate", confidence: 0.97, evidence: ["An attacker got the support bot to ignore its instructions"] },
  attackKind: { value: "prompt-injection", confidence: 0.9, evidence: ["ignore its instructions"] },
  failureKind: none,
  asset: { value: "user-data", confidence: 0.85, evidence: ["customer email addresses"] },
  ciaLost: { value: ["confidentiality"], confidence: 0.9, evidence: ["printed customer email addresses to strangers"] },
  harm: none,
};

let llm: FakeLlm;
let settings: LlmSettings;
let lines: Array<{ level: number; msg: string; reason?: string }>;
const log = () => createLogger("info", { write: (s: string) => void lines.push(JSON.parse(s)) });
const warnings = () => lines.filter((l) => l.level === 40);
const offline = (text: string) => preTriage(text, defs().signals, defs().intent).inferred;

beforeEach(async () => {
  llm = await startFakeLlm();
  settings = { baseUrl: llm.url, model: "test-model", apiKey: "sk-test-key", timeoutMs: 2_000 };
  lines = [];
});
afterEach(async () => {
  await llm.close();
});

describe("LLM reader", () => {
  it("sends the redacted description with a strict JSON schema to {base}/chat/completions", async () => {
    llm.behave({ kind: "answer", content: good });
    await askLlm(`${TEXT} The key AKIAIOSFODNN7EXAMPLE was in the log.`, settings);
    expect(llm.requests).toHaveLength(1);
    const [req] = llm.requests;
    expect(req!.path).toBe("/v1/chat/completions");
    expect(req!.headers.authorization).toBe("Bearer sk-test-key");
    expect(req!.body).toMatchObject({ model: "test-model", temperature: 0, response_format: { type: "json_schema", json_schema: { strict: true } } });
    const schema = req!.body.response_format.json_schema.schema;
    expect(schema.required).toEqual(["intent", "attackKind", "failureKind", "asset", "ciaLost", "harm"]);
    expect(schema.properties.intent.properties.value.enum).toEqual(["deliberate", "suspected", "none", "unknown", null]);
    // Only the system prompt and the description leave: the secret does not.
    expect(req!.body.messages).toHaveLength(2);
    const sent = req!.body.messages[1].content as string;
    expect(sent).toContain("[REDACTED:aws-access-key]");
    expect(JSON.stringify(req!.body)).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });

  it("a good reply: every proposal with exact quotes is kept, and combined with the offline reading", async () => {
    llm.behave({ kind: "answer", content: good });
    const r = await askLlm(TEXT, settings);
    expect(r).toEqual({
      ok: true,
      dropped: [],
      inferred: {
        intent: good.intent,
        attackKind: good.attackKind,
        asset: good.asset,
        ciaLost: good.ciaLost,
      },
    });
    const read = await descriptionReader(settings, defs(), log())(TEXT);
    // Both see a deliberate attack: kept at the higher confidence, with both readers' evidence.
    expect(read.inferred.intent).toMatchObject({ value: "deliberate", confidence: Math.max(0.97, offline(TEXT).intent?.confidence ?? 0) });
    expect(read.inferred.intent!.evidence.length).toBeGreaterThan(0);
    expect(warnings()).toEqual([]);
  });

  it("an invented quote drops that proposal and only that one", async () => {
    llm.behave({ kind: "answer", content: { ...good, asset: { value: "model", confidence: 0.99, evidence: ["the model weights were copied"] } } });
    const r = await askLlm(TEXT, settings);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dropped).toEqual(["asset"]);
    expect(r.inferred.asset).toBeUndefined();
    expect(r.inferred.intent).toEqual(good.intent);
    // A proposal without any quote is not believed either.
    llm.behave({ kind: "answer", content: { ...good, attackKind: { value: "jailbreak", confidence: 0.99, evidence: [] } } });
    const again = await askLlm(TEXT, settings);
    expect(again.ok && again.dropped).toEqual(["attackKind"]);
  });

  it.each([
    ["malformed JSON", { kind: "raw", body: "{ this is not json" }, /malformed reply: the response body is not JSON/],
    ["content that is not JSON", { kind: "answer", content: "Sure! The intent is deliberate." }, /malformed reply: the message content is not JSON/],
    ["a value outside the contract", { kind: "answer", content: { ...good, intent: { value: "evil", confidence: 1, evidence: ["An attacker"] } } }, /malformed reply: intent\.value/],
    ["429", { kind: "status", status: 429 }, /rate limited .*429/],
    ["500", { kind: "status", status: 500 }, /HTTP 500/],
  ] as const)("%s: the offline reading alone, one warning with the reason, nothing thrown", async (_name, behaviour, reason) => {
    llm.behave(behaviour);
    const read = await descriptionReader(settings, defs(), log())(TEXT);
    expect(read.inferred).toEqual(offline(TEXT));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.reason).toMatch(reason);
  });

  it("gives up after its timeout and reads offline alone", async () => {
    llm.behave({ kind: "hang" });
    // The server never answers: the test ending at all, with this warning, shows the reader's own timeout fired.
    const read = await descriptionReader({ ...settings, timeoutMs: 150 }, defs(), log())(TEXT);
    expect(read.inferred).toEqual(offline(TEXT));
    expect(llm.requests).toHaveLength(1);
    expect(warnings().map((w) => w.reason)).toEqual(["no answer within 150 ms"]);
  });

  it("an endpoint that is not there is a warning too", async () => {
    const dead = { ...settings, baseUrl: "http://127.0.0.1:1/v1" };
    const read = await descriptionReader(dead, defs(), log())(TEXT);
    expect(read.inferred).toEqual(offline(TEXT));
    expect(warnings()[0]!.reason).toMatch(/could not be reached/);
  });

  it("without LLM settings nothing is sent: the offline model alone", async () => {
    const read = await descriptionReader(undefined, defs(), log())(TEXT);
    expect(read.inferred).toEqual(offline(TEXT));
    expect(llm.requests).toEqual([]);
  });
});
