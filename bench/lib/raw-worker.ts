// The baseline of figures 2 and 3: raw BullMQ workers that do nothing with a job but note when it
// started. Same shape as src/tickets/bullmq-queue.ts's startWorkers (one Worker per queue, same
// concurrency, lock and stalled settings) so the only difference from ours is the work itself.
// Run as a child process; IPC: {type: "starts", since} -> {starts: [[seq, ns], ...], processed}.
//
// Queues `min-a`, `min-b` are figure 3's "minimal equivalent" of our delivery (issue 13): the same
// work with nothing of ours in it. Per job it reads the incident's record, makes the Slack calls our
// worker makes for it with plain fetch (ticket, its permalink, the on-call's DM and page, the
// cross-domain note when routed with one), writes the timeline in one SET and schedules the
// escalation timer as a delayed job: no zod, no compare-and-set, no intent before each send.
import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";

const url = process.env.REDIS_URL!;
const prefix = process.env.RAW_PREFIX ?? "{rawbench}";
const queues = (process.env.RAW_QUEUES ?? "raw-a,raw-b").split(",");
const concurrency = Number(process.env.RAW_CONCURRENCY ?? 10);

const conn = new Redis(url, { maxRetriesPerRequest: null });
const starts: Array<[number, string]> = [];
let processed = 0;
const workers = queues.map(
  (q) =>
    new Worker(
      q,
      async (job) => {
        starts.push([Number((job.data as { seq?: number }).seq ?? -1), process.hrtime.bigint().toString()]);
        processed++;
        return "done";
      },
      { connection: conn, prefix, concurrency, lockDuration: 30_000, stalledInterval: 30_000, settings: { backoffStrategy: () => 1000 } },
    ),
);
const minimal = new Queue("min-a", { connection: conn, prefix });
const api = process.env.SLACK_API_URL ?? "";
const token = process.env.SLACK_BOT_TOKEN ?? "";
const incidentPrefix = `${process.env.QUEUE_PREFIX ?? "{bench}"}:inc:`;
async function slack(method: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const r = await fetch(`${api}${method}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) });
  const out = (await r.json()) as Record<string, any>;
  if (!out.ok) throw new Error(`${method}: ${out.error}`);
  return out;
}
async function deliverMinimal(job: Job): Promise<string> {
  const id = (job.data as { incidentId: string }).incidentId;
  const raw = await conn.get(incidentPrefix + id);
  if (!raw) throw new Error(`${id} not found`);
  const inc = JSON.parse(raw) as { title: string; routing: { domain: string; cc: string[] }; classification: { severity: string; rationale: string[] }; timeline: unknown[] };
  const at = new Date().toISOString();
  const text = `${inc.classification.severity} ${inc.title} (${id})`; // not "SEV.. AI": the fake counts it as "other", not as our tickets
  const blocks = [
    { type: "header", text: { type: "plain_text", text: text.slice(0, 150) } },
    { type: "section", text: { type: "mrkdwn", text: inc.classification.rationale.join("\n").slice(0, 3000) } },
    { type: "actions", elements: ["ack", "escalate", "reroute", "resolve"].map((a) => ({ type: "button", action_id: `ticket_${a}`, value: id, text: { type: "plain_text", text: a } })) },
  ];
  const ticket = await slack("chat.postMessage", { channel: `C-${inc.routing.domain}`, text, blocks, metadata: { event_type: "ai_incident", event_payload: { key: `${id}.r1:ticket` } } });
  const link = await slack("chat.getPermalink", { channel: ticket.channel, message_ts: ticket.ts });
  const dm = await slack("conversations.open", { users: "U0ONCALL" });
  const page = await slack("chat.postMessage", { channel: dm.channel.id, text: `You are on call: ${text}`, blocks });
  const events: unknown[] = [
    { type: "delivered", at, to: "r1:ticket", ref: ticket.ts, link: link.permalink },
    { type: "delivered", at, to: "r1:page", ref: page.ts },
  ];
  for (const other of inc.routing.cc) {
    const note = await slack("chat.postMessage", { channel: `C-${other}`, text: `:link: ${text}` });
    events.push({ type: "cross-domain-noted", at, domain: other, to: "r1:cc", ref: note.ts });
  }
  inc.timeline.push(...events);
  await conn.set(incidentPrefix + id, JSON.stringify(inc));
  await minimal.add("escalate", { incidentId: id }, { jobId: `${id}.e0`, delay: 3_600_000, removeOnComplete: true });
  processed++;
  return "delivered";
}
const minimalWorkers = ["min-a", "min-b"].map(
  (q) => new Worker(q, deliverMinimal, { connection: conn, prefix, concurrency, lockDuration: 30_000, stalledInterval: 30_000, settings: { backoffStrategy: () => 1000 } }),
);
workers.push(...minimalWorkers);
for (const w of workers) w.on("error", (e) => process.stderr.write(`raw worker: ${e.message}\n`));

process.on("message", (m: { id: number; type: string; since?: number }) => {
  if (m.type === "starts") process.send!({ id: m.id, starts: starts.slice(m.since ?? 0), processed });
});
Promise.all(workers.map((w) => w.waitUntilReady())).then(() => process.send?.({ ready: true }));
process.on("SIGTERM", async () => {
  await Promise.all(workers.map((w) => w.close()));
  await minimal.close();
  await conn.quit().catch(() => conn.disconnect());
  process.exit(0);
});
