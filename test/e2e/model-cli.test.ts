// The learning loop as a user runs it: `triage eval`, `triage train` and `triage classify --jsonl`
// as processes, on the public corpus (skipped without ../shared/datasets) and on an organisation's
// own incidents in a real Redis.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusAvailable } from "../../src/corpus/load.js";
import { parseIntentModel } from "../../src/domain/intent-model.js";
import { reroute } from "../../src/domain/incident.js";
import { RedisIncidentStore } from "../../src/store/redis.js";
import { makeDraft, samplePretriage } from "../support/fixtures.js";
import { runCli } from "../support/cli.js";
import { writeCorpusSample } from "../support/corpus-sample.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { testRoster } from "../support/roster.js";

const run = runCli;

const dir = mkdtempSync(join(tmpdir(), "triage-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("classify in bulk and on long input", () => {
  it("--jsonl: one JSON result per input line, ids echoed, a bad line answered with its error", async () => {
    const lines = [
      JSON.stringify({ id: "r1", text: "an attacker got the support bot to ignore its instructions and print customer emails" }),
      "the support bot invented a refund policy and customers are quoting it",
      "{not json",
      "",
      JSON.stringify("help"),
    ];
    const r = await run(["classify", "--jsonl", "-"], `${lines.join("\n")}\n`);
    expect(r.code).toBe(0);
    const out = r.out.trim().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.line)).toEqual([1, 2, 3, 5]);
    expect(out[0]).toMatchObject({ id: "r1", primary: "security", inferred: { intent: { value: "deliberate" } } });
    expect(out[1]).toMatchObject({ primary: "safety", inferred: { failureKind: { value: "hallucination" } } });
    expect(out[2]).toEqual({ line: 3, error: expect.stringContaining("not valid JSON") });
    expect(out[3]).toMatchObject({ primary: "security", provisional: true, inferred: {} });
    expect(r.err).toContain("1 of 5 lines could not be read");
  });

  it("reads the first 4,000 characters of a long description and says so", async () => {
    const text = `Someone got the bot to ignore its instructions. ${"and then more text ".repeat(600)}`.slice(0, 10_000);
    // Two independent processes: run side by side (each one's start-up is most of its time).
    const [r, plain] = await Promise.all([run(["classify", "--json", text]), run(["classify", text])]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ truncated: { read: 4000, of: 10_000 }, inferred: { intent: { value: "deliberate" } } });
    expect(plain.out).toContain("read the first 4000 of 10000 characters");
  });
});

