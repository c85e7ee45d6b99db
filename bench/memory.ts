// Figure 5: memory of the web process (src/web.ts, Redis mode, spawned as a child) idle, then with
// 1,000 and 10,000 conversations in progress: each opened through its Slack endpoint with
// `/incident <what happened>` by a different responder (the bot answers in a DM and waits for the next
// answer, its state in Redis). RSS is read from /proc/PID/status (VmRSS); the heap after a full GC
// comes from a probe preloaded into the process (bench/lib/mem-probe.ts), to tell retained memory
// from garbage. Target: conversation state costs the web process nothing that grows with the count.
//   npm run bench:memory [-- --counts 1000,5500,10000 --concurrency 50]
import { readFileSync } from "node:fs";
import { withStack, waitFor, type Stack } from "./lib/stack.js";
import { SlackClient, commandBody, pool, sign } from "./lib/slack.js";
import { caseFor, responder } from "./lib/scenario.js";
import { rssKb } from "./lib/procs.js";
import { sleep } from "./lib/stats.js";
import { args, log, opt, runBench, x, type Row } from "./lib/report.js";

const COUNTS = (() => {
  const i = args.indexOf("--counts");
  return i >= 0 ? args[i + 1]!.split(",").map(Number) : [1000, 5500, 10_000];
})();
const CONC = opt("concurrency", 50);

interface Mem {
  conversations: number;
  rssMB: number;
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
  anonMB: number;
  fileMB: number;
}

async function main(details: Record<string, unknown>): Promise<Row[]> {
  // A worker runs the conversation steps (the web process only enqueues them, issue 13): without one,
  // nobody answers. RSS and heap are still the web process's.
  return withStack({ web: true, worker: true, memProbe: true }, (st) => measure(st, details));
}

