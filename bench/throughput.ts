// Figure 3: throughput. Incidents fully routed per second by ONE worker process (src/worker.ts at its
// default concurrency): stored (the incident store's Lua create), enqueued (BullMQ), delivered (ticket
// card + permalink + page DM + cross-domain note at the fake Slack, each recorded on the timeline) and
// the escalation timer scheduled (a delayed job). Baseline: raw BullMQ add + process of jobs of the
// same size and options with the same concurrency and the same number of producers, measured before
// and after ours in the same run. Filing comes from the bench process the way the bot files
// (test/support/durable.ts fileIncident: classify, route, create, dispatch).
// Worker cost (issue 13): CPU ms of our worker process per incident against the minimal equivalent
// (bench/lib/raw-worker.ts, queues min-a/min-b: the same Slack calls with plain fetch, the timeline in
// one SET, the escalation timer), on incidents stored the same way, in the same run.
//   npm run bench:throughput [-- --incidents 2000 --producers 20 --worker-concurrency 10]
import { Queue } from "bullmq";
import { fileIncident, sampleDraft } from "../test/support/durable.js";
import { RawQueues } from "./lib/raw.js";
import { PREFIX, RAW_PREFIX, cpuDelta, withStack, waitFor, type Stack } from "./lib/stack.js";
import { pool } from "./lib/slack.js";
import { log, opt, pct, runBench, type Row } from "./lib/report.js";

const N = opt("incidents", 2000);
const PRODUCERS = opt("producers", 20);
const CONCURRENCY = opt("worker-concurrency", 10);

async function main(details: Record<string, unknown>): Promise<Row[]> {
  return withStack({ web: false, worker: true, workerConcurrency: CONCURRENCY, rawWorker: { concurrency: CONCURRENCY } }, (st) => measure(st, details));
}

