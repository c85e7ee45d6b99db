// An incident channel is opened once even when its worker process is killed -9 after Slack created the
// channel and before the answer came back (so before anything was recorded): the successor finds the
// intent on the incident, looks the channel up by name and takes it instead of creating a second one.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { roomName } from "../../src/domain/incident-room.js";
import { fileIncident } from "../support/durable.js";
import { FakeSlack } from "../support/fake-slack.js";
import { startRedis, type RedisServer } from "../support/redis.js";
import { CHANNEL, SLACK_TOKEN, slackCluster, slackRosterDoc, type SlackCluster } from "../support/slack-cluster.js";
import { waitFor } from "../support/webhook.js";

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
  slack.release();
  await cluster?.stop();
  cluster = undefined;
  slack.reset();
});

describe("incident channel: nothing twice across a killed worker", () => {
  it("a worker killed between conversations.create and recording it: one channel, one pinned card", async () => {
    const doc = slackRosterDoc();
    // Every severity, so the sample report (whatever it is) opens one: this test is about the crash.
    Object.assign(doc.domains.security, { incidentChannel: { severities: ["SEV1", "SEV2", "SEV3", "SEV4"], slack: {} } });
    cluster = slackCluster(redis.url, slack, 1, {}, doc);
    slack.holdAfterStore("conversations.create", 1);
    const inc = await fileIncident(cluster.app, "killed-mid-create", "security");
    await waitFor(() => slack.held === 1, "Slack to create the channel and hold its answer");
    const name = roomName(inc);
    expect([...slack.channels.values()].map((c) => c.name)).toEqual([name]);
    // The intent was recorded before Slack was called.
    const before = (await cluster.app.incidents.get(inc.id))!;
    expect(before.timeline.filter((e) => e.type === "channel-opening")).toEqual([expect.objectContaining({ platform: "slack", name, attempt: 1 })]);
    expect(before.rooms).toBeUndefined();

    cluster.workers[0]!.kill9();
    slack.release(); // the answer goes nowhere: its worker is dead
    cluster.spawn();
    await waitFor(async () => (await cluster!.app.incidents.get(inc.id))?.rooms?.[0]?.ref !== undefined, "the successor to finish the incident channel");

    const after = (await cluster.app.incidents.get(inc.id))!;
    const channel = slack.channelNamed(name)!;
    expect([...slack.channels.values()]).toHaveLength(1);
    expect(slack.callsOf("conversations.create").map((c) => c.args.name)).toEqual([name]);
    expect(slack.callsOf("conversations.list").length).toBeGreaterThan(0);
    expect(after.rooms).toEqual([expect.objectContaining({ platform: "slack", address: channel.id, name })]);
    expect(after.timeline.some((e) => e.type === "channel-opening")).toBe(false);
    expect(slack.channel(channel.id).filter((m) => String(m.metadata?.event_payload?.key ?? "").startsWith(`${inc.id}.room:ticket:`))).toHaveLength(1);
    expect(channel.pins).toHaveLength(1);
    // The ticket's channel hears of it (the job's last step), once.
    const told = () => slack.thread(CHANNEL.security, slack.channel(CHANNEL.security)[0]!.ts).filter((m) => m.text?.includes(`#${name}`));
    await waitFor(() => told().length > 0, "the ticket's thread to be told");
    await waitFor(async () => (await cluster!.app.incidents.get(inc.id))!.timeline.some((e) => e.type === "delivered" && e.to.startsWith("room-slack:update:")), "that to be recorded");
    expect(told()).toHaveLength(1);
  });
});