async function measure(st: Stack, details: Record<string, unknown>): Promise<Row[]> {
  const web = st.web!;
  const MB = (b: number) => Math.round((b / 1048576) * 10) / 10;
  const read = async (conversations: number): Promise<Mem> => {
    await sleep(500); // let in-flight work settle
    const m = await web.ask<{ gc: boolean; heapUsed: number; heapTotal: number; external: number }>({ type: "mem" });
    if (!m.gc) throw new Error("the memory probe has no gc(): --expose-gc missing");
    const r = { conversations, rssMB: Math.round(rssKb(web.pid) / 102.4) / 10, heapUsedMB: MB(m.heapUsed), heapTotalMB: MB(m.heapTotal), externalMB: MB(m.external), ...smaps(web.pid) };
    log(`${conversations} conversations: RSS ${r.rssMB} MB (anonymous ${r.anonMB} MB), heap after GC ${r.heapUsedMB} MB (of ${r.heapTotalMB} MB), external ${r.externalMB} MB`);
    return r;
  };

  await sleep(1000);
  const samples: Mem[] = [await read(0)];
  const client = new SlackClient(st.webPort!, CONC);
  let opened = 0;
  let failed = 0;
  const t0 = performance.now();
  for (const target of COUNTS) {
    const from = opened;
    await pool(target - from, CONC, async (k) => {
      const i = from + k;
      const r = await client.send(sign(commandBody(responder(i, "M"), caseFor(i).description, st.fake.responseUrl(""))));
      if (r.status !== 200) failed++;
    });
    opened = target;
    // The bot's first DM of each conversation has been posted: its work is done.
    await waitFor(async () => ((await st.fake.stats()).calls["chat.postMessage"] ?? 0) >= opened, 120_000, () => `the web process did not answer ${opened} commands`, 50);
    samples.push(await read(opened));
  }
  const seconds = (performance.now() - t0) / 1000;
  client.close();
  // The conversations are in Redis, in progress (waiting for their next answer).
  let stored = 0;
  let cursor = "0";
  do {
    const [next, keys] = await st.client.scan(cursor, "MATCH", "{bench}:conv:*", "COUNT", 2000);
    stored += keys.length;
    cursor = next;
  } while (cursor !== "0");
  if (failed) throw new Error(`${failed} commands did not get 200`);

  // Decisive for "nothing per conversation": after a GC, which responders' ids does the web heap still hold?
  // Control: the roster's six Slack ids are held by the process, so the scan must find all six.
  const snap = await web.ask<{ distinct: number[]; snapshotMB: number; error?: string }>({ type: "scan", patterns: ["U0M\\d{5}", "U0(?:ADA|GRACE|ALAN|HEDY|RADIA|MAYA)\\b"] }, 120_000);
  if (snap.error) throw new Error(`heap scan failed: ${snap.error}`);
  const scanned = { distinct: snap.distinct[0]!, control: snap.distinct[1]!, snapshotMB: snap.snapshotMB };
  if (scanned.control !== 6) throw new Error(`heap scan control found ${scanned.control} of the 6 roster ids: the scan does not work`);
  log(`heap snapshot (${scanned.snapshotMB} MB): ${scanned.distinct} of ${opened} responder ids still referenced (control: ${scanned.control} of 6 roster ids found)`);

  const [idle, first, last] = [samples[0]!, samples[1]!, samples.at(-1)!];
  const mid = samples.at(-2)!;
  const span = last.conversations - first.conversations;
  const heapPerConv = ((last.heapUsedMB - first.heapUsedMB) * 1048576) / span;
  // The last segment, after thousands of requests: JIT and caches warmed up.
  const heapPerConvLate = mid !== first ? ((last.heapUsedMB - mid.heapUsedMB) * 1048576) / (last.conversations - mid.conversations) : heapPerConv;
  const rssPerConv = ((last.rssMB - first.rssMB) * 1048576) / span;
  const redisUsed = Number(/used_memory:(\d+)/.exec(await st.client.info("memory"))?.[1] ?? 0);
  log(`opened ${opened} conversations in ${seconds.toFixed(0)} s; ${stored} in Redis (${MB(redisUsed)} MB used); retained heap ${heapPerConv.toFixed(0)} B and RSS ${rssPerConv.toFixed(0)} B per extra conversation`);
  Object.assign(details, {
    samples,
    storedInRedis: stored,
    redisUsedMB: MB(redisUsed),
    heapBytesPerConversation: Math.round(heapPerConv),
    heapBytesPerConversationLastSegment: Math.round(heapPerConvLate),
    rssBytesPerConversation: Math.round(rssPerConv),
    responderIdsInHeap: scanned.distinct,
    openSeconds: Math.round(seconds),
  });
  const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
  const rssPath = samples.slice(1).map((m) => m.rssMB).join(" / ");
  return [
    { figure: `5 web RSS idle`, ours: `${idle.rssMB} MB`, baseline: "-", ratio: "-", target: "-", pass: null },
    // RSS also holds V8's and malloc's high-water marks from the load itself (heap grown under garbage,
    // not returned): noisy on a shared machine; the heap after GC and the heap scan decide.
    { figure: `5 web RSS ${samples.slice(1).map((m) => k(m.conversations)).join(" / ")} conversations`, ours: `${rssPath} MB`, baseline: `${first.rssMB} MB at ${k(first.conversations)}`, ratio: x(last.rssMB / first.rssMB), target: `<= 1.25x the ${k(first.conversations)} RSS`, pass: last.rssMB <= 1.25 * first.rssMB },
    { figure: `5 heap after GC / conversation ${k(first.conversations)}->${k(last.conversations)}`, ours: `${Math.round(heapPerConv)} B (${k(mid.conversations)}->${k(last.conversations)}: ${Math.round(heapPerConvLate)} B)`, baseline: `${Math.round(redisUsed / stored)} B in Redis`, ratio: x(heapPerConv / (redisUsed / stored)), target: "~0 (< 100 B)", pass: heapPerConv < 100 },
    { figure: `5 responder ids left in web heap at ${k(last.conversations)}`, ours: `${scanned.distinct}`, baseline: `${opened} opened`, ratio: "-", target: "0", pass: scanned.distinct === 0 },
  ];
}

await runBench("memory", main);

/** Anonymous (heap, malloc) vs file-backed (code, mapped files) resident memory, from /proc/PID/smaps_rollup. */
function smaps(pid: number): { anonMB: number; fileMB: number } {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(t)?.[1] ?? 0);
    return { anonMB: Math.round(kb("Anonymous") / 102.4) / 10, fileMB: Math.round((kb("Rss") - kb("Anonymous")) / 102.4) / 10 };
  } catch {
    return { anonMB: 0, fileMB: 0 };
  }
}
