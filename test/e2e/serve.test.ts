// The process wiring: with Slack and Teams configured, `npm start` serves both on one web server
// (embedded store), Slack requests reach the bot, and Teams refuses unauthenticated callers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { silentLogger } from "../../src/log.js";
import { serve, type Served } from "../../src/serve.js";
import { FakeSlack } from "../support/fake-slack.js";
import { SlackRequests } from "../support/slack-sign.js";
import { waitFor } from "../support/webhook.js";

const SECRET = "serve-test-signing-secret";
let fake: FakeSlack;
let served: Served;
let base: string;

beforeAll(async () => {
  fake = await FakeSlack.start("xoxb-serve-test");
  const cfg = loadConfig({
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: "xoxb-serve-test",
    SLACK_API_URL: fake.apiUrl,
    MicrosoftAppId: "00000000-0000-0000-0000-000000000001",
    MicrosoftAppPassword: "not-a-real-secret",
    PORT: "0",
  });
  served = await serve(cfg, silentLogger);
  base = `http://127.0.0.1:${served.web.port}`;
});
afterAll(async () => {
  await served.stop();
  await fake.stop();
});

describe("npm start with Slack and Teams configured", () => {
  it("answers /healthz in embedded mode", async () => {
    const r = await fetch(`${base}/healthz`);
    expect(await r.json()).toMatchObject({ ok: true, checks: { mode: "embedded" } });
  });

  it("routes a signed /incident to the bot, which opens a private DM", async () => {
    const slack = new SlackRequests(`${base}/slack/events`, SECRET, (id) => fake.responseUrl(id));
    const r = await slack.command({ id: "U0SERVE", name: "sam" }, "");
    expect(r.status).toBe(200);
    await waitFor(() => fake.calls.some((c) => c.method === "chat.postMessage"), "the first question in a DM");
    expect(fake.calls.map((c) => c.method)).toContain("conversations.open");
  });

  it("refuses an unauthenticated Teams activity when an app id is configured", async () => {
    const r = await fetch(`${base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "message", text: "incident", channelId: "msteams", serviceUrl: "http://127.0.0.1:9/", from: { id: "29:x" }, conversation: { id: "a:1" }, recipient: { id: "28:bot" } }),
    });
    expect(r.status).toBe(401);
    expect(await served.app.conversations.get("teams:undefined:undefined")).toBeUndefined();
  });
});