async function measure(st: Stack, details: Record<string, unknown>): Promise<Row[]> {
  const app = st.prepApp();
  const ours = ["oncall-safety", "oncall-security"].map((q) => new Queue(q, { connection: st.client, prefix: PREFIX }));
  const counts = async (state: "completed" | "delayed" | "failed") => (await Promise.all(ours.map((q) => q.getJobCounts(state)))).reduce((a, c) => a + (c[state] ?? 0), 0);
  const raw = new RawQueues(st.client);
  let seq = 0;
  const fileOne = async () => {
    const i = seq++;
    await fileIncident(app, `bench:T0TEST:U0TP${i}:${i}`, i % 2 ? "security" : "safety");
  };

  const runOurs = async (n: number) => {
    const base = await counts("completed");
    const c0 = st.cpu();
    const t0 = performance.now();
    await pool(n, PRODUCERS, fileOne);
    const filedMs = performance.now() - t0;
    await waitFor(async () => (await counts("completed")) >= base + n, 300_000, () => `our worker did not finish ${n} incidents`, 20);
    const ms = performance.now() - t0;
    return { perSec: (n / ms) * 1000, ms, filedMs, cpu: cpuDelta(c0, st.cpu()) };
  };
  const runRaw = async (n: number) => {
    const base = await raw.completed();
    const c0 = st.cpu();
    const t0 = performance.now();
    await pool(n, PRODUCERS, async () => void (await raw.add()));
    await waitFor(async () => (await raw.completed()) >= base + n, 120_000, () => `raw worker did not finish ${n} jobs`, 20);
    const ms = performance.now() - t0;
    return { perSec: (n / ms) * 1000, ms, cpu: cpuDelta(c0, st.cpu()) };
  };

  log("warm-up (not measured)");
  await runOurs(100);
  await runRaw(500);
  log(`raw BullMQ: ${N} jobs, ${PRODUCERS} producers, ${CONCURRENCY} concurrency per queue`);
  const raw1 = await runRaw(N);
  log(`ours: ${N} incidents`);
  // Escalation timers only: reporting reminders (GDPR for the data-leak sample) are delayed jobs too.
  const escalationTimers = async () => (await Promise.all(ours.map((q) => q.getDelayed(0, -1)))).flat().filter((j) => j.name === "escalate").length;
  const delayedBefore = await escalationTimers();
  const postsBefore = (await st.fake.channelPosts()).length;
  const callsBefore = (await st.fake.stats()).calls;
  const o = await runOurs(N);
  const oursCalls = diffCalls(callsBefore, (await st.fake.stats()).calls);
  log(`raw BullMQ again`);
  const raw2 = await runRaw(N);

  // Fully routed: every incident's ticket posted once, its escalation timer waiting, nothing failed.
  const posts = (await st.fake.channelPosts()).slice(postsBefore);
  const tickets = posts.filter((p) => p.kind === "ticket");
  const distinct = new Set(tickets.map((p) => p.incidentId)).size;
  const timers = (await escalationTimers()) - delayedBefore;
  const failed = await counts("failed");
  const undelivered = (await app.incidents.undelivered(new Date(Date.now() + 3_600_000))).length;
  if (tickets.length !== N || distinct !== N || timers !== N || failed || undelivered) {
    throw new Error(`not fully routed: ${tickets.length} tickets (${distinct} distinct), ${timers} escalation timers, ${failed} failed jobs, ${undelivered} undelivered, for ${N} incidents`);
  }
  for (const q of ours) await q.close();
  await raw.close();

  // The minimal equivalent, on incidents stored the way ours were (not measured: filing is the web's).
  log(`minimal equivalent: ${N} incidents`);
  const minQueues = ["min-a", "min-b"].map((q) => new Queue(q, { connection: st.client, prefix: RAW_PREFIX }));
  const minCompleted = async () => (await Promise.all(minQueues.map((q) => q.getJobCounts("completed")))).reduce((a, c) => a + (c.completed ?? 0), 0);
  const stored: string[] = [];
  await pool(N, PRODUCERS, async () => {
    const i = seq++;
    stored.push((await app.incidents.create(sampleDraft(app, `bench:T0TEST:U0TM${i}:${i}`, i % 2 ? "security" : "safety"))).incident.id);
  });
  const minCallsBefore = (await st.fake.stats()).calls;
  const m0 = st.cpu();
  const mt0 = performance.now();
  let k = 0;
  await pool(N, PRODUCERS, async () => {
    const id = stored[k++]!;
    await minQueues[k % 2]!.add("deliver", { name: "deliver", incidentId: id, routeCount: 1 }, { jobId: `${id}.r1`, attempts: 6, backoff: { type: "notifier" }, removeOnComplete: { age: 7 * 86_400, count: 50_000 }, removeOnFail: false });
  });
  await waitFor(async () => (await minCompleted()) >= N, 300_000, () => `the minimal worker did not finish ${N} incidents`, 20);
  const minMs = performance.now() - mt0;
  const minCpu = cpuDelta(m0, st.cpu());
  const minCalls = diffCalls(minCallsBefore, (await st.fake.stats()).calls);
  for (const q of minQueues) await q.close();
  const workerMs = (o.cpu.worker ?? 0) / N;
  const minimalMs = (minCpu["raw-worker"] ?? 0) / N;
  log(`worker CPU per incident: ours ${workerMs.toFixed(2)} ms, minimal ${minimalMs.toFixed(2)} ms (${((N / minMs) * 1000).toFixed(0)}/s); Slack calls per incident: ours ${JSON.stringify(perN(oursCalls))}, minimal ${JSON.stringify(perN(minCalls))}`);

  const rawPerSec = (raw1.perSec + raw2.perSec) / 2;
  const perIncident = Object.fromEntries(Object.entries(o.cpu).filter(([k, v]) => v > 0 && k !== "raw-worker").map(([k, v]) => [k, Math.round((v / N) * 100) / 100]));
  const perRawJob = Object.fromEntries(Object.entries(raw1.cpu).filter(([k, v]) => v > 0 && k !== "worker").map(([k, v]) => [k, Math.round((v / N) * 1000) / 1000]));
  log(`ours ${o.perSec.toFixed(0)}/s (filed in ${(o.filedMs / 1000).toFixed(1)} s, routed in ${(o.ms / 1000).toFixed(1)} s); raw ${raw1.perSec.toFixed(0)}/s and ${raw2.perSec.toFixed(0)}/s`);
  log(`CPU ms per incident: ${JSON.stringify(perIncident)}; per raw job: ${JSON.stringify(perRawJob)}`);
  Object.assign(details, {
    incidents: N,
    producers: PRODUCERS,
    workerConcurrency: CONCURRENCY,
    oursPerSec: Math.round(o.perSec),
    oursSeconds: Math.round(o.ms) / 1000,
    oursFiledSeconds: Math.round(o.filedMs) / 1000,
    rawPerSec: [Math.round(raw1.perSec), Math.round(raw2.perSec)],
    cpuMsPerIncident: perIncident,
    cpuMsPerRawJob: perRawJob,
    workerCpuMsPerIncident: { ours: Math.round(workerMs * 100) / 100, minimal: Math.round(minimalMs * 100) / 100, minimalPerSec: Math.round((N / minMs) * 1000) },
    slackCallsPerIncident: { ours: perN(oursCalls), minimal: perN(minCalls) },
    check: { tickets: tickets.length, crossDomainNotes: posts.filter((p) => p.kind === "cross-domain").length, escalationTimers: timers, failed, undelivered },
  });
  return [
    { figure: "3 worker CPU per incident", ours: `${workerMs.toFixed(2)} ms`, baseline: `${minimalMs.toFixed(2)} ms minimal equivalent`, ratio: `${(workerMs / minimalMs).toFixed(2)}x`, target: "<= 2x the minimal equivalent", pass: workerMs <= 2 * minimalMs },
    { figure: `3 throughput, 1 worker (${CONCURRENCY} concurrent)`, ours: `${Math.round(o.perSec)} incidents/s`, baseline: `${Math.round(rawPerSec)} jobs/s`, ratio: pct(o.perSec / rawPerSec), target: ">= 40% of raw", pass: o.perSec >= 0.4 * rawPerSec },
  ];
}

function diffCalls(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
}
const perN = (calls: Record<string, number>) => Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, Math.round((v / N) * 100) / 100]));

await runBench("throughput", main);
