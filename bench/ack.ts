// Figure 1: interaction ack latency. Signed Slack button clicks (block_actions answering a triage
// question) through the production web process (src/web.ts: Redis app + Slack adapter, state in Redis),
// against a bare Bolt app (HTTPReceiver that only acks) on the same machine, with the same requests:
// 2,000 sequentially and 2,000 at 50 concurrent. Each click of ours is a real step: the web process
// verifies, acks and enqueues it; a worker process (src/worker.ts, as the Procfile runs it) moves the
// conversation on (Redis), edits the answered message and posts the next question to the fake Slack. The two apps are measured in alternating rounds so machine noise hits both.
//   npm run bench:ack [-- --requests 2000 --concurrency 50 --rounds 4]
import { cpuDelta, withStack, waitFor, type Stack } from "./lib/stack.js";
import { SlackClient, clickBody, nextClick, pool, sign, type User } from "./lib/slack.js";
import { caseFor, currentMessage, keyOf, prepareAt, responder } from "./lib/scenario.js";
import { summarize, type Summary } from "./lib/stats.js";
import { log, ms, opt, runBench, x, type Row } from "./lib/report.js";

const N = opt("requests", 2000);
const CONC = opt("concurrency", 50);
const ROUNDS = opt("rounds", 4);
const WARM = opt("warmup", 200);
/** clicks with the previous click's work finished before the next is sent (a diagnostic). */
const ISO = opt("isolated", 200);

interface Target {
  name: "ours" | "bare";
  client: SlackClient;
}

async function main(details: Record<string, unknown>): Promise<Row[]> {
  return withStack({ web: true, worker: true, bare: true }, (st) => measure(st, details));
}

