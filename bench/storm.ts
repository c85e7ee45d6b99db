// Figure 10: an incident storm. 1,000 people report the same outage within 60 s, each in their own
// words, through the production web process's Slack endpoint (their final answer is a signed click;
// the walk up to it is set-up, not measured); the duplicate check offers some of them the incident
// already filed, and every other one of those joins it, the rest file anew. The worker delivers to a
// fake Slack that enforces Slack's posting limit (one chat.postMessage per second per channel, bursts
// of 3, then 429 + Retry-After). Storm grouping and channel pacing run with their production defaults.
// Figures: posts to the on-call channels, the most posts in one second in one channel (counted by the
// fake), the slowest reporter answer (final click sent to the DM with their incident id), and reports
// lost (no id, not stored, or neither posted nor grouped under the storm's card once the queue drained).
//   npm run bench -- --only storm        (or: npx tsx bench/storm.ts [--reports 1000 --seconds 60])
import { loadConfig } from "../src/config.js";
import type { App } from "../src/app.js";
import { cpuDelta, withStack, waitFor, type Stack } from "./lib/stack.js";
import { SlackClient, clickBody, nextClick, sign, type PostedMessage, type User } from "./lib/slack.js";
import { dmOf, prepareAt, responder, type Case } from "./lib/scenario.js";
import { sleep, summarize } from "./lib/stats.js";
import { log, ms, opt, runBench, type Row } from "./lib/report.js";

const REPORTS = opt("reports", 1000);
const SECONDS = opt("seconds", 60);
/** how long the queue may take to drain after the last report. */
const GRACE_S = opt("grace-seconds", 120);
const SLACK_LIMIT = { perSecond: 1, burst: 3 };
const TARGET = { posts: 20, perSecond: 1, answerMs: 3000 };

/** The same outage in different words: similar enough for the duplicate check now and then, not always. */
const WORDS = [
  "The assistant is emailing customer records to strangers after reading a shared document",
  "prompt injection in a shared doc makes the bot leak customer data by email",
  "Our AI helper sent out a spreadsheet of customers, looks like an injected instruction in a doc",
  "customer records exfiltrated by the assistant; someone planted instructions in a document",
  "The copilot mailed personal data of clients to an outside address",
  "assistant leaking user data over email, probably a poisoned shared file",
];
const stormCase = (i: number): Case => ({
  kind: "security",
  description: `${WORDS[i % WORDS.length]} (seen by team ${i % 37}, ticket queue ${i % 11})`,
  answers: { intent: "deliberate", attackKind: "prompt-injection", asset: "user-data", ciaLost: ["confidentiality"], harm: [], ongoing: "yes", scope: "many-users", seriousEffects: [], personalData: "no", awareness: "at-report" },
});

const ID_ANSWER = /^(Filed|Already filed|Joined) (INC-\d{4}-\d{4,})/;

async function main(details: Record<string, unknown>): Promise<Row[]> {
  // Production defaults for grouping and pacing (the other figures turn them off).
  const d = loadConfig({});
  const env = {
    STORM_THRESHOLD: String(d.STORM_THRESHOLD),
    STORM_WINDOW_MS: String(d.STORM_WINDOW_MS),
    STORM_EDIT_EVERY_MS: String(d.STORM_EDIT_EVERY_MS),
    CHANNEL_POST_INTERVAL_MS: String(d.CHANNEL_POST_INTERVAL_MS),
    CHANNEL_POST_BURST: String(d.CHANNEL_POST_BURST),
  };
  Object.assign(details, { settings: env, slackLimit: SLACK_LIMIT });
  return withStack({ web: true, worker: true, slackPostLimit: SLACK_LIMIT, env }, (st) => measure(st, details));
}

interface Outcome {
  id?: string;
  how: string;
  /** final click (or the join / file-new click) sent to the DM with the id. */
  answerMs?: number;
}

