// The embedded backend: everything in this process, for the console bot and single-process use.
// It keeps the same contract as Redis (copies in and out, compare-and-set, windows by time).
import { DUPLICATE_WINDOW_MS } from "../domain/duplicates.js";
import { BUCKET_CAP, closest, epochOf, epochsFor, indexEntry, indexTiming, rankByBands } from "../domain/duplicate-index.js";
import { Incident, type IncidentDraft } from "../domain/incident.js";
import type { Answers } from "../domain/vocabulary.js";
import type { Clock } from "../clock.js";
import { formatIncidentId, type Conversation, type ConversationStore, type IncidentStore, type IncidentWindow, type OutboxEntry, type UpdateOptions } from "./types.js";

const copy = <T>(v: T): T => structuredClone(v);
const byCreation = (a: Incident, b: Incident) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id);

export class MemoryConversationStore implements ConversationStore {
  private readonly items = new Map<string, { conv: Conversation; expires: number }>();
  constructor(private readonly ttlSeconds: number, private readonly clock: Clock) {}

  async get(key: string): Promise<Conversation | undefined> {
    const hit = this.items.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.clock.now().getTime()) {
      this.items.delete(key);
      return undefined;
    }
    return copy(hit.conv);
  }

  async put(conv: Conversation, expectedRev: number | undefined): Promise<boolean> {
    const current = await this.get(conv.key);
    if (current?.rev !== expectedRev) return false;
    this.items.set(conv.key, { conv: copy(conv), expires: this.clock.now().getTime() + this.ttlSeconds * 1000 });
    return true;
  }

  async delete(key: string, expectedRev?: number): Promise<boolean> {
    const current = await this.get(key);
    if (!current || (expectedRev !== undefined && current.rev !== expectedRev)) return false;
    return this.items.delete(key);
  }
}

export interface MemoryIncidentStoreOptions {
  /** the duplicate window the bucket index serves (tests shorten it). */
  duplicateWindowMs?: number;
}

export class MemoryIncidentStore implements IncidentStore {
  private readonly byId = new Map<string, Incident>();
  private readonly convToId = new Map<string, string>();
  private readonly counters = new Map<number, number>();
  private readonly pending = new Map<string, number>();
  /** `{id}:{rev}` -> the entry and its time (ms): written with the record, as in Redis. */
  private readonly outbox = new Map<string, OutboxEntry & { at: number }>();
  /** epoch -> LSH bucket -> incident ids, and each indexed incident's sketch: as in Redis. */
  private readonly buckets = new Map<number, Map<string, Set<string>>>();
  private readonly sketches = new Map<string, { epoch: number; sketch: Uint32Array }>();
  private readonly windowMs: number;

  constructor(opts: MemoryIncidentStoreOptions = {}) {
    this.windowMs = opts.duplicateWindowMs ?? DUPLICATE_WINDOW_MS;
  }

  async create(draft: IncidentDraft) {
    const existing = this.convToId.get(draft.conversationId);
    if (existing) return { incident: copy(this.byId.get(existing)!), created: false };
    const year = new Date(draft.createdAt).getUTCFullYear();
    const n = (this.counters.get(year) ?? 0) + 1;
    this.counters.set(year, n);
    const incident = Incident.parse({ ...draft, id: formatIncidentId(year, n), rev: 1 });
    this.byId.set(incident.id, incident);
    this.convToId.set(draft.conversationId, incident.id);
    this.pending.set(incident.id, Date.parse(incident.createdAt));
    this.index(incident);
    return { incident: copy(incident), created: true };
  }

  private index(incident: Incident) {
    const t = Date.parse(incident.createdAt);
    this.expireBuckets(t);
    const entry = indexEntry(incident.answers);
    if (!entry) return;
    const epoch = epochOf(t, this.windowMs);
    let sets = this.buckets.get(epoch);
    if (!sets) this.buckets.set(epoch, (sets = new Map()));
    for (const b of entry.buckets) {
      let ids = sets.get(b);
      if (!ids) sets.set(b, (ids = new Set()));
      // the newest BUCKET_CAP ids, like the Redis store
      if (ids.size >= BUCKET_CAP) ids.delete(ids.values().next().value!);
      ids.add(incident.id);
    }
    this.sketches.set(incident.id, { epoch, sketch: entry.sketch });
  }

