// The baseline of figures 2 and 3: raw BullMQ workers that do nothing with a job but note when it
// started. Same shape as src/tickets/bullmq-queue.ts's startWorkers (one Worker per queue, same
// concurrency, lock and stalled settings) so the only difference from ours is the work itself.
// Run as a child process; IPC: {type: "starts", since} -> {starts: [[seq, ns], ...], processed}.
import { Worker } from "bullmq";
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
for (const w of workers) w.on("error", (e) => process.stderr.write(`raw worker: ${e.message}\n`));

process.on("message", (m: { id: number; type: string; since?: number }) => {
  if (m.type === "starts") process.send!({ id: m.id, starts: starts.slice(m.since ?? 0), processed });
});
Promise.all(workers.map((w) => w.waitUntilReady())).then(() => process.send?.({ ready: true }));
process.on("SIGTERM", async () => {
  await Promise.all(workers.map((w) => w.close()));
  await conn.quit().catch(() => conn.disconnect());
  process.exit(0);
});
