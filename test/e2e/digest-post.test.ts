// The digest reaches each platform through its notifier: Slack as the chart image uploaded with the
// text as its comment (text only without files:write), Teams as Markdown with the chart image attached,
// webhooks as JSON with an idempotency key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackNotifier } from "../../adapters/slack/index.js";
import { createTeamsNotifier } from "../../adapters/teams/index.js";
import type { Digest } from "../../src/digest/post.js";
import { summarize } from "../../src/domain/summary.js";
import type { Logger } from "../../src/log.js";
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

    // Slack: the chart uploaded (files.uploadV2's three steps) and shared with the text as its comment.
    const [asked] = slack.callsOf("files.getUploadURLExternal");
    expect(asked?.args).toMatchObject({ filename: "incidents.png", length: String(png.length) });
    expect(slack.uploads).toHaveLength(1);
    expect(slack.uploads[0]!.bytes).toBe(png.length);
    const completed = slack.callsOf("files.completeUploadExternal");
    expect(completed).toHaveLength(1);
    expect(completed[0]!.args).toMatchObject({ channel_id: "C0MANAGERS", initial_comment: digest({ platform: "slack", address: "C0MANAGERS" }).text });
    expect(completed[0]!.args.files).toEqual([expect.objectContaining({ id: slack.uploads[0]!.fileId, title: "Incidents per day" })]);
    expect(slack.callsOf("chat.postMessage")).toHaveLength(0);
    expect(slack.channel("C0MANAGERS")).toEqual([expect.objectContaining({ text: expect.stringContaining("AI incidents, last 7 days"), files: [expect.objectContaining({ id: slack.uploads[0]!.fileId })] })]);
    const sent = connector.calls.find((c) => c.kind === "send");
    expect(sent?.conversationId).toBe("19:managers@thread.tacv2");
    expect(sent?.body.text).toContain("**AI incidents, last 7 days**");
    expect(sent?.body.attachments[0]).toMatchObject({ contentType: "image/png", contentUrl: `data:image/png;base64,${png.toString("base64")}` });
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]).toMatchObject({ path: "/digest", key: "digest.2026-11-24T08:00:00.000Z", body: { kind: "digest", summary: { total: 0 } } });
  });

  it("Slack without files:write (missing_scope): the digest goes out as text, with one warning", async () => {
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (_o: unknown, msg?: string) => void warnings.push(String(msg)), error() {}, child: () => log } as unknown as Logger;
    const notifier = createSlackNotifier({ botToken: "xoxb-digest", apiUrl: slack.apiUrl, log });
    slack.failNext("files.getUploadURLExternal", 2, { error: "missing_scope" });
    const [uploadsBefore, completedBefore] = [slack.uploads.length, slack.callsOf("files.completeUploadExternal").length];
    const d = digest({ platform: "slack", address: "C0FALLBACK" });
    await notifier.postDigest(d);
    await notifier.postDigest(d);

    expect(slack.refused.filter((c) => c.method === "files.getUploadURLExternal")).toHaveLength(2);
    expect(slack.uploads).toHaveLength(uploadsBefore);
    expect(slack.callsOf("files.completeUploadExternal")).toHaveLength(completedBefore);
    const posted = slack.callsOf("chat.postMessage").filter((c) => c.args.channel === "C0FALLBACK");
    expect(posted).toHaveLength(2);
    expect(posted[0]!.args).toMatchObject({ channel: "C0FALLBACK", text: d.text });
    expect(warnings.filter((w) => w.includes("files:write"))).toHaveLength(1);
  });

  it("Slack rate-limiting the upload is a retryable DeliveryError (after Retry-After), not a text fallback", async () => {
    const notifier = createSlackNotifier({ botToken: "xoxb-digest", apiUrl: slack.apiUrl });
    slack.failNext("files.getUploadURLExternal", 1, { status: 429, retryAfter: 7 });
    await expect(notifier.postDigest(digest({ platform: "slack", address: "C0LIMITED" }))).rejects.toMatchObject({ retryAfterMs: 7000, permanent: false });
    expect(slack.calls.filter((c) => c.args.channel === "C0LIMITED" || c.args.channel_id === "C0LIMITED")).toHaveLength(0);
  });

  it("a platform without a notifier is a permanent failure, not a silent drop", async () => {
    await expect(new NotifierRouter([]).postDigest(digest({ platform: "slack", address: "C0X" }))).rejects.toMatchObject({ permanent: true });
  });
});