async function measure(st: Stack, details: Record<string, unknown>): Promise<Row[]> {
  const app = st.prepApp();
  const users = Array.from({ length: REPORTS }, (_, i) => responder(i, "S"));
  log(`preparing ${REPORTS} conversations at their last question (set-up, not measured)`);
  const shown = await prepareAt(app, users, stormCase, "scope");
  const client = new SlackClient(st.webPort!, 200);
  const respond = st.fake.responseUrl("");

  log(`${REPORTS} reports of one outage within ${SECONDS} s`);
  const c0 = st.cpu();
  const t0 = performance.now();
  const outcomes = await Promise.all(users.map((u, i) => report(st, client, u, i, shown[i]!, t0 + (i * SECONDS * 1000) / REPORTS, respond)));
  const reportSeconds = (performance.now() - t0) / 1000;
  client.close();

  // Drained: every incident delivered (posted or grouped) and the storm's card counting every report.
  log("waiting for the queue to drain and the storm's card to count every report");
  let state = await stormState(app, users);
  await waitFor(
    async () => {
      state = await stormState(app, users);
      return state.undelivered === 0 && state.parentReports >= state.incidents + state.joins && state.parentListed >= state.parentReports;
    },
    GRACE_S * 1000,
    () => `not drained: ${JSON.stringify(state)}`,
    500,
  ).catch((e: Error) => log(e.message));
  const drainSeconds = (performance.now() - t0) / 1000 - reportSeconds;
  const cpu = cpuDelta(c0, st.cpu());
  const cpuPerReport = Object.fromEntries(Object.entries(cpu).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round((v / REPORTS) * 10) / 10]));

  const posts = (await st.fake.channelPosts()).filter((p) => !p.channel.startsWith("D"));
  const perChannel = new Map<string, bigint[]>();
  for (const p of posts) perChannel.set(p.channel, [...(perChannel.get(p.channel) ?? []), BigInt(p.atNs)]);
  const maxPerSecond = Math.max(0, ...[...perChannel.values()].map(maxInOneSecond));
  const stats = await st.fake.stats();
  const rateLimited = Object.values(stats.rateLimited).reduce((a, b) => a + b, 0);
  const channelRateLimited = Object.entries(stats.rateLimited).filter(([c]) => !c.startsWith("D")).reduce((a, [, n]) => a + n, 0);
  const answered = outcomes.filter((o) => o.id);
  const answers = summarize(answered.map((o) => o.answerMs!));
  const failed = await app.queue.failed();
  // Lost: a report not stored (no incident, not on the joined incident's timeline), an incident neither
  // posted nor grouped once the queue drained, or a job that gave up. (Unanswered reporters: the answer row.)
  const lost = REPORTS - (state.incidents + state.joins) + state.undelivered + failed.length;
  const kinds = Object.fromEntries([...new Set(posts.map((p) => p.kind))].map((k) => [k, posts.filter((p) => p.kind === k).length]));
  const how = Object.fromEntries([...new Set(outcomes.map((o) => o.how))].map((k) => [k, outcomes.filter((o) => o.how === k).length]));

  log(`reports sent in ${reportSeconds.toFixed(1)} s, drained ${drainSeconds.toFixed(1)} s later; answers ${JSON.stringify(how)}`);
  log(`stored: ${state.incidents} incidents (${state.grouped} grouped under ${state.parent ?? "no parent"}, ${state.posted} posted) and ${state.joins} joined reports; the parent's card counts ${state.parentReports}`);
  log(`channel posts ${posts.length} ${JSON.stringify(kinds)}, most in one second in one channel ${maxPerSecond}; 429s: ${channelRateLimited} in channels, ${rateLimited - channelRateLimited} in DMs`);
  log(`reporter answers: ${answered.length} of ${REPORTS}, p50 ${ms(answers.p50)} p99 ${ms(answers.p99)} max ${ms(answers.max)}; lost ${lost}; failed jobs ${failed.length}`);
  log(`CPU ms per report: ${JSON.stringify(cpuPerReport)}`);
  Object.assign(details, {
    reports: REPORTS,
    seconds: SECONDS,
    reportSeconds: Math.round(reportSeconds * 10) / 10,
    drainSeconds: Math.round(drainSeconds * 10) / 10,
    outcomes: how,
    stored: state,
    channelPosts: posts.length,
    postKinds: kinds,
    maxPostsPerSecondPerChannel: maxPerSecond,
    rateLimited: stats.rateLimited,
    answers,
    unanswered: REPORTS - answered.length,
    cpuMsPerReport: cpuPerReport,
    failedJobs: failed.length,
    lost,
  });
  // A miss says where: the errors the web and worker processes logged.
  if (lost) log(`log lines at warn or above:\n${st.logTails(200_000).split("\n").filter((l) => /"level":(40|50|60)|^---/.test(l)).slice(-30).join("\n")}`);
  const n = `${REPORTS} reports in ${SECONDS} s`;
  return [
    { figure: `11 storm: channel posts (${n})`, ours: String(posts.length), baseline: `${REPORTS} (a card each)`, ratio: "-", target: `<= ${TARGET.posts}`, pass: posts.length <= TARGET.posts },
    { figure: "11 storm: max posts per second per channel", ours: String(maxPerSecond), baseline: `Slack's limit ${SLACK_LIMIT.perSecond}/s`, ratio: "-", target: `<= ${TARGET.perSecond}`, pass: maxPerSecond <= TARGET.perSecond },
    { figure: "11 storm: slowest reporter answer", ours: `${ms(answers.max)}${answered.length < REPORTS ? ` (${REPORTS - answered.length} unanswered)` : ""}`, baseline: "-", ratio: "-", target: "< 3 s", pass: answers.max < TARGET.answerMs && answered.length === REPORTS },
    { figure: "11 storm: lost", ours: String(lost), baseline: "-", ratio: "-", target: "0", pass: lost === 0 },
    { figure: "11 storm: 429s from Slack (channels, DMs)", ours: `${channelRateLimited}, ${rateLimited - channelRateLimited}`, baseline: "-", ratio: "-", target: "- (none lose a ticket)", pass: null },
  ];
}

