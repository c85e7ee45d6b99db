// How long manager summaries take as the history grows: 10k, 100k and 1M incidents over a year in a
// redis-server of our own, 7-, 30- and 90-day summaries at each size (median of 5 runs).
//   npx tsx bench/summary.ts               all sizes (1M needs ~1.5 GB of RAM for redis-server)
//   npx tsx bench/summary.ts --max 100000  stop after 100k, for a quick run
// Results: a table on stdout and bench/results/summary.json.
//
// The last 180 days hold the same incidents at every size (30 a day: a 90-day summary reads its window
// and the 90 days before it, for the trend) and the rest of each size is older history: what grows is
// only what a summary must NOT read, so flat times across sizes show that a summary reads its window,
// the one before it and the open backlog, and nothing else.
import { mkdirSync, writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import { Summaries } from "../src/bot/summaries.js";
import { ManualClock } from "../src/clock.js";
import { Incident } from "../src/domain/incident.js";
import type { Domain, Severity } from "../src/domain/vocabulary.js";
import { RedisIncidentStore } from "../src/store/redis.js";
import { startRedis } from "../test/support/redis.js";
import { testRoster } from "../test/support/roster.js";

const PREFIX = "{bench}";
const NOW = Date.parse("2026-11-24T00:00:00Z");
const DAY = 86_400_000;
const RECENT_DAYS = 180;
const RECENT_PER_DAY = 30;
const SIZES = [10_000, 100_000, 1_000_000];
const WINDOWS = [7, 30, 90];
const RUNS = 5;

const maxArg = process.argv.indexOf("--max");
const max = maxArg > 0 ? Number(process.argv[maxArg + 1]) : Infinity;
if (!(max > 0)) throw new Error("--max needs a number of incidents, e.g. --max 100000");

// A seeded generator: the same history on every run.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;

const seq = new Map<number, number>();
const actor = { platform: "slack", userId: "U0BENCH" } as const;
const REFS = [
  { framework: "atlas", id: "AML.T0051", name: "LLM Prompt Injection" },
  { framework: "owasp-llm", id: "LLM01:2025", name: "Prompt Injection" },
  { framework: "nist-ai-600-1", id: "Confabulation", name: "Confabulation" },
] as const;

/** A small but valid record, as the store would hold it after its lifecycle. */
function record(createdMs: number) {
  const year = new Date(createdMs).getUTCFullYear();
  const n = (seq.get(year) ?? 0) + 1;
  seq.set(year, n);
  const id = `INC-${year}-${String(n).padStart(4, "0")}`;
  const domain: Domain = rand() < 0.5 ? "safety" : "security";
  const severity: Severity = pick(["SEV1", "SEV2", "SEV3", "SEV3", "SEV4", "SEV4"] as const);
  const at = (m: number) => new Date(createdMs + m * 60_000).toISOString();
  const ack = Math.round(1 + rand() * 90);
  const res = ack + Math.round(rand() * 600);
  // Older incidents are done; some of the last two weeks are still being worked on.
  const status = NOW - createdMs > 14 * DAY || rand() < 0.7 ? "resolved" : pick(["open", "acknowledged"] as const);
  const timeline: unknown[] = [
    { type: "created", at: at(0), by: actor },
    { type: "routed", at: at(0), queue: `oncall-${domain}`, domain },
  ];
  if (status !== "open") timeline.push({ type: "acknowledged", at: at(ack), by: actor, person: "alan" });
  if (status === "resolved") timeline.push({ type: "resolved", at: at(res), by: actor, note: "done" });
  const crossDomain = rand() < 0.2 ? [domain === "security" ? "security->safety" : "safety->security"] : [];
  return {
    id,
    domain,
    status,
    createdMs,
    conversationId: `bench-${id}`,
    json: JSON.stringify({
      id, rev: 1, schemaVersion: 1, conversationId: `bench-${id}`, reporter: actor, title: "bench",
      answers: { description: "bench", intent: domain === "security" ? "deliberate" : "none", ...(domain === "security" ? { attackKind: "prompt-injection" } : { failureKind: "hallucination" }) },
      classification: { primary: domain, provisional: false, crossDomain, severity, rationale: [], refs: [pick(REFS)] },
      routing: { domain, queue: `oncall-${domain}`, cc: [], ackMinutes: 30 },
      status, ...(status === "open" ? {} : { assignee: "alan" }), level: 0, escalationGen: 1, routeCount: 1,
      createdAt: at(0), updatedAt: at(status === "resolved" ? res : ack),
      ...(status === "open" ? {} : { acknowledgedAt: at(ack) }), ...(status === "resolved" ? { resolvedAt: at(res) } : {}),
      timeline,
    }),
  };
}

/** Writes what RedisIncidentStore.create and update leave behind (delivered, so not in the outbox). */
async function load(redis: Redis, times: number[]) {
  const BATCH = 2000;
  for (let i = 0; i < times.length; i += BATCH) {
    const p = redis.pipeline();
    for (const t of times.slice(i, i + BATCH)) {
      const r = record(t);
      p.set(`${PREFIX}:inc:${r.id}`, r.json);
      p.set(`${PREFIX}:conv2inc:${r.conversationId}`, r.id);
      p.zadd(`${PREFIX}:idx:created`, r.createdMs, r.id);
      p.zadd(`${PREFIX}:idx:domain:${r.domain}`, r.createdMs, r.id);
      p.zadd(`${PREFIX}:idx:status:${r.status}`, r.createdMs, r.id);
    }
    await p.exec();
  }
  const p = redis.pipeline();
  for (const [year, n] of seq) p.set(`${PREFIX}:seq:${year}`, n);
  await p.exec();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1]!;

async function main() {
  Incident.parse(JSON.parse(record(NOW - DAY).json)); // the generator writes valid records
  seq.clear();
  const server = await startRedis({ appendfsync: "everysec" });
  const redis = new Redis(server.url);
  await redis.config("SET", "appendonly", "no"); // our own throw-away server: no need to persist a bulk load
  const clock = new ManualClock(NOW);
  const summaries = new Summaries({ incidents: new RedisIncidentStore(redis, { prefix: PREFIX }), roster: testRoster(), clock });
  const rows: Array<{ size: number; days: number; incidentsInWindow: number; medianMs: number; runsMs: number[] }> = [];
  let loaded = 0;
  try {
    for (const size of SIZES.filter((s) => s <= max)) {
      const t0 = performance.now();
      const times: number[] = [];
      if (loaded === 0) for (let k = 0; k < RECENT_DAYS * RECENT_PER_DAY; k++) times.push(NOW - rand() * RECENT_DAYS * DAY);
      while (loaded + times.length < size) times.push(NOW - RECENT_DAYS * DAY - rand() * (365 - RECENT_DAYS) * DAY);
      await load(redis, times);
      loaded += times.length;
      process.stderr.write(`loaded ${loaded} incidents (+${times.length} in ${Math.round(performance.now() - t0)} ms)\n`);
      for (const days of WINDOWS) {
        const runsMs: number[] = [];
        let incidentsInWindow = 0;
        // Warm-up, not measured: without it the first size pays for JIT compilation and looks slowest.
        for (let r = 0; r < RUNS; r++) await summaries.build(new Date(NOW), days);
        for (let r = 0; r < RUNS; r++) {
          const t = performance.now();
          incidentsInWindow = (await summaries.build(new Date(NOW), days)).total;
          runsMs.push(Math.round((performance.now() - t) * 10) / 10);
        }
        rows.push({ size, days, incidentsInWindow, medianMs: median(runsMs), runsMs });
      }
    }
  } finally {
    await redis.quit();
    await server.stop();
  }
  const sizes = [...new Set(rows.map((r) => r.size))];
  const cell = (size: number, days: number) => rows.find((r) => r.size === size && r.days === days)!;
  console.log(["| incidents stored | " + WINDOWS.map((d) => `${d}-day summary`).join(" | ") + " |", "|---:|" + WINDOWS.map(() => "---:").join("|") + "|"].join("\n"));
  for (const size of sizes) console.log(`| ${size.toLocaleString("en")} | ${WINDOWS.map((d) => `${cell(size, d).medianMs} ms (${cell(size, d).incidentsInWindow} in window)`).join(" | ")} |`);
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  const out = { generatedAt: new Date().toISOString(), node: process.version, runs: RUNS, recent: { days: RECENT_DAYS, perDay: RECENT_PER_DAY }, rows };
  writeFileSync(new URL("./results/summary.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  const small = sizes[0] && cell(sizes[0], 7).medianMs;
  const large = sizes.at(-1) && cell(sizes.at(-1)!, 7).medianMs;
  if (small && large) console.log(`\n7-day summary at ${sizes.at(-1)!.toLocaleString("en")} vs ${sizes[0]!.toLocaleString("en")}: ${(large / small).toFixed(2)}x`);
}

await main();
