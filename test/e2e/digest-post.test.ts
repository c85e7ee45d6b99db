// The digest reaches each platform through its notifier: Slack as text with the text chart, Teams as
// Markdown with the chart image attached, webhooks as JSON with an idempotency key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackNotifier } from "../../adapters/slack/index.js";
import { createTeamsNotifier } from "../../adapters/teams/index.js";
import type { Digest } from "../../src/digest/post.js";
import { summarize } from "../../src/domain/summary.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { WebhookNotifier } from "../../src/tickets/webhook-notifier.js";
import { startFakeConnector, type FakeConnector } from "../support/fake-connector.js";
import { FakeSlack } from "../support/fake-slack.js";
import { testRoster } from "../support/roster.js";
import { startWebhook, type FakeWebhook } from "../support/webhook.js";

let slack: FakeSlack;
let connector: FakeConnector;
let hook: FakeWebhook;
beforeAll(async () => {
  slack = await FakeSlack.start("xoxb-digest");
  connector = await startFakeConnector();
  hook = await startWebhook();
});
afterAll(async () => {
  await slack.stop();
  await connector.close();
  await hook.close();
});

const window = { from: new Date("2026-11-17T00:00:00Z"), to: new Date("2026-11-24T00:00:00Z") };
const summary = summarize([], [], window, { now: window.to, ackTargets: () => 15 });
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const digest = (to: Digest["to"]): Digest => ({ summary, png, text: "*AI incidents, last 7 days*\n• total 0", to, scheduledAt: "2026-11-24T08:00:00.000Z" });

describe("digest delivery", () => {
  it("goes to each destination through its platform's notifier", async () => {
    const router = new NotifierRouter([
      createSlackNotifier({ botToken: "xoxb-digest", apiUrl: slack.apiUrl }),
      createTeamsNotifier({ roster: testRoster() }),
      new WebhookNotifier(),
    ]);
    await router.postDigest(digest({ platform: "slack", address: "C0MANAGERS" }));
    await router.postDigest(digest({ platform: "teams", address: "19:managers@thread.tacv2", serviceUrl: connector.url }));
    await router.postDigest(digest({ platform: "webhook", address: `${hook.url}/digest` }));

    const posted = slack.calls.find((c) => c.method === "chat.postMessage");
    expect(posted?.args).toMatchObject({ channel: "C0MANAGERS", text: expect.stringContaining("AI incidents, last 7 days") });
    const sent = connector.calls.find((c) => c.kind === "send");
    expect(sent?.conversationId).toBe("19:managers@thread.tacv2");
    expect(sent?.body.text).toContain("**AI incidents, last 7 days**");
    expect(sent?.body.attachments[0]).toMatchObject({ contentType: "image/png", contentUrl: `data:image/png;base64,${png.toString("base64")}` });
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({ path: "/digest", key: "digest.2026-11-24T08:00:00.000Z", body: { kind: "digest", summary: { total: 0 } } });
  });

  it("a platform without a notifier is a permanent failure, not a silent drop", async () => {
    await expect(new NotifierRouter([]).postDigest(digest({ platform: "slack", address: "C0X" }))).rejects.toMatchObject({ permanent: true });
  });
});