async function measure(st: Stack, details: Record<string, unknown>): Promise<Row[]> {
  const app = st.prepApp();
  const users: User[] = Array.from({ length: N + WARM }, (_, i) => responder(i, "A"));
  const isoUsers: User[] = Array.from({ length: ISO }, (_, i) => responder(i, "I"));
  log(`preparing ${users.length} conversations at their first question (set-up, not measured)`);
  const shown = await prepareAt(app, users, caseFor, "intent");
  const first = shown.map((m, i) => {
    const k = nextClick(m, caseFor(i).answers)!;
    return clickBody(users[i]!, m, k.button, k.state, st.fake.responseUrl(""));
  });
  const isoShown = await prepareAt(app, isoUsers, caseFor, "intent");
  const isoBodies = isoShown.map((m, i) => {
    const k = nextClick(m, caseFor(i).answers)!;
    return clickBody(isoUsers[i]!, m, k.button, k.state, st.fake.responseUrl(""));
  });
  const revs = await Promise.all(users.map(async (u) => (await app.conversations.get(keyOf(u)))!.rev));

  const targets: Target[] = [
    { name: "bare", client: new SlackClient(st.barePort!, CONC) },
    { name: "ours", client: new SlackClient(st.webPort!, CONC) },
  ];
  const phases: Record<string, Record<string, Summary & { reqPerSec: number; cpuMsPerReq: Record<string, number> }>> = {};

  const runPhase = async (phase: string, bodies: string[], concurrency: number) => {
    const signed = bodies.map((b) => sign(b)); // signed now: Bolt refuses signatures older than 5 minutes
    const warm = signed.slice(N);
    const measured = signed.slice(0, N);
    // Warm-up (JIT, connections): the extra conversations, not measured.
    for (const t of targets) {
      await pool(warm.length, concurrency, async (i) => void (await t.client.send(warm[i]!)));
      if (t.name === "ours") await drain(st, warm.length);
    }
    const lat: Record<string, number[]> = { ours: [], bare: [] };
    const wall: Record<string, number> = { ours: 0, bare: 0 };
    const cpu: Record<string, Record<string, number>> = { ours: {}, bare: {} };
    let bad = 0;
    const per = Math.ceil(N / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      const slice = measured.slice(r * per, (r + 1) * per);
      for (const t of r % 2 === 0 ? targets : [...targets].reverse()) {
        const c0 = st.cpu();
        const t0 = performance.now();
        await pool(slice.length, concurrency, async (i) => {
          const res = await t.client.send(slice[i]!);
          if (res.status !== 200) bad++;
          lat[t.name]!.push(res.ms);
        });
        wall[t.name]! += performance.now() - t0;
        if (t.name === "ours") await drain(st, slice.length); // its post-ack work finishes before the next round
        const d = cpuDelta(c0, st.cpu());
        for (const [k, v] of Object.entries(d)) cpu[t.name]![k] = (cpu[t.name]![k] ?? 0) + v;
      }
    }
    if (bad) throw new Error(`${phase}: ${bad} requests did not get 200`);
    phases[phase] = {};
    for (const t of targets) {
      const s = summarize(lat[t.name]!);
      const perReq = Object.fromEntries(Object.entries(cpu[t.name]!).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round((v / N) * 1000) / 1000]));
      phases[phase]![t.name] = { ...s, reqPerSec: Math.round((N / wall[t.name]!) * 1000), cpuMsPerReq: perReq };
      log(`${phase} ${t.name}: p50 ${ms(s.p50)} p99 ${ms(s.p99)} max ${ms(s.max)}, ${phases[phase]![t.name]!.reqPerSec} req/s, cpu ms/req ${JSON.stringify(perReq)}`);
    }
  };

  log(`sequential: ${N} clicks each, ${ROUNDS} alternating rounds`);
  await runPhase("sequential", first, 1);

  // The same conversations are now one question further: click the next one, at 50 concurrent.
  const second = new Array<string>(users.length);
  await pool(users.length, 20, async (i) => {
    const u = users[i]!;
    const m = await currentMessage(app, u);
    const k = nextClick(m, caseFor(i).answers)!;
    second[i] = clickBody(u, m, k.button, k.state, st.fake.responseUrl(""));
  });
  log(`${CONC} concurrent: ${N} clicks each`);
  await runPhase("concurrent", second, CONC);

  // Diagnostic: one click at a time with the previous click's work done (a person's pace): the ack path alone.
  const iso: Record<string, number[]> = { ours: [], bare: [] };
  for (const body of isoBodies) {
    for (const t of targets) {
      const res = await t.client.send(sign(body));
      if (res.status !== 200) throw new Error(`isolated click to ${t.name}: HTTP ${res.status}`);
      iso[t.name]!.push(res.ms);
      if (t.name === "ours") await drain(st, 1, 2);
      else await new Promise((r) => setTimeout(r, 2));
    }
  }
  const isoSum = { ours: summarize(iso.ours!), bare: summarize(iso.bare!) };
  log(`isolated: ours p50 ${ms(isoSum.ours.p50)} p99 ${ms(isoSum.ours.p99)}; bare p50 ${ms(isoSum.bare.p50)} p99 ${ms(isoSum.bare.p99)}`);

  // Every click of ours was real work: each conversation moved on exactly twice, nobody saw a refusal.
  const after = await Promise.all(users.map(async (u) => (await app.conversations.get(keyOf(u)))!.rev));
  const moved = after.filter((r, i) => r === revs[i]! + 2).length;
  const stats = await st.fake.stats();
  if (moved !== users.length) throw new Error(`only ${moved} of ${users.length} conversations moved on twice`);
  if (stats.responses) throw new Error(`${stats.responses} clicks were answered with an ephemeral refusal`);
  for (const t of targets) t.client.close();

  details.phases = phases;
  details.isolated = isoSum;
  details.requests = N;
  details.concurrency = CONC;
  details.rounds = ROUNDS;
  details.check = { conversationsMovedTwice: moved, slackCalls: stats.calls };
  const seq = phases.sequential!;
  const con = phases.concurrent!;
  return [
    { figure: "1 ack p50, sequential", ours: ms(seq.ours!.p50), baseline: ms(seq.bare!.p50), ratio: x(seq.ours!.p50 / seq.bare!.p50), target: "-", pass: null },
    { figure: "1 ack p99, sequential", ours: ms(seq.ours!.p99), baseline: ms(seq.bare!.p99), ratio: x(seq.ours!.p99 / seq.bare!.p99), target: "<= 1.5x bare", pass: seq.ours!.p99 <= 1.5 * seq.bare!.p99 },
    { figure: "1 ack p99, one at a time, work drained", ours: ms(isoSum.ours.p99), baseline: ms(isoSum.bare.p99), ratio: x(isoSum.ours.p99 / isoSum.bare.p99), target: "- (diagnostic)", pass: null },
    { figure: `1 ack p50, ${CONC} concurrent`, ours: ms(con.ours!.p50), baseline: ms(con.bare!.p50), ratio: x(con.ours!.p50 / con.bare!.p50), target: "-", pass: null },
    { figure: `1 ack p99, ${CONC} concurrent`, ours: ms(con.ours!.p99), baseline: ms(con.bare!.p99), ratio: x(con.ours!.p99 / con.bare!.p99), target: "<= 1.5x bare", pass: con.ours!.p99 <= 1.5 * con.bare!.p99 },
    { figure: `1 ack max, ${CONC} concurrent`, ours: ms(con.ours!.max), baseline: ms(con.bare!.max), ratio: x(con.ours!.max / con.bare!.max), target: "far under 3 s (< 1 s)", pass: con.ours!.max < 1000 },
    { figure: `1 clicks/s, ${CONC} concurrent`, ours: `${con.ours!.reqPerSec}/s`, baseline: `${con.bare!.reqPerSec}/s`, ratio: x(con.ours!.reqPerSec / con.bare!.reqPerSec), target: "-", pass: null },
  ];
}

/** Waits until the worker has made the Slack calls of `clicks` clicks (chat.update + chat.postMessage each). */
let expected = 0;
async function drain(st: Stack, clicks: number, everyMs = 20) {
  expected += 2 * clicks;
  await waitFor(async () => {
    const s = await st.fake.stats();
    return (s.calls["chat.update"] ?? 0) + (s.calls["chat.postMessage"] ?? 0) >= expected;
  }, 60_000, () => `the worker did not finish the work of ${clicks} clicks`, everyMs);
}

await runBench("ack", main);
