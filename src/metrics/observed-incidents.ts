// Counts what happens to incidents where it is recorded: the incident store. Filing, acknowledging,
// resolving and escalating all end in one create() or update() on it, whichever process does it (a
// web request, a worker's escalation timer), so wrapping the store counts each exactly once with no
// metrics calls spread through the bot, the actions and the processor.
import type { Incident } from "../domain/incident.js";
import type { IncidentStore } from "../store/types.js";
import type { Metrics } from "./metrics.js";

export function observeIncidents(inner: IncidentStore, metrics: Metrics): IncidentStore {
  return {
    async create(draft) {
      const r = await inner.create(draft);
      // A retried last answer finds the incident already there: counted once, when it was created.
      if (r.created) metrics.incidentFiled(r.incident);
      return r;
    },
    async update(id, change, opts) {
      // The store may call `change` again after a conflict: the last call is the one it stored.
      let seen: { before: Incident; after: Incident | undefined } | undefined;
      const stored = await inner.update(id, (cur) => {
        const after = change(cur);
        seen = { before: cur, after };
        return after;
      }, opts);
      if (stored && seen?.after) transitions(seen.before, stored, metrics);
      return stored;
    },
    get: (id) => inner.get(id),
    byConversation: (c) => inner.byConversation(c),
    list: (w) => inner.list(w),
    duplicateCandidates: (answers, now) => inner.duplicateCandidates(answers, now),
    undelivered: (before) => inner.undelivered(before),
    markDelivered: (id) => inner.markDelivered(id),
    outboxDone: (id, rev) => inner.outboxDone(id, rev),
    outboxDue: (before) => inner.outboxDue(before),
    close: () => inner.close(),
  };
}

/** What one stored change did: a first acknowledgement, a resolution, new escalations. */
export function transitions(before: Incident, after: Incident, metrics: Metrics) {
  if (!before.acknowledgedAt && after.acknowledgedAt) metrics.acknowledged(after);
  if (!before.resolvedAt && after.resolvedAt) metrics.resolved(after);
  const known = before.timeline.filter((e) => e.type === "escalated").length;
  for (const e of after.timeline.filter((x) => x.type === "escalated").slice(known)) {
    if (e.type === "escalated") metrics.escalated(after, e.by ? "manual" : "timer");
  }
}
