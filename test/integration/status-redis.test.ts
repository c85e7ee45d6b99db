// Issue 16, point 4 on the real composition (web, inline BullMQ workers, a real redis-server, the fake
// Slack): a status update's job travels through BullMQ (its schema read back from Redis) and reaches
// the card, its thread and a subscriber's DM once each.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Served } from "../../src/serve.js";
import { FakeSlack } from "../support/fake-slack.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import type { SlackRequests, User } from "../support/slack-sign.js";
import { SAFETY_ANSWERS, TOKEN, serveSlack, slackEnv, slackRosterFile, textOf, walk } from "../support/slack-stack.js";
import { waitFor } from "../support/webhook.js";

const RITA: User = { id: "U0RITA", name: "rita" };
const ADA: User = { id: "U0ADA", name: "ada" }; // safety level 1
const MAYA: User = { id: "U0MAYA", name: "maya" }; // manager

let redis: RedisServer;
let fake: FakeSlack;
let served: Served;
let req: SlackRequests;
const rosterFile = slackRosterFile();

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  fake = await FakeSlack.start(TOKEN, { postLimit: false });
  const stack = await serveSlack(slackEnv(redis.url, uniquePrefix(), fake.apiUrl, rosterFile));
  served = stack.served;
  req = stack.req(fake);
});
afterEach(async () => {
  await served?.stop();
  await fake.stop();
});

describe("status updates through BullMQ", () => {
  it("the card, its thread and the subscriber's DM, once each", async () => {
    await walk(fake, req, RITA, SAFETY_ANSWERS);
    const incident = (await served.app.incidents.list({ from: new Date(0), to: new Date(8e15) }))[0]!;
    await waitFor(() => fake.channel("C0SAFETY").some((m) => textOf(m).includes(incident.id)), "the ticket card");
    const card = fake.channel("C0SAFETY").find((m) => textOf(m).includes(incident.id))!;

    expect((await req.command(MAYA, `subscribe ${incident.id}`)).status).toBe(200);
    await waitFor(async () => ((await served.app.incidents.get(incident.id))!.subscribers ?? []).length === 1, "Maya subscribed");
    expect((await req.command(ADA, `update ${incident.id} Rolled back the prompt template`)).status).toBe(200);

    const dms = () => fake.dmOf(MAYA.id).filter((m) => (m.text ?? "").includes("Rolled back the prompt template"));
    await waitFor(() => dms().length === 1, "the subscriber's DM");
    await waitFor(() => textOf(fake.messages.get(`${card.channel}/${card.ts}`)!).includes("Rolled back the prompt template"), "the card's status line");
    const thread = fake.thread(card.channel, card.ts).filter((m) => (m.text ?? "").includes("Status update by"));
    expect(thread).toHaveLength(1);
    // Slack has the DM before the worker records it: wait for the record, then check it holds each send once.
    const keys = async () => (await served.app.incidents.get(incident.id))!.timeline.flatMap((e) => (e.type === "delivered" && e.to.startsWith("st") ? [e.to.replace(/^st\d+:/, "")] : []));
    await waitFor(async () => (await keys()).length >= 2, "both sends recorded");
    expect(await keys()).toEqual(["update:slack:C0SAFETY", "notify:slack:U0MAYA"]);
    expect(dms()).toHaveLength(1);
  });
});
