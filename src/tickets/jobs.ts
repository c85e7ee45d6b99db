// Ticket jobs and the queue port they travel through (BullMQ in production, in-process when embedded).
// Job ids derive from the incident, so enqueueing the same work twice is a no-op.
import { z } from "zod";
import { Actor, IncidentId } from "../domain/incident.js";
import { STATUS_MAX } from "../domain/status-record.js";
import type { Domain } from "../domain/vocabulary.js";
import { OutsideJob, outsideJobId } from "./outside/job.js";

export const TicketJob = z.discriminatedUnion("name", [
  z.strictObject({ name: z.literal("deliver"), incidentId: IncidentId, routeCount: z.number().int().min(1) }),
  /**
   * an acknowledgement timer: escalates if generation `gen` is still current when it fires. `rearm`: a
   * sooner timer for the same generation, armed by the edit stored at that record version (a raised
   * severity, src/domain/escalation-timer.ts): whichever of the two fires first escalates, the other
   * finds the generation moved on.
   */
  z.strictObject({ name: z.literal("escalate"), incidentId: IncidentId, gen: z.number().int().min(0), rearm: z.number().int().min(1).optional() }),
  /** pages the level that the escalation starting generation `gen` reached. */
  z.strictObject({ name: z.literal("page"), incidentId: IncidentId, gen: z.number().int().min(1) }),
  /**
   * edits the ticket card and tells its thread. `route`: the card of that (earlier) routing, in the
   * channels of the domain it was in then: a reroute retires the old card through here. Absent: current.
   */
  z.strictObject({ name: z.literal("update"), incidentId: IncidentId, rev: z.number().int().min(1), text: z.string().max(3000), route: z.number().int().min(1).max(1000).optional() }),
  /** one call to PagerDuty, Opsgenie or Jira (src/tickets/outside). */
  OutsideJob,
  /**
   * a reporting-deadline reminder (src/domain/clocks.ts): reminder `point` of `regime` for the deadline
   * `deadlineAt`; does nothing once the obligation is reported, no longer applies, or its deadline moved.
   */
  z.strictObject({
    name: z.literal("obligation-reminder"),
    incidentId: IncidentId,
    regime: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
    point: z.number().int().min(0).max(9),
    deadlineAt: z.iso.datetime(),
  }),
  /** a report joined to the incident (record version `rev`): an update, or told in its storm's next batch. */
  z.strictObject({ name: z.literal("joined"), incidentId: IncidentId, rev: z.number().int().min(1), text: z.string().max(3000) }),
  /** brings storm parent `incidentId`'s card and thread up to date after refresh period `tick` (src/domain/storm.ts). */
  z.strictObject({ name: z.literal("storm"), incidentId: IncidentId, tick: z.number().int().min(0) }),
  /**
   * a status update stored at record version `rev` (src/domain/status.ts): the card re-rendered and the
   * text posted in the ticket's thread, then each subscriber told in their personal chat, every send once.
   */
  z.strictObject({ name: z.literal("status"), incidentId: IncidentId, rev: z.number().int().min(1), text: z.string().min(1).max(STATUS_MAX), by: Actor }),
  /**
   * opens the incident's channels (src/tickets/rooms.ts) as record version `rev` asked for them (filed,
   * or edited into a severity that has one); does nothing where one is open already.
   */
  z.strictObject({ name: z.literal("channel"), incidentId: IncidentId, rev: z.number().int().min(1) }),
]);
export type TicketJob = z.infer<typeof TicketJob>;

export function jobId(job: TicketJob): string {
  switch (job.name) {
    case "deliver":
      return `${job.incidentId}.r${job.routeCount}`;
    case "escalate":
      return `${job.incidentId}.e${job.gen}${job.rearm === undefined ? "" : `.v${job.rearm}`}`;
    case "page":
      return `${job.incidentId}.p${job.gen}`;
    case "update":
      return `${job.incidentId}.u${job.rev}`;
    case "outside":
      return outsideJobId(job);
    // The deadline is part of the id: a moved deadline gets new reminders, the old ones find themselves stale.
    case "obligation-reminder":
      return `${job.incidentId}.o.${job.regime}.${job.point}.${Date.parse(job.deadlineAt) / 1000}`;
    case "joined":
      return `${job.incidentId}.j${job.rev}`;
    case "storm":
      return `${job.incidentId}.s${job.tick}`;
    case "status":
      return `${job.incidentId}.st${job.rev}`;
    case "channel":
      return `${job.incidentId}.c${job.rev}`;
  }
}

/** Starts the failure reason of a job that can never succeed: the outbox sweep leaves those alone. */
export const PERMANENT = "permanent: ";

export interface FailedJob {
  queue: string;
  id: string;
  job: TicketJob;
  error: string;
  attempts: number;
  failedAt: string;
}

export interface JobQueue {
  add(domain: Domain, job: TicketJob, delayMs?: number): Promise<void>;
  /** Jobs that ran out of retries, for `triage tickets failed`. */
  failed(): Promise<FailedJob[]>;
  /** Puts a failed job back in its queue (keeps its id); false when no such failed job exists. */
  replay(id: string): Promise<boolean>;
  /**
   * For the outbox sweep: makes sure `job` is queued. A job with its id that failed (other than
   * permanently) is put back, since add() alone is a no-op while it exists. `delayMs`: for a job not
   * there yet (a replayed timer). Optional for test doubles.
   */
  ensure?(domain: Domain, job: TicketJob, delayMs?: number): Promise<"added" | "revived" | "exists">;
  /** When the oldest job still waiting for a worker was queued (for /readyz); undefined when none waits. */
  oldestWaiting?(): Promise<Date | undefined>;
  /** Resolves when the queues can take jobs (for /healthz); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The retry policy lives in retry.ts; re-exported for the callers that knew it here. */
export { RETRY, retryDelay } from "./retry.js";
