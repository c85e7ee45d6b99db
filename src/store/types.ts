// Storage ports. Two backends implement them (memory for the embedded mode, Redis for production)
// and one contract suite (test/contract) holds both to the same behaviour.
import { z } from "zod";
import { FlowState } from "../domain/engine.js";
import { Actor, IncidentId, Status, type Incident, type IncidentDraft } from "../domain/incident.js";
import type { Bucket, LimitDecision } from "../domain/limits.js";
import { RedactionHitNote } from "../domain/redact.js";
import { Domain, Severity, type Answers } from "../domain/vocabulary.js";

/** A snapshot of the possible duplicate, enough to ask about it without reading the incident again. */
export const DuplicateRef = z.strictObject({
  id: IncidentId,
  title: z.string().max(120),
  severity: Severity,
  primary: Domain,
  status: Status,
  createdAt: z.iso.datetime(),
  similarity: z.number().min(0).max(1),
});
export type DuplicateRef = z.infer<typeof DuplicateRef>;

export const Conversation = z.strictObject({
  /** unique per walk-through: the idempotency key of the incident it creates. */
  id: z.string().min(1).max(300),
  /** who is answering: one walk-through per responder and platform at a time. */
  key: z.string().min(1).max(300),
  user: Actor,
  rev: z.number().int().min(0),
  state: FlowState,
  startedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** where the report came from (e.g. a Slack message permalink), shown on the ticket. */
  link: z.url().optional(),
  /** set once the incident is filed; the conversation then only answers with its result. */
  incidentId: z.string().optional(),
  /** secrets taken out of the answers (kind and where, never the secret), carried to the incident. */
  redactions: z.array(RedactionHitNote).max(500).optional(),
  /** an open incident this report looks like: the responder is asked to join it or file anew. */
  duplicateOf: DuplicateRef.optional(),
  /** the responder chose to file anew although it looked like `duplicateOf`. */
  fileAnyway: z.boolean().optional(),
});
export type Conversation = z.infer<typeof Conversation>;

export interface ConversationStore {
  get(key: string): Promise<Conversation | undefined>;
  /**
   * Writes `conv` only if the stored rev is `expectedRev` (undefined: nothing stored yet).
   * Returns false when another process wrote first, so the caller can re-read and retry or refuse.
   */
  put(conv: Conversation, expectedRev: number | undefined): Promise<boolean>;
  delete(key: string, expectedRev?: number): Promise<boolean>;
}

export interface IncidentWindow {
  from: Date;
  to: Date;
  domain?: Domain;
  status?: Status;
  /** only the newest N incidents created in the window are read (then filtered): bounds the cost. */
  newest?: number;
}

export interface IncidentStore {
  /** Stores a new incident, or returns the one already created for the same conversation id. */
  create(draft: IncidentDraft): Promise<{ incident: Incident; created: boolean }>;
  get(id: string): Promise<Incident | undefined>;
  /** The incident a walk-through filed, if any: how a reporter finds it again after a lost reply. */
  byConversation(conversationId: string): Promise<Incident | undefined>;
  /**
   * Applies `change` to the current record and stores the result if nobody wrote in between
   * (retrying on conflict). `change` returns undefined to leave the record untouched.
   * See UpdateOptions for the outbox entry written with it and the caller's `basis`.
   */
  update(id: string, change: (current: Incident) => Incident | undefined, opts?: UpdateOptions): Promise<Incident | undefined>;
  /** Incidents created in [from, to), newest last; reads only that window. */
  list(window: IncidentWindow): Promise<Incident[]>;
  /**
   * Incidents created in [now - duplicate window, now] that share an LSH bucket with the report's
   * `answers` (src/domain/duplicate-index.ts; `create` indexes every incident): each incident the
   * report is similar enough to duplicate, with probability >= 0.99 at the threshold, plus some it
   * is not; in a storm, only the MAX_CANDIDATES most similar of them. Reads only the report's buckets,
   * not the window; the caller checks every candidate exactly.
   */
  duplicateCandidates(answers: Answers, now: Date): Promise<Incident[]>;
  /** Ids created but not yet confirmed delivered, older than `before`: the outbox sweeper's input. */
  undelivered(before: Date): Promise<string[]>;
  markDelivered(id: string): Promise<void>;
  /**
   * Removes the outbox entry an update wrote at record version `rev` (its follow-ups are queued);
   * unknown entries are no error.
   */
  outboxDone(id: string, rev: number): Promise<void>;
  /** Outbox entries written before `before`, oldest first, across every shard: the sweep replays them. */
  outboxDue(before: Date): Promise<OutboxEntry[]>;
  close(): Promise<void>;
}

/**
 * `outbox`: called with the record about to be stored (the last attempt's, after a conflict); what it
 * returns is written in the same atomic step as the record, as the outbox entry of `{id}:{rev}`, so
 * the follow-ups of a change can never be lost between storing it and queuing them. undefined: none.
 * The store does not interpret the payload. `at`: the entry's time for outboxDue (default: now).
 * `basis`: the record as the caller last read or stored it. The first try applies `change` to it and
 * stores only if the stored rev is still the basis's (a worker that just wrote the record saves a
 * read); otherwise, as without it, the current record is read and `change` applied to that.
 */
export interface UpdateOptions {
  outbox?: (stored: Incident) => string | undefined;
  at?: Date;
  basis?: Incident;
}

export interface OutboxEntry {
  id: string;
  rev: number;
  payload: string;
}

/** Abuse-limit counters, shared by every web and worker process (see src/domain/limits.ts). */
export interface RateLimiter {
  /**
   * Counts one event against every bucket if each has room (all or nothing, atomically); otherwise
   * counts nothing and names the bucket that is full.
   */
  take(buckets: Bucket[], now: Date): Promise<LimitDecision>;
}

/** INC-2026-0042: year of creation and a per-year sequence, zero-padded to four digits. */
export const formatIncidentId = (year: number, n: number) => `INC-${year}-${String(n).padStart(4, "0")}`;