  /** Forgets epochs whose sets Redis would have expired by `now` (a little over the window after they end). */
  private expireBuckets(now: number) {
    const { epochMs, ttlMs } = indexTiming(this.windowMs);
    const gone = (epoch: number) => (epoch + 1) * epochMs + ttlMs <= now;
    for (const epoch of this.buckets.keys()) if (gone(epoch)) this.buckets.delete(epoch);
    for (const [id, s] of this.sketches) if (gone(s.epoch)) this.sketches.delete(id);
  }

  /** Index entries held: bucket memberships over all epochs, plus sketches (for tests of expiry). */
  indexEntries(): number {
    let n = this.sketches.size;
    for (const sets of this.buckets.values()) for (const ids of sets.values()) n += ids.size;
    return n;
  }

  async duplicateCandidates(answers: Answers, now: Date) {
    this.expireBuckets(now.getTime());
    const entry = indexEntry(answers);
    if (!entry) return [];
    const members: string[] = [];
    for (const epoch of epochsFor(now, this.windowMs)) {
      const sets = this.buckets.get(epoch);
      if (!sets) continue;
      for (const b of entry.buckets) {
        const ids = sets.get(b);
        if (ids?.size) members.push([...ids].join(" "));
      }
    }
    const from = now.getTime() - this.windowMs;
    // The ids sharing most bands, then the most similar of those (duplicate-index.ts), like Redis.
    const sketches = rankByBands(members).flatMap((id) => {
      const s = this.sketches.get(id);
      return s ? [{ id, sketch: s.sketch }] : [];
    });
    return closest(entry.sketch, sketches)
      .map((id) => this.byId.get(id)!)
      .filter((i) => {
        const t = Date.parse(i.createdAt);
        return t >= from && t <= now.getTime();
      })
      .sort(byCreation)
      .map(copy);
  }

  async get(id: string) {
    const i = this.byId.get(id);
    return i ? copy(i) : undefined;
  }

  async byConversation(conversationId: string) {
    const id = this.convToId.get(conversationId);
    return id ? this.get(id) : undefined;
  }

  async update(id: string, change: (current: Incident) => Incident | undefined, opts: UpdateOptions = {}) {
    const current = this.byId.get(id);
    if (!current) return undefined;
    const next = change(copy(current));
    if (!next) return copy(current);
    const stored = Incident.parse({ ...next, id, rev: current.rev + 1 });
    // Both or neither: nothing can run between these lines in one process.
    const payload = opts.outbox?.(copy(stored));
    this.byId.set(id, stored);
    if (payload !== undefined) this.outbox.set(`${id}:${stored.rev}`, { id, rev: stored.rev, payload, at: (opts.at ?? new Date()).getTime() });
    return copy(stored);
  }

  async outboxDone(id: string, rev: number) {
    this.outbox.delete(`${id}:${rev}`);
  }

  async outboxDue(before: Date) {
    return [...this.outbox.values()]
      .filter((e) => e.at < before.getTime())
      .sort((a, b) => a.at - b.at)
      .map(({ id, rev, payload }) => ({ id, rev, payload }));
  }

  async list(w: IncidentWindow) {
    const from = w.from.getTime();
    const to = w.to.getTime();
    const inWindow = [...this.byId.values()]
      .filter((i) => {
        const t = Date.parse(i.createdAt);
        return t >= from && t < to;
      })
      .sort(byCreation);
    const read = w.newest !== undefined ? inWindow.slice(Math.max(0, inWindow.length - w.newest)) : inWindow;
    return read.filter((i) => (!w.domain || i.routing.domain === w.domain) && (!w.status || i.status === w.status)).map(copy);
  }

  async undelivered(before: Date) {
    return [...this.pending].filter(([, t]) => t < before.getTime()).map(([id]) => id);
  }

  async markDelivered(id: string) {
    this.pending.delete(id);
  }

  async close() {}
}
