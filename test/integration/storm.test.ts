// Issue 13: an incident storm. 200 people report the same outage within seconds, each in their own
// words; some join an incident the duplicate check offered them. Two worker processes deliver through
// the real queue on a real Redis to a fake Slack that enforces Slack's posting limit. Every report is
// stored with an id, the channel gets a handful of posts (counted by the fake, never timed), none is
// refused with a 429, nothing is lost, and the storm's parent card counts every report.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { replay } from "../../src/bot/oneshot.js";
import { draftIncident, join, type Incident } from "../../src/domain/incident.js";
import type { App } from "../../src/app.js";
import { FakeSlack, SLACK_POST_LIMIT } from "../support/fake-slack.js";
import { startRedis, type RedisServer } from "../support/redis.js";
import { CHANNEL, SLACK_ID, SLACK_TOKEN, slackCluster, type SlackCluster } from "../support/slack-cluster.js";
import { waitFor } from "../support/webhook.js";
import { DATA_LEAK_REPORT as ANSWERS } from "../support/answers.js";

const REPORTS = 200;
/** Every fourth person joins the incident they were offered instead of filing anew. */
const JOINS_EVERY = 4;
const THRESHOLD = 5;

let redis: RedisServer;
let slack: FakeSlack;
let cluster: SlackCluster | undefined;

beforeAll(async () => {
  redis = await startRedis();
  slack = await FakeSlack.start(SLACK_TOKEN);
});
afterAll(async () => {
  await slack?.stop();
  await redis?.stop();
});
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
  slack.reset();
});

const WORDS = [
  "The assistant is emailing customer records to strangers after reading a shared doc",
  "prompt injection in a google doc makes the bot leak customer data by email!!",
  "Our AI helper sent out a spreadsheet of customers, looks like an injected instruction",
  "customer records exfiltrated by the assistant, someone planted instructions in a document",
  "The copilot mailed personal data of clients to an outside address",
];

/** Person `n`'s report as the bot files it: a new incident, with the delivery job enqueued. */
async function file(app: App, n: number): Promise<Incident> {
  const r = replay({ answers: { ...ANSWERS, description: `${WORDS[n % WORDS.length]} (person ${n})` } }, app.defs);
  if (!r.ok) throw new Error(r.error);
  const reporter = { platform: "slack" as const, userId: `U0P${n}`, name: `person ${n}` };
  const draft = draftIncident({ conversationId: `storm-${n}`, reporter, answers: r.answers, classification: r.classification, routing: r.routing, now: app.clock.now() });
  const { incident } = await app.incidents.create(draft);
  await app.actions.dispatch(incident);
  return incident;
}

/** Person `n` joins incident `id` (as Filing.join does): the report is on its timeline, the channel is told. */
async function joinTo(app: App, n: number, id: string): Promise<Incident> {
  const by = { platform: "slack" as const, userId: `U0P${n}`, name: `person ${n}` };
  const stored = await app.incidents.update(id, (cur) => {
    const r = join(cur, by, `${WORDS[n % WORDS.length]} (person ${n})`, app.clock.now());
    return r.ok ? r.incident : undefined;
  });
  if (!stored) throw new Error(`could not join ${id}`);
  await app.actions.note(stored, `person ${n} reported the same`);
  return stored;
}

describe("incident storm", () => {
  it(`${REPORTS} reports of one outage, two workers, rate-limited Slack: one parent card with the count, a handful of posts, none refused, none lost`, async () => {
    cluster = slackCluster(redis.url, slack, 2, { STORM_THRESHOLD: String(THRESHOLD), STORM_EDIT_EVERY_MS: "1000" });
    const app = cluster.app;
    const filed: Incident[] = [];
    let joins = 0;
    for (let n = 0; n < REPORTS; n++) {
      if (n % JOINS_EVERY === JOINS_EVERY - 1 && filed.length) {
        // Every reporter gets an id: the one they joined.
        expect((await joinTo(app, n, filed[n % filed.length]!.id)).id).toMatch(/^INC-/);
        joins++;
      } else filed.push(await file(app, n));
    }
    expect(filed.length + joins).toBe(REPORTS);
    expect(new Set(filed.map((i) => i.id)).size).toBe(filed.length);

    // Nothing lost: every incident delivered (posted or grouped), no job failed.
    await waitFor(async () => (await app.incidents.undelivered(new Date(Date.now() + 60_000))).length === 0, "every incident delivered or grouped", 90_000);
    const listAll = () => app.incidents.list({ from: new Date(0), to: new Date(Date.now() + 86_400_000) });
    // The storm's parent is its first incident delivered (whichever worker took it): the one its children name.
    const parents = new Set((await listAll()).flatMap((i) => (i.stormOf ? [i.stormOf] : [])));
    expect(parents.size).toBe(1);
    const parentId = [...parents][0]!;
    const parentNow = () => app.incidents.get(parentId);
    // The parent's count reaches every report (each a stored incident or a joined report).
    await waitFor(async () => (await parentNow())?.storm?.reports === REPORTS && (await parentNow())?.storm?.listed === REPORTS, `${parentId}'s storm count and thread to reach ${REPORTS}`, 90_000);
    expect(await app.queue.failed()).toEqual([]);

    const all = await listAll();
    expect(all).toHaveLength(filed.length);
    expect(all.reduce((n, i) => n + i.timeline.filter((e) => e.type === "joined").length, 0)).toBe(joins);
    const parent = (await parentNow())!;
    expect(parent.storm).toMatchObject({ reports: REPORTS, incidents: filed.length });
    const children = all.filter((i) => i.stormOf);
    const posted = all.filter((i) => i.timeline.some((e) => e.type === "delivered" && e.to.startsWith("r1:ticket:")));
    // Each incident is either posted with its own card or grouped under the parent, never both, never neither.
    expect(children.length + posted.length).toBe(filed.length);
    expect(posted.length).toBeLessThanOrEqual(THRESHOLD);
    for (const c of children) {
      expect(c.stormOf).toBe(parentId);
      expect(c.timeline.filter((e) => e.type === "storm-grouped")).toEqual([expect.objectContaining({ parent: parentId })]);
      expect(c.timeline.some((e) => e.type === "delivered")).toBe(false);
    }

    // The channel: a handful of cards, the parent's showing the count, every grouped incident listed in its thread.
    const channel = CHANNEL.security;
    const top = slack.channel(channel);
    expect(top.filter((m) => m.blocks?.length).length).toBe(posted.length);
    // Besides the cards, at most a note per report joined before the storm began whose card was not up yet.
    expect(top.length).toBeLessThanOrEqual(posted.length + THRESHOLD);
    const card = top.find((m) => JSON.stringify(m.blocks ?? []).includes(parentId))!;
    expect(JSON.stringify(card.blocks)).toContain(`Storm: ${REPORTS} reports in ${filed.length} incidents`);
    const thread = slack.thread(channel, card.ts).map((m) => m.text ?? "").join("\n");
    for (const c of children) expect(thread).toContain(c.id);
    const posts = slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel);
    expect(posts.length).toBeLessThanOrEqual(40);
    // Paced under Slack's limit, as the fake counts it: never refused, never past its burst in a second.
    expect(slack.rateLimitedIn(channel)).toBe(0);
    expect(slack.maxPostsPerSecond(channel)).toBeLessThanOrEqual(SLACK_POST_LIMIT.burst);
    // Only the posted cards paged the on-call.
    expect(slack.dmOf(SLACK_ID.alan).length).toBeLessThanOrEqual(posted.length);
  });
});
