// Issue 12, item 5, through the real composition on a real redis-server: a replayed signed request
// (the exact same bytes and headers) changes nothing, and a double-clicked Escalate escalates once
// and pages once.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Served } from "../../src/serve.js";
import { FakeSlack } from "../support/fake-slack.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { SlackRequests, blockActionsPayload, commandFields, nowSeconds, type User } from "../support/slack-sign.js";
import { SAFETY_ANSWERS, TOKEN, button, keyOf, serveSlack, slackEnv, slackRosterFile, textOf, walk } from "../support/slack-stack.js";
import { waitFor } from "../support/webhook.js";
import { waitForQueuesIdle } from "../support/queues.js";

const RITA: User = { id: "U0RITA", name: "rita" };
const ADA: User = { id: "U0ADA", name: "ada" }; // safety level 1
const GRACE: User = { id: "U0GRACE", name: "grace" }; // safety level 1

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
  fake = await FakeSlack.start(TOKEN);
  const stack = await serveSlack(slackEnv(redis.url, uniquePrefix(), fake.apiUrl, rosterFile));
  served = stack.served;
  req = stack.req(fake);
});
afterEach(async () => {
  await served?.stop();
  await fake.stop();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = "application/x-www-form-urlencoded";

async function filed(started = false) {
  await walk(fake, req, RITA, SAFETY_ANSWERS, undefined, started);
  const incident = (await served.app.incidents.list({ from: new Date(0), to: new Date(8e15) }))[0]!;
  await waitFor(() => fake.channel("C0SAFETY").some((m) => textOf(m).includes(incident.id) && m.blocks?.some((b) => b.type === "actions")), "the ticket card");
  // The whole delivery (the page and the timer too), not only the card: tests count Slack calls after it.
  await waitFor(async () => (await served.app.incidents.undelivered(new Date(Date.now() + 60_000))).length === 0, "the delivery to finish");
  return incident;
}
const card = () => fake.channel("C0SAFETY").find((m) => /^SEV\d AI /.test(m.text ?? ""))!;
const pagesTo = (u: string) => fake.dmOf(u).filter((m) => /paged|You are on call|<@/.test(textOf(m))).length;

describe("replayed and double-submitted Slack requests", () => {
  it("a replayed /incident (same bytes, same headers) does not touch the reporter's filed walk-through", async () => {
    const ts = nowSeconds();
    const body = form(commandFields(RITA, String(SAFETY_ANSWERS.description), fake.responseUrl("cmd-replayed")));
    expect((await req.send(body, FORM, { ts })).status).toBe(200);
    await waitFor(() => fake.dmOf(RITA.id).length === 1, "the first question");
    const incident = await filed(true);
    const before = await served.app.conversations.get(keyOf(RITA));
    expect(before?.incidentId).toBe(incident.id);
    // Filing's deliveries may still be running on a busy machine: the count is taken once they are done.
    await waitForQueuesIdle(served.app);
    const calls = fake.totalCalls;

    const replay = await req.send(body, FORM, { ts });
    expect(replay.status).toBe(200);
    expect(await replay.text()).toBe("");
    // Refused before Bolt: no work was started, so nothing can follow this response.
    expect(await served.app.conversations.get(keyOf(RITA))).toEqual(before);
    expect(fake.totalCalls).toBe(calls);
    expect(await served.app.redis!.keys(`${served.app.prefix}:seen:slack:req:*`)).not.toHaveLength(0);
  });

  it("a replayed Escalate changes nothing; a double-clicked Escalate escalates once and pages once", async () => {
    const incident = await filed();
    const ticket = card();
    const oncall = fake.dmOf(ADA.id).length ? ADA : GRACE;
    const clickOf = () => blockActionsPayload(oncall, ticket, button(ticket, "ticket_escalate"), {}, (id) => fake.responseUrl(`click-${id}`));

    // A double click: two requests of their own (different action_ts and trigger ids) from one card.
    const [a, b] = [clickOf(), clickOf()];
    const ts = nowSeconds();
    const bodyA = form({ payload: JSON.stringify(a) });
    const sent = await Promise.all([req.send(bodyA, FORM, { ts }), req.interaction(b)]);
    expect(sent.map((r) => r.status)).toEqual([200, 200]);
    await waitFor(() => fake.responses.some((r) => /already escalated to level 2/.test(JSON.stringify(r.body))), "the second click told it changed nothing");
    await waitFor(async () => ((await served.app.incidents.get(incident.id))!.timeline.some((e) => e.type === "delivered" && e.to.includes(":page:") && e.level === 1)), "the level-2 page");
    const escalated = (await served.app.incidents.get(incident.id))!;
    expect(escalated.level).toBe(1);
    expect(escalated.timeline.filter((e) => e.type === "escalated")).toHaveLength(1);
    expect(escalated.timeline.filter((e) => e.type === "delivered" && e.to.includes(":page:") && e.level === 1)).toHaveLength(1);
    expect(pagesTo("U0RADIA")).toBe(1);

    // The escalation's own follow-ups (the card edited, the thread told) are jobs that may still be
    // running on a busy machine: let them finish, or their Slack calls count against the replay.
    await waitForQueuesIdle(served.app);
    // The first click again, byte for byte with its headers: a 200 and nothing else, not even a notice.
    const calls = fake.totalCalls;
    const replay = await req.send(bodyA, FORM, { ts });
    expect(replay.status).toBe(200);
    expect(fake.totalCalls).toBe(calls);
    expect((await served.app.incidents.get(incident.id))!.timeline.filter((e) => e.type === "escalated")).toHaveLength(1);
  });
});
