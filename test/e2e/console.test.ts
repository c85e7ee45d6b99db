// The console bot and the CLI as a user runs them: processes with piped stdin, exit codes, output.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisIncidentStore } from "../../src/store/redis.js";
import { runCli } from "../support/cli.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";

const run = runCli;

// The description brings suggestions (intent none, failure kind, asset, harm): "1" changes the first
// (intent, answered "3" = none), "y" keeps the others; then ciaLost → exploitable → ongoing → scope.
// The "0" after "2" answers the AI Act's serious effects (asked because the report names a harm): none.
const answers = ["the support bot invented a refund policy and customers are quoting it", "1", "3", "y", "0", "2", "0", "1", "3", "quit"].join("\n");

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe("console bot and CLI", () => {
  it("a typed description over 4,000 characters is cut at a word, and the terminal says so", async () => {
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(" ");
    const r = await run(["start"], [`the support bot leaked data ${words} TAILMARKER`, "cancel", "quit"].join("\n"));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/⚠ Your message was 5,\d{3} characters long; only the first 4,000 characters were kept/);
    expect(r.out).not.toContain("TAILMARKER");
  });

  it("npm start with no configuration triages from piped stdin on the embedded store", async () => {
    const r = await run(["start"], answers);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")[0]).toMatch(/^Embedded mode: in-memory store/);
    expect(r.out).toMatch(/Filed INC-\d{4}-0001: SEV2 safety/);
    expect(r.out).toContain("[#ai-safety-oncall] INC-");
  });

  it("triage chat with REDIS_URL files into Redis and delivers with in-process workers", async () => {
    const r = await run(["chat"], answers, { REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix() });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Durable mode: Redis at 127\.0\.0\.1:\d+/);
    expect(r.out).toMatch(/Filed INC-\d{4}-0001: SEV2 safety/);
    expect(r.out).toContain("[#ai-safety-oncall] INC-");
  });

  it("changes one suggestion by its number, keeps the rest with y, and stores proposed against chosen", async () => {
    const prefix = uniquePrefix();
    // "4" changes the harm suggestion (to "2" = psychological), "y" keeps intent, failure kind and asset.
    const lines = ["the support bot invented a refund policy and customers are quoting it", "4", "2", "y", "0", "2", "0", "1", "3", "quit"];
    const r = await run(["chat"], lines.join("\n"), { REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ {2}1\. Is there any sign that someone caused this on purpose\? → No, it happened under normal use \(\d+%/);
    expect(r.out).toContain("y = keep them all, a number = change that one");
    expect(r.out).toMatch(/Suggested: Financial \(\d+%, from "refund"\)/);
    expect(r.out).toMatch(/Filed INC-\d{4}-0001: SEV\d safety/);
    const client = new Redis(redis.url);
    const store = new RedisIncidentStore(client, { prefix });
    try {
      const [incident] = await store.list({ from: new Date(0), to: new Date(8e15) });
      const proposals = incident!.pretriage!.proposals;
      expect(incident!.answers).toMatchObject({ intent: "none", harm: ["psychological"] });
      expect(proposals.harm).toMatchObject({ value: ["financial"], chosen: ["psychological"], accepted: false, evidence: ["refund"] });
      expect(proposals.intent).toMatchObject({ value: "none", chosen: "none", accepted: true, evidence: expect.arrayContaining(["invented"]) });
      for (const [q, p] of Object.entries(proposals)) if (q !== "harm") expect(p, q).toMatchObject({ chosen: p.value, accepted: true });
    } finally {
      await client.quit();
    }
  });

  it("classify --json prints the documented object", async () => {
    const r = await run(["classify", "--json", "an attacker got the support bot to ignore its instructions"], "");
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(Object.keys(o)).toEqual(["primary", "provisional", "crossDomain", "severity", "confidence", "pSecurity", "inferred", "missing", "rationale", "refs"]);
    expect(o).toMatchObject({ primary: "security", inferred: { intent: { value: "deliberate" } } });
  });

  it("bad input and unknown flags: one line on stderr, exit 2", async () => {
    const bad = await run(["replay", "-"], '{"answers":{"description":"x","intent":"maybe"}}');
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split("\n")).toEqual([expect.stringContaining("answers.intent")]);
    const flag = await run(["classify", "--nope", "x"], "");
    expect(flag.code).toBe(2);
    expect(flag.err.trim().split("\n")).toHaveLength(1);
  });
});