describe("training and evaluation refuse what they cannot do", () => {
  it("train refuses below its minimum, naming the counts", async () => {
    const r = await run(["train", "--corpus", "test/fixtures/corpus-tiny", "--out", join(dir, "tiny.json")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/labelled incidents .* at least 200, and 50 of each, are needed to train/);
  });

  it("eval and train without a corpus say where to get one", async () => {
    const cmds = ["eval", "train"];
    const runs = await Promise.all(cmds.map((cmd) => run([cmd, "--corpus", join(dir, "nowhere")])));
    for (const [i, r] of runs.entries()) {
      expect(r.code, cmds[i]).toBe(2);
      expect(r.err).toMatch(/incidents\.csv: not found.*incidentdatabase\.ai/);
    }
  });
});

describe.skipIf(!corpusAvailable())("on the public corpus (../shared/datasets)", () => {
  it("eval prints the figures the README reports, on the frozen split and the hand-written reports", async () => {
    const r = await run(["eval", "--json"]);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(o.frozenTest.n).toBeGreaterThanOrEqual(200);
    // Floors a little under the figures in the README; the run is deterministic.
    expect(o.frozenTest.primaryAccuracy).toBeGreaterThanOrEqual(0.88);
    expect(o.frozenTest.wrongDomainRate).toBeLessThanOrEqual(0.03);
    expect(o.handwritten.primaryAccuracy).toBeGreaterThanOrEqual(0.86);
    expect(o.handwritten.wrongDomainRate).toBeLessThanOrEqual(0.035);
    expect(o.handwritten.crossDomain.f1).toBeGreaterThanOrEqual(0.65);
    expect(o.frozenTest.reliability.length).toBeGreaterThan(3);
    const text = await run(["eval"]);
    expect(text.out).toContain("| frozen test split (public, never trained on) |");
  });

  it("train is deterministic and reproduces the committed model byte for byte", async () => {
    const out = join(dir, "model.json");
    const r = await run(["train", "--out", out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^wrote .*model\.json: \d+ incidents/);
    const written = readFileSync(out, "utf8");
    expect(() => parseIntentModel(JSON.parse(written), out)).not.toThrow();
    expect(written).toBe(readFileSync("flows/intent-model.json", "utf8"));
  }, 300_000); // training is CPU-bound: generous on a loaded 2-core machine
});

describe("on an organisation's own incidents (real Redis)", () => {
  let redis: RedisServer;
  let client: Redis;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    const store = new RedisIncidentStore(client, { prefix });
    const now = new Date();
    for (let i = 0; i < 6; i++) await store.create(makeDraft({ domain: i % 2 ? "safety" : "security", createdAt: new Date(now.getTime() - (i + 1) * 3_600_000), ...(i === 0 ? { pretriage: samplePretriage } : {}) }));
    // A reroute is a correction: the incident filed as safety is confirmed as security.
    const { incident } = await store.create(makeDraft({ domain: "safety", createdAt: new Date(now.getTime() - 7_200_000) }));
    const r = reroute(incident, testRoster(), { platform: "slack", userId: "U0ADA", name: "Ada" }, "it was an injected PDF after all", now);
    if (!r.ok) throw new Error(r.message);
    await store.update(incident.id, () => r.incident);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it("eval --since scores the current model on the confirmed incidents, with a confusion matrix", async () => {
    const env = { REDIS_URL: redis.url, QUEUE_PREFIX: prefix };
    // Two read-only processes: run side by side.
    const [r, text] = await Promise.all([run(["eval", "--since", "30d", "--json"], "", env), run(["eval", "--since", "30d"], "", env)]);
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out);
    expect(o).toMatchObject({ incidents: 7, confirmed: 7 });
    expect(o.intent.confusion.security.security + o.intent.confusion.security.safety + o.intent.confusion.security.none).toBe(4);
    // What was proposed at filing, kept or changed (samplePretriage: intent changed, asset kept ...).
    expect(o.atFiling).toMatchObject({ intent: { proposed: 1, kept: 0, changed: 1 }, asset: { proposed: 1, kept: 1, changed: 0 } });
    expect(text.out).toContain("7 confirmed of 7 incidents");
    expect(text.out).toContain("confusion (rows: confirmed domain; columns: proposed):");
  });

  it.skipIf(!corpusAvailable())("train --org-since adds the organisation's confirmed incidents once there are enough", async () => {
    const own = uniquePrefix();
    const store = new RedisIncidentStore(client, { prefix: own });
    for (let i = 0; i < 22; i++) await store.create(makeDraft({ domain: i % 2 ? "safety" : "security", createdAt: new Date(Date.now() - (i + 1) * 60_000) }));
    const out = join(dir, "org-model.json");
    // A third of the public corpus (200 to train on): what is tested here is the organisation's part,
    // and the whole corpus is trained on above, byte for byte. Training time grows with the corpus.
    const corpus = writeCorpusSample(join(dir, "corpus-sample"), 150);
    const r = await run(["train", "--corpus", corpus, "--org-since", "7d", "--out", out, "--json"], "", { REDIS_URL: redis.url, QUEUE_PREFIX: own });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ organisationItems: 22, publicItems: 200 });
    expect(parseIntentModel(JSON.parse(readFileSync(out, "utf8")), out).model.trainedOn).toMatchObject({ organisationItems: 22 });
  }, 300_000); // training is CPU-bound: generous on a loaded 2-core machine

  it("train --org-since refuses with too few confirmed incidents", async () => {
    const r = await run(["train", "--org-since", "30d", "--out", join(dir, "org.json")], "", { REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    expect(r.code).toBe(2);
    expect(r.err).toContain("7 confirmed incidents in the window, at least 20 are needed");
  });
});
