// Figure 2: route latency. Responders' final answers (signed clicks on the last question) arrive at the
// production web process at a steady 50 incidents/s for 30 s; the time is measured from just before a
// final click is sent to the arrival of that incident's ticket (chat.postMessage) at the fake Slack API,
// through the whole chain: ack, bot, classify + route, incident stored (Lua), job enqueued (BullMQ), the
// worker process (src/worker.ts) delivering it. Baseline: raw BullMQ add-to-process latency, at the same
// rate, in the same run (before and after ours), with a do-nothing worker of the same concurrency.
//   npm run bench:route [-- --rate 50 --seconds 30]      (--short: 15 s)
//   npm run bench:route -- --what-if-no-duplicate-scan   diagnostic: the same without the duplicate check
import { Queue } from "bullmq";
import { PREFIX, withStack, cpuDelta, waitFor, type Stack } from "./lib/stack.js";
import { RawQueues, rawLatency } from "./lib/raw.js";
import type { App } from "../src/app.js";
import { duplicateWindow, findDuplicate } from "../src/domain/duplicates.js";
import { SlackClient, clickBody, nextClick, sign, type Sent, type User } from "./lib/slack.js";
import { caseFor, keyOf, prepareAt, responder } from "./lib/scenario.js";
import { summarize, sleep } from "./lib/stats.js";
import { flag, log, ms, opt, runBench, x, type Row } from "./lib/report.js";

const RATE = opt("rate", 50);
const SECONDS = opt("seconds", flag("short") ? 15 : 30);
const RAW_SECONDS = opt("raw-seconds", 5);
const CONCURRENCY = opt("worker-concurrency", 10);
/** TURN_CONCURRENCY of the worker (conversation steps at once); 0: unset, as WORKER_CONCURRENCY. */
const TURN_CONCURRENCY = opt("turn-concurrency", 0);
/** how long to wait for the last tickets after the last final answer was sent. */
const GRACE_S = opt("grace-seconds", 60);
/** diagnostic: the web process without the duplicate check before filing (bench/lib/what-if-no-duplicate-scan.ts). */
const NO_DUP = flag("what-if-no-duplicate-scan");

async function main(details: Record<string, unknown>): Promise<Row[]> {
  return withStack({ web: true, worker: true, workerConcurrency: CONCURRENCY, ...(TURN_CONCURRENCY ? { env: { TURN_CONCURRENCY: String(TURN_CONCURRENCY) } } : {}), ...(NO_DUP ? { webPreload: ["./bench/lib/what-if-no-duplicate-scan.ts"] } : {}), rawWorker: { concurrency: CONCURRENCY } }, (st) => measure(st, details));
}

