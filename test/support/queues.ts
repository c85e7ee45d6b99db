// "Nothing more will happen" as an event: no job of an app's delivery queues is waiting, running, or
// delayed and already due (or due before `dueBefore`). Tests that check something arrived exactly once
// wait for this instead of sleeping a while and hoping a duplicate would have shown up by then.
// Timers far in the future (an escalation an hour out) do not count: they cannot act during a test.
import type { App } from "../../src/app.js";
import type { BullJobQueue } from "../../src/tickets/bullmq-queue.js";
import { waitFor } from "./webhook.js";

const NOW_PENDING = ["waiting", "active", "prioritized", "waiting-children"] as const;

const PENDING_WITHIN_MS = 5_000;

export async function waitForQueuesIdle(app: App, opts: { dueBefore?: Date; what?: string } = {}): Promise<void> {
  const q = app.queue as BullJobQueue;
  await waitFor(async () => {
    // A job put back for a few seconds (a paced post, a 429, a retry) is still pending; timers that
    // fire minutes from now (escalations, reminders) are not.
    const horizon = Math.max(Date.now() + PENDING_WITHIN_MS, opts.dueBefore?.getTime() ?? 0);
    for (const queue of Object.values(q.queues)) {
      const counts = await queue.getJobCounts(...NOW_PENDING);
      if (NOW_PENDING.some((k) => (counts[k] ?? 0) > 0)) return false;
      const delayed = await queue.getDelayed(0, 999);
      if (delayed.some((j) => j.timestamp + (j.opts.delay ?? 0) <= horizon)) return false;
    }
    return true;
  }, opts.what ?? "the delivery queues to go idle");
}
