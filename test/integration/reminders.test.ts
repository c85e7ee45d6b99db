// Reporting reminders on a real redis-server with BullMQ workers in this process and a local webhook
// as the ticket channel: a delayed reminder fires once, across a worker restart, and one whose
// obligation was marked reported before it fired sends nothing.
import type { Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import { silentLogger } from "../../src/log.js";
import { connect } from "../../src/redis.js";
import { startWorkers } from "../../src/tickets/bullmq-queue.js";
import { jobId } from "../../src/tickets/jobs.js";
import type { BullJobQueue } from "../../src/tickets/bullmq-queue.js";
import { NotifierRouter } from "../../src/tickets/notifier.js";
import { WebhookNotifier } from "../../src/tickets/webhook-notifier.js";
import { fileIncident, redisApp, rosterFrom, webhookRosterDoc } from "../support/durable.js";
import { waitForQueuesIdle } from "../support/queues.js";
import { startRedis, uniquePrefix, type RedisServer } from "../support/redis.js";
import { startWebhook, waitFor, type FakeWebhook } from "../support/webhook.js";

let redis: RedisServer;
let hook: FakeWebhook;
const closers: Array<() => Promise<void>> = [];
const HOUR = 3_600_000;
const tester = { platform: "console" as const, userId: "tester", name: "Tess" };

beforeAll(async () => {
  redis = await startRedis();
  hook = await startWebhook();
});
afterAll(async () => {
  await hook.close();
  await redis.stop();
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  hook.received.length = 0;
});

/** A web-side app, and a worker that can be stopped and started again on the same prefix. */
function setup() {
  const prefix = uniquePrefix();
  const roster = rosterFrom(webhookRosterDoc(hook.url));
  const web = redisApp(redis.url, prefix, roster);
  closers.push(() => web.close());
  const startWorker = () => {
    const app = redisApp(redis.url, prefix, roster, new NotifierRouter([new WebhookNotifier()]), "worker");
    const conn = connect(redis.url, silentLogger, "worker");
    const workers: Worker[] = startWorkers(conn, prefix, (job) => app.processor.run(job), { concurrency: 5, lockMs: 5000 }, silentLogger);
    let closed = false;
    const stop = async () => {
      if (closed) return;
      closed = true;
      await Promise.all(workers.map((w) => w.close()));
      await conn.quit();
      await app.close();
    };
    closers.push(stop);
    return stop;
  };
  return { web, startWorker };
}

const reminders = (id: string) => hook.received.filter((r) => r.body.incidentId === id && r.body.kind === "update" && /is due by/.test(String(r.body.text)));
/** The state of the "24 hours before" reminder of the GDPR deadline counted from `awareAt`. */
const secondReminder = async (web: App, id: string, awareAt: string) => {
  const deadlineAt = new Date(Date.parse(awareAt) + 72 * HOUR).toISOString();
  const job = await (web.queue as BullJobQueue).queues.find((q) => q.name === "oncall-security")!.getJob(jobId({ name: "obligation-reminder", incidentId: id, regime: "gdpr-art33", point: 1, deadlineAt }));
  return job ? await job.getState() : "missing";
};

describe("reporting reminders on BullMQ", () => {
  it("a delayed reminder fires once, after a worker restart in between", async () => {
    const { web, startWorker } = setup();
    let stop = startWorker();
    // A personal data breach (GDPR Art. 33, 72 hours): its ticket carries the clock.
    const inc = await fileIncident(web, "conv-reminder");
    await waitFor(() => hook.received.some((r) => r.body.incidentId === inc.id && r.body.kind === "ticket"), "the ticket");
    // Aware 48 hours before now, less 4 seconds: half time is past (fires now), "24 hours before" is 4 s away.
    const awareAt = new Date(Date.now() - 48 * HOUR + 4_000).toISOString();
    expect(await web.actions.setAwareAt(inc.id, awareAt, tester)).toMatchObject({ ok: true, changed: true });
    await waitFor(() => reminders(inc.id).length >= 1, "the half-time reminder");
    await stop();
    // While no worker runs, the 24-hours-before reminder waits in Redis as a delayed job.
    expect(await secondReminder(web, inc.id, awareAt)).toBe("delayed");
    stop = startWorker();
    await waitFor(() => reminders(inc.id).length >= 2, "the 24-hours-before reminder, after the restart");
    await waitForQueuesIdle(web, { dueBefore: new Date(Date.now() + 5_000) });
    expect(reminders(inc.id)).toHaveLength(2);
    const stored = (await web.incidents.get(inc.id))!;
    expect(stored.timeline.filter((e) => e.type === "delivered" && e.to.includes(":remind:"))).toHaveLength(2);
  });

  it("a reminder whose obligation was marked reported before it fired sends nothing", async () => {
    const { web, startWorker } = setup();
    startWorker();
    const inc = await fileIncident(web, "conv-reported");
    await waitFor(() => hook.received.some((r) => r.body.incidentId === inc.id && r.body.kind === "ticket"), "the ticket");
    // Aware 48 hours ago less 3 s: the "24 hours before" reminder is 3 s away; half time fires now.
    const awareAt = new Date(Date.now() - 48 * HOUR + 3_000).toISOString();
    await web.actions.setAwareAt(inc.id, awareAt, tester);
    await waitFor(() => reminders(inc.id).length >= 1, "the half-time reminder");
    expect(await web.actions.markReported(inc.id, "gdpr-art33", "complete", tester)).toMatchObject({ ok: true, changed: true });
    await waitFor(async () => (await secondReminder(web, inc.id, awareAt)) === "completed", "the second reminder to run");
    await waitForQueuesIdle(web, { dueBefore: new Date(Date.now() + 1_000) });
    expect(reminders(inc.id)).toHaveLength(1);
    const stored = (await web.incidents.get(inc.id))!;
    expect(stored.timeline.some((e) => e.type === "cancelled" && e.to.includes(":remind:"))).toBe(false);
    expect(stored.timeline.findLast((e) => e.type === "obligation-reported")).toMatchObject({ regime: "gdpr-art33", by: tester });
  });
});