async function measure(st: Stack, details: Record<string, unknown>): Promise<Row[]> {
  const app = st.prepApp();
  const n = Math.round(RATE * SECONDS);
  const users = Array.from({ length: n + 20 }, (_, i) => responder(i, "T"));
  log(`preparing ${users.length} conversations at their last question (set-up, not measured)`);
  const shown = await prepareAt(app, users, caseFor, "scope");
  const bodies = shown.map((m, i) => {
    const k = nextClick(m, caseFor(i).answers)!;
    return clickBody(users[i]!, m, k.button, k.state, st.fake.responseUrl(""));
  });
  const client = new SlackClient(st.webPort!, 200);
  const raw = new RawQueues(st.client);

  // Warm-up, not measured: 20 incidents through the whole chain, and raw jobs.
  await Promise.all(bodies.slice(n).map((b) => client.send(sign(b))));
  await waitTickets(st, 20, 60_000, true);
  await rawLatency(raw, st.raw!, RATE, 1);
  const scanWarm = await duplicateScan(app, users[0]!);

  log(`raw BullMQ: ${RATE} jobs/s for ${RAW_SECONDS} s`);
  const rawBefore = await rawLatency(raw, st.raw!, RATE, RAW_SECONDS);

  log(`ours: ${RATE} final answers/s for ${SECONDS} s (${n} incidents)`);
  const postsBefore = (await st.fake.channelPosts()).length;
  const c0 = st.cpu();
  const sent: Array<Promise<Sent>> = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 1) await sleep(wait);
    sent.push(client.send(sign(bodies[i]!)));
  }
  const offeredSeconds = (performance.now() - t0) / 1000;
  const sentAt = performance.now();
  const acks = await Promise.all(sent);
  const failedAcks = acks.filter((a) => a.status !== 200).length;
  // What a refused final answer got (0: the connection failed), so a miss can be looked into.
  const refused = acks.filter((a) => a.status !== 200).slice(0, 5).map((a) => ({ status: a.status, ms: Math.round(a.ms), body: a.body.slice(0, 200) }));
  if (refused.length) log(`final answers not 200: ${JSON.stringify(refused)}`);
  const arrived = await waitTickets(st, 20 + n, GRACE_S * 1000 - (performance.now() - sentAt), false);
  const drainSeconds = (performance.now() - sentAt) / 1000;
  const cpu = cpuDelta(c0, st.cpu());
  // What each final answer pays for the duplicate check now that the window holds these incidents.
  const scan = await duplicateScan(app, users[0]!);

  log(`raw BullMQ again: ${RAW_SECONDS} s`);
  const rawAfter = await rawLatency(raw, st.raw!, RATE, RAW_SECONDS);

  // Where the time went, per incident: web (final click to job added), queue (added to worker start),
  // worker (start to the ticket's arrival). BullMQ stamps jobs in wall-clock ms; the monotonic clock of
  // the clicks and arrivals is mapped onto it with a pair of readings taken together.
  const wall0 = Date.now();
  const ns0 = process.hrtime.bigint();
  const wallOf = (ns: bigint) => wall0 + Number(ns - ns0) / 1e6;
  const jobs = new Map<string, { timestamp: number; processedOn?: number }>();
  for (const name of ["oncall-safety", "oncall-security"]) {
    const q = new Queue(name, { connection: st.client, prefix: PREFIX });
    for (const j of await q.getJobs(["completed"], 0, -1)) if (j?.id) jobs.set(j.id, { timestamp: j.timestamp, ...(j.processedOn ? { processedOn: j.processedOn } : {}) });
    await q.close();
  }
  const seg = { web: [] as number[], queue: [] as number[], worker: [] as number[] };

  // Join: each responder's incident (from its conversation) with the arrival of its ticket.
  const posts = (await st.fake.channelPosts()).slice(postsBefore);
  const tickets = new Map<string, bigint[]>();
  for (const p of posts) if (p.kind === "ticket" && p.incidentId) tickets.set(p.incidentId, [...(tickets.get(p.incidentId) ?? []), BigInt(p.atNs)]);
  const lat: number[] = [];
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const conv = await app.conversations.get(keyOf(users[i]!));
    const at = conv?.incidentId ? tickets.get(conv.incidentId) : undefined;
    if (!at) {
      missing++;
      continue;
    }
    lat.push(Number(at[0]! - acks[i]!.startNs) / 1e6);
    const job = jobs.get(`${conv!.incidentId}.r1`);
    if (job?.processedOn) {
      seg.web.push(job.timestamp - wallOf(acks[i]!.startNs));
      seg.queue.push(job.processedOn - job.timestamp);
      seg.worker.push(wallOf(at[0]!) - job.processedOn);
    }
  }
  const segments = { web: summarize(seg.web), queue: summarize(seg.queue), worker: summarize(seg.worker) };
  const dupes = [...tickets.values()].filter((a) => a.length > 1).length;
  if (dupes) throw new Error(`${dupes} tickets posted twice`);
  // An incident whose ticket did not arrive within the grace period counts at the grace period (a floor).
  for (let i = 0; i < missing; i++) lat.push(GRACE_S * 1000);
  await raw.close();
  client.close();

  const ours = summarize(lat);
  const base = summarize([...rawBefore, ...rawAfter]);
  const ack = summarize(acks.map((a) => a.ms));
  const perIncident = Object.fromEntries(Object.entries(cpu).filter(([k, v]) => v > 0 && k !== "raw-worker").map(([k, v]) => [k, Math.round((v / n) * 100) / 100]));
  log(`ours: p50 ${ms(ours.p50)} p99 ${ms(ours.p99)} max ${ms(ours.max)}; raw: p50 ${ms(base.p50)} p99 ${ms(base.p99)} max ${ms(base.max)}`);
  log(`CPU ms per incident: ${JSON.stringify(perIncident)}; final-answer acks p99 ${ms(ack.p99)}, ${failedAcks} not 200; ${missing} tickets missing after ${Math.round(drainSeconds)} s`);
  log(`segments (p50/p99): web ${ms(segments.web.p50)}/${ms(segments.web.p99)}, queue ${ms(segments.queue.p50)}/${ms(segments.queue.p99)}, worker to ticket ${ms(segments.worker.p50)}/${ms(segments.worker.p99)}`);
  log(`duplicate check of one final answer: ${JSON.stringify(scan)} (warm-up: ${JSON.stringify(scanWarm)})`);
  Object.assign(details, {
    rate: RATE,
    seconds: SECONDS,
    offeredSeconds: Math.round(offeredSeconds * 10) / 10,
    incidents: n,
    workerConcurrency: CONCURRENCY,
    ours,
    rawBullmq: base,
    rawBefore: summarize(rawBefore),
    rawAfter: summarize(rawAfter),
    segments,
    finalAnswerAck: ack,
    finalAnswersNot200: failedAcks,
    finalAnswersRefused: refused,
    ticketsMissing: missing,
    ticketsArrived: arrived,
    drainSeconds: Math.round(drainSeconds * 10) / 10,
    duplicateCheck: { afterWarmup: scanWarm, afterRun: scan },
    cpuMsPerIncident: perIncident,
    crossDomainNotes: posts.filter((p) => p.kind === "cross-domain").length,
  });
  return [
    { figure: `2 route p50 (${RATE}/s, ${SECONDS} s)`, ours: ms(ours.p50), baseline: ms(base.p50), ratio: x(ours.p50 / base.p50), target: "-", pass: null },
    { figure: `2 route p99 (${RATE}/s, ${SECONDS} s)`, ours: ms(ours.p99), baseline: ms(base.p99), ratio: x(ours.p99 / base.p99), target: "<= 5x raw BullMQ p99", pass: ours.p99 <= 5 * base.p99 },
    { figure: `2 route max (${RATE}/s, ${SECONDS} s)`, ours: missing ? `>${ms(ours.max)} (${missing} late)` : ms(ours.max), baseline: ms(base.max), ratio: x(ours.max / base.max), target: "-", pass: null },
    { figure: `2 final-answer ack p99 (${RATE}/s)`, ours: ms(ack.p99), baseline: "-", ratio: "-", target: "< 3 s (Slack retries)", pass: ack.p99 < 3000 && failedAcks === 0 },
  ];
}

