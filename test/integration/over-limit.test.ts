// One person filing a storm of reports: those over the report limit are stored, but the on-call channel
// gets one message for them (edited in place as they arrive), not one ticket each. Real workers, fake Slack.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { draftIncident, markLimited } from "../../src/domain/incident.js";
import { replay } from "../../src/bot/oneshot.js";
import type { App } from "../../src/app.js";
import { FakeSlack } from "../support/fake-slack.js";
import { startRedis, type RedisServer } from "../support/redis.js";
import { CHANNEL, SLACK_ID, SLACK_TOKEN, slackCluster, type SlackCluster } from "../support/slack-cluster.js";
import { waitFor } from "../support/webhook.js";
import { DATA_LEAK_REPORT as ANSWERS } from "../support/answers.js";

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


/** Files report `n` of one reporter as the bot does; past `limit` it is marked over the limit first. */
async function fileAs(app: App, n: number, limit: number) {
  const r = replay({ answers: { ...ANSWERS, description: `${ANSWERS.description} (#${n})` } }, app.defs);
  if (!r.ok) throw new Error(r.error);
  const reporter = { platform: "slack" as const, userId: "U0STORM", name: "Storm <!channel>" };
  const draft = draftIncident({ conversationId: `storm-${n}`, reporter, answers: r.answers, classification: r.classification, routing: r.routing, now: app.clock.now() });
  let { incident } = await app.incidents.create(draft);
  if (n > limit) incident = (await app.incidents.update(incident.id, (cur) => markLimited(cur, "incidents-per-reporter", "more than 10 reports per hour", app.clock.now())))!;
  await app.actions.dispatch(incident);
  return incident;
}

describe("over-limit reports", () => {
  it("a storm of 40 reports from one person, two workers: 10 tickets and one grouped message for the other 30, all stored", async () => {
    // One reporter over a limit, not a storm of many: storm grouping (issue 13) is off here.
    // Posts paced with the burst of 3 that Slack tolerates (and the fake Slack allows), still 1.1 s apart
    // after it: eleven posts in one channel and ten in one DM then take about 8.8 s instead of 12.1 s.
    cluster = slackCluster(redis.url, slack, 2, { DELIVERY_RETRY_BASE_MS: "100", DELIVERY_RETRY_MAX_MS: "500", STORM_THRESHOLD: "0", CHANNEL_POST_BURST: "3" });
    const ids: string[] = [];
    for (let n = 1; n <= 40; n++) ids.push((await fileAs(cluster.app, n, 10)).id);
    const undelivered = async () => (await cluster!.app.incidents.undelivered(new Date(Date.now() + 60_000))).length;
    await waitFor(async () => (await undelivered()) === 0, "every report delivered or grouped", 60_000);
    const top = slack.channel(CHANNEL.security);
    const group = top.filter((m) => /over the report limit/.test(m.text ?? ""));
    expect(group).toHaveLength(1);
    expect(top).toHaveLength(11);
    // The edits converge on all 30, and the reporter's name cannot ping the channel.
    await waitFor(() => /^30 reports from Storm &lt;!channel&gt;/.test(slack.channel(CHANNEL.security).find((m) => m.ts === group[0]!.ts)?.text ?? ""), "the group message to show all 30");
    const text = slack.channel(CHANNEL.security).find((m) => m.ts === group[0]!.ts)!.text!;
    for (const id of ids.slice(10, 30)) expect(text).toContain(id);
    // Nobody is paged for them: the ten pages are the first ten reports'.
    expect(slack.dmOf(SLACK_ID.alan)).toHaveLength(10);
    const all = await cluster.app.incidents.list({ from: new Date(0), to: new Date(Date.now() + 86_400_000) });
    expect(all).toHaveLength(40);
    for (const i of all.filter((x) => x.limited)) expect(i.timeline.filter((e) => e.type === "delivered" && e.to.includes(":grouped:"))).toHaveLength(1);
  });
});
