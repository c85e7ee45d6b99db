// The strict fake connector refuses what Teams refuses (test/support/fake-connector.ts): a call without
// the bot's token, and a post or edit in a conversation the bot is not part of; a chat it opens becomes
// one it may post in. Tests that rely on it (test/integration/teams-turns.test.ts) are only as honest
// as these refusals.
import { describe, expect, it, onTestFinished } from "vitest";
import { startFakeConnector } from "../support/fake-connector.js";

const message = { type: "message", text: "hello" };

async function call(url: string, method: string, path: string, body: object, token?: string) {
  const r = await fetch(`${url}${path}`, { method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
}

describe("the strict fake connector", () => {
  it("takes calls only with the bot's token", async () => {
    const fake = await startFakeConnector({ conversations: ["a:chat"], token: "bot-token" });
    onTestFinished(() => fake.close());
    expect((await call(fake.url, "POST", "/v3/conversations/a%3Achat/activities", message)).status).toBe(401);
    expect((await call(fake.url, "POST", "/v3/conversations/a%3Achat/activities", message, "other")).status).toBe(401);
    expect(fake.calls).toEqual([]);
    expect(fake.denied.map((d) => d.why)).toEqual(["no token", "wrong token"]);
    expect((await call(fake.url, "POST", "/v3/conversations/a%3Achat/activities", message, "bot-token")).status).toBe(201);
    expect(fake.calls).toHaveLength(1);
  });

  it("refuses posts and edits where the bot is no member, until it opens that chat", async () => {
    const fake = await startFakeConnector({ conversations: ["19:safety@thread.tacv2"] });
    onTestFinished(() => fake.close());
    const unknown = await call(fake.url, "POST", "/v3/conversations/a%3Achat-aad-rita/activities", message);
    expect(unknown).toEqual({ status: 403, body: { error: expect.objectContaining({ code: "BotNotInConversationRoster" }) } });
    expect((await call(fake.url, "PUT", "/v3/conversations/a%3Achat-aad-rita/activities/act-1", message)).status).toBe(403);
    // A channel's thread is part of the channel.
    expect((await call(fake.url, "POST", `/v3/conversations/${encodeURIComponent("19:safety@thread.tacv2;messageid=1")}/activities`, message)).status).toBe(201);
    const opened = await call(fake.url, "POST", "/v3/conversations", { isGroup: false, bot: { id: "28:bot" }, members: [{ id: "aad-rita" }], tenantId: "t" });
    expect(opened).toEqual({ status: 201, body: { id: "a:chat-aad-rita" } });
    expect((await call(fake.url, "POST", "/v3/conversations/a%3Achat-aad-rita/activities", message)).status).toBe(201);
    expect(fake.calls.map((c) => c.kind)).toEqual(["send", "create", "send"]);
  });

  it("without `conversations` any conversation is taken (the embedded e2e files)", async () => {
    const fake = await startFakeConnector();
    onTestFinished(() => fake.close());
    expect((await call(fake.url, "POST", "/v3/conversations/a%3Aanywhere/activities", message)).status).toBe(201);
  });
});