/** Waits for `count` tickets at the fake Slack; returns how many arrived (throws on timeout if `strict`). */
async function waitTickets(st: Stack, count: number, timeoutMs: number, strict: boolean): Promise<number> {
  let got = 0;
  try {
    await waitFor(async () => {
      got = (await st.fake.channelPosts()).filter((p) => p.kind === "ticket").length;
      return got >= count;
    }, Math.max(1000, timeoutMs), () => `only ${got} of ${count} tickets arrived`, 100);
  } catch (e) {
    if (strict) throw e;
  }
  return got;
}

/** Time of what the bot does before filing a final answer (its buckets, then the exact check), and of a full scan of the window for comparison. */
async function duplicateScan(app: App, u: User): Promise<{ incidentsInWindow: number; indexMs: number; listMs: number; compareMs: number }> {
  const now = new Date();
  const report = { ...caseFor(0).answers, description: `${caseFor(0).description} ${u.id}` };
  let t0 = performance.now();
  findDuplicate(report, await app.incidents.duplicateCandidates(report, now), now);
  const indexMs = Math.round(performance.now() - t0);
  t0 = performance.now();
  const open = await app.incidents.list(duplicateWindow(now));
  const t1 = performance.now();
  findDuplicate(report, open, now);
  const t2 = performance.now();
  return { incidentsInWindow: open.length, indexMs, listMs: Math.round(t1 - t0), compareMs: Math.round(t2 - t1) };
}

await runBench(NO_DUP ? "route-what-if-no-duplicate-scan" : "route", main);