/**
 * One reporter: the final answer at `at`, then whatever the bot asks until it answers with an id (the
 * duplicate question: every other reporter joins, the rest file anew).
 */
async function report(st: Stack, client: SlackClient, u: User, i: number, shown: PostedMessage, at: number, respond: string): Promise<Outcome> {
  const c = stormCase(i);
  const wait = at - performance.now();
  if (wait > 1) await sleep(wait);
  const k = nextClick(shown, c.answers)!;
  let sentAt = performance.now();
  let r = await client.send(sign(clickBody(u, shown, k.button, k.state, respond)));
  let seq = 0;
  let how = "answered";
  for (let step = 0; step < 10; step++) {
    if (r.status !== 200) return { how: `HTTP ${r.status}${r.status ? "" : ` (${r.body.slice(0, 40)})`}` };
    const m = await st.fake.next(dmOf(u), seq, 30_000);
    if (!m) return { how: "no answer within 30 s" };
    seq = m.seq;
    const id = ID_ANSWER.exec(m.text);
    if (id) return { id: id[2]!, how: `${how}: ${id[1]!.toLowerCase()}`, answerMs: performance.now() - sentAt };
    const ids = (m.blocks ?? []).flatMap((b: any) => (b.elements ?? []).map((e: any) => e.action_id as string));
    if (ids.includes("triage_join")) {
      how = "offered a duplicate";
      const button = (m.blocks ?? []).flatMap((b: any) => b.elements ?? []).find((e: any) => e.action_id === (i % 2 ? "triage_join" : "triage_file_new"));
      sentAt = performance.now();
      r = await client.send(sign(clickBody(u, m, button, {}, respond)));
      continue;
    }
    const next = nextClick(m, c.answers);
    if (!next) return { how: `ended: ${m.text.slice(0, 40)}` };
    sentAt = performance.now();
    r = await client.send(sign(clickBody(u, m, next.button, next.state, respond)));
  }
  return { how: "too many steps" };
}

/** The most posts within one whole second of the fake's clock. */
function maxInOneSecond(ats: bigint[]): number {
  const per = new Map<bigint, number>();
  for (const at of ats) per.set(at / 1_000_000_000n, (per.get(at / 1_000_000_000n) ?? 0) + 1);
  return Math.max(0, ...per.values());
}

/** What the store holds for these reporters, and the storm's parent as its card shows it. */
async function stormState(app: App, users: User[]) {
  const wanted = new Set(users.map((u) => u.id));
  const all = await app.incidents.list({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) });
  const mine = all.filter((i) => wanted.has(i.reporter.userId));
  const joins = all.reduce((n, i) => n + i.timeline.filter((e) => e.type === "joined" && wanted.has(e.by.userId)).length, 0);
  const parent = all.filter((i) => i.storm).sort((a, b) => (b.storm!.reports ?? 0) - (a.storm!.reports ?? 0))[0];
  const undelivered = (await app.incidents.undelivered(new Date(Date.now() + 60_000))).length;
  return {
    incidents: mine.length,
    joins,
    grouped: mine.filter((i) => i.stormOf).length,
    posted: mine.filter((i) => i.timeline.some((e) => e.type === "delivered" && e.to.startsWith("r1:ticket:"))).length,
    undelivered,
    ...(parent ? { parent: parent.id } : {}),
    parentReports: parent?.storm?.reports ?? 0,
    parentListed: parent?.storm?.listed ?? 0,
  };
}

await runBench("storm", main);
