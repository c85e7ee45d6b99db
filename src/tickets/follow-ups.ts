// The follow-ups of a stored change (a ticket action, an edit, a status update, a clock change): the
// jobs it queues. They are written as the outbox entry of the update that stores the change, in the
// same atomic step (IncidentStore.update opts.outbox), then queued, then the entry is removed. A
// process that dies in between leaves the entry, and the worker's sweep queues it again: job ids are
// deterministic (jobs.ts), so a follow-up queued twice runs once.
import { z } from "zod";
import type { Clock } from "../clock.js";
import { Domain } from "../domain/vocabulary.js";
import type { IncidentStore } from "../store/types.js";
import { TicketJob, type JobQueue } from "./jobs.js";

/** One job to queue, in `domain`'s queue; `dueAt`: when a delayed job (a timer, a reminder) is due. */
export const FollowUp = z.strictObject({ domain: Domain, job: TicketJob, dueAt: z.iso.datetime().optional() });
export type FollowUp = z.infer<typeof FollowUp>;

/** The outbox payload: every follow-up of one stored change, in the order they are queued. */
export const FollowUps = z.array(FollowUp).min(1).max(200);

export const encodeFollowUps = (f: FollowUp[]): string | undefined => (f.length ? JSON.stringify(FollowUps.parse(f)) : undefined);

/** The follow-ups of a stored outbox payload; throws on one that does not pass the schema. */
export const decodeFollowUps = (payload: string): FollowUp[] => FollowUps.parse(JSON.parse(payload));

/** A delayed job's wait from `now`: none for one already due (a replay after its time). */
export const delayOf = (f: FollowUp, now: Date): number => (f.dueAt === undefined ? 0 : Math.max(0, Date.parse(f.dueAt) - now.getTime()));

/**
 * Queues `followUps` in order. `replay`: the sweep's way, through ensure() where the queue has it, so a
 * failed job of the same id is put back; returns what each did.
 */
export async function enqueueFollowUps(queue: JobQueue, followUps: FollowUp[], now: Date, replay = false): Promise<Array<"added" | "revived" | "exists">> {
  const out: Array<"added" | "revived" | "exists"> = [];
  for (const f of followUps) {
    const delay = delayOf(f, now);
    if (replay && queue.ensure) out.push(await queue.ensure(f.domain, f.job, delay));
    else {
      await (f.dueAt === undefined ? queue.add(f.domain, f.job) : queue.add(f.domain, f.job, delay));
      out.push("added");
    }
  }
  return out;
}

/**
 * The sweep's half: outbox entries older than `before` (their writer died before queuing them, or is
 * about to finish: a replay is a no-op then) are queued again and removed. An entry that does not
 * decode is left in place and reported: dropping it would lose its jobs.
 */
export async function replayOutbox(d: { incidents: IncidentStore; queue: JobQueue; clock: Clock }, before: Date): Promise<{ replayed: Array<{ id: string; rev: number; jobs: string[] }>; unreadable: string[] }> {
  const replayed: Array<{ id: string; rev: number; jobs: string[] }> = [];
  const unreadable: string[] = [];
  for (const e of await d.incidents.outboxDue(before)) {
    let followUps: FollowUp[];
    try {
      followUps = decodeFollowUps(e.payload);
    } catch {
      unreadable.push(`${e.id}:${e.rev}`);
      continue;
    }
    await enqueueFollowUps(d.queue, followUps, d.clock.now(), true);
    await d.incidents.outboxDone(e.id, e.rev);
    replayed.push({ id: e.id, rev: e.rev, jobs: followUps.map((f) => f.job.name) });
  }
  return { replayed, unreadable };
}
