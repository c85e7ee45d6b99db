// The end of a walk-through: look for an open incident this report duplicates, file a new incident
// (idempotent on the conversation id), or join the duplicate; apply the reporter and workspace abuse
// limits. Over a limit the report is still filed and posted, only marked so nobody is paged for it.
import type { Clock } from "../clock.js";
import { sameActor } from "../domain/authz.js";
import { classify } from "../domain/classify.js";
import { findDuplicate } from "../domain/duplicates.js";
import { draftIncident, join, markLimited, type Incident } from "../domain/incident.js";
import { limitReason, reportBuckets, type LimitDecision, type LimitPolicy } from "../domain/limits.js";
import type { Flow } from "../domain/flow.js";
import { preTriageRecord } from "../domain/proposals.js";
import { summarizeHits } from "../domain/redact.js";
import type { RefCatalog } from "../domain/refs.js";
import { route } from "../domain/route.js";
import type { Roster } from "../domain/roster.js";
import { coreOf } from "../domain/vocabulary.js";
import type { Logger } from "../log.js";
import type { Conversation, DuplicateRef, IncidentStore, RateLimiter } from "../store/types.js";

/** Hands a filed incident to the on-call queues (idempotent per incident and routing). */
export interface TicketDispatcher {
  dispatch(incident: Incident): Promise<void>;
  /** Tells the incident's channel something new (a joined report) without paging anyone. */
  note?(incident: Incident, text: string): Promise<void>;
}

export interface FilingDeps {
  flow: Flow;
  refs: RefCatalog;
  roster: Roster;
  incidents: IncidentStore;
  tickets: TicketDispatcher;
  clock: Clock;
  /** abuse limits; without both, nothing is limited (tests, one-off tools). */
  limiter?: RateLimiter;
  limits?: LimitPolicy;
  log?: Logger;
}

/** `told`: the incident's channel got a note; `limited`: why not (over a report limit). */
export type JoinOutcome = { ok: true; incident: Incident; told: boolean; limited?: string } | { ok: false; message: string };

export class Filing {
  constructor(private readonly d: FilingDeps) {}

  async duplicateOf(conv: Conversation): Promise<DuplicateRef | undefined> {
    const now = this.d.clock.now();
    // Only incidents that share an LSH bucket with this report are read (none of the rest can be
    // similar enough, but for a 1% chance at the threshold); the exact rules then run on those.
    const candidates = await this.d.incidents.duplicateCandidates(conv.state.answers, now);
    const match = findDuplicate(conv.state.answers, candidates, now);
    if (!match) return undefined;
    const i = match.incident;
    const similarity = Math.round(match.similarity * 100) / 100;
    return { id: i.id, title: i.title, severity: i.classification.severity, primary: i.classification.primary, status: i.status, createdAt: i.createdAt, similarity };
  }

  /** Files the conversation's incident once; only the call that created it counts against the limits. */
  async file(conv: Conversation): Promise<Incident> {
    const classification = classify(coreOf(conv.state.answers), this.d.flow, this.d.refs);
    const routing = route(classification, this.d.roster);
    const redactions = summarizeHits((conv.redactions ?? []).filter((n) => conv.state.answers[n.question] !== undefined));
    const pretriage = preTriageRecord(conv.state);
    const draft = draftIncident({
      conversationId: conv.id,
      reporter: conv.user,
      answers: conv.state.answers,
      classification,
      routing,
      now: this.d.clock.now(),
      ...(conv.link ? { link: conv.link } : {}),
      ...(redactions.length ? { redactions } : {}),
      ...(pretriage ? { pretriage } : {}),
    });
    // Idempotent on the conversation id: a retried or double-clicked last answer files once, and
    // dispatching again is harmless because the delivery job id is derived from the incident.
    const { incident, created } = await this.d.incidents.create(draft);
    let filed = incident;
    if (created) {
      const limit = await this.take(conv.key);
      if (!limit.ok) {
        const reason = `reporter over the abuse limit: ${limitReason(limit.bucket)}`;
        filed = (await this.d.incidents.update(incident.id, (cur) => markLimited(cur, limit.bucket.name, reason, this.d.clock.now()))) ?? incident;
        this.d.log?.warn({ incidentId: filed.id, limit: limit.bucket.name, key: conv.key }, "report over an abuse limit: filed without a page");
      }
    }
    await this.d.tickets.dispatch(filed);
    return filed;
  }

  /** Adds the report to the open incident's timeline; its channel hears of it unless over a limit. */
  async join(conv: Conversation, incidentId: string): Promise<JoinOutcome> {
    const description = String(conv.state.answers.description ?? "");
    const notes = summarizeHits((conv.redactions ?? []).filter((n) => n.question === "description"));
    let refusal: string | undefined;
    let message = "";
    const stored = await this.d.incidents.update(incidentId, (cur) => {
      // A retried join (the conversation was not saved) must not add the report twice.
      if (cur.timeline.some((e) => e.type === "joined" && sameActor(e.by, conv.user) && e.description === description)) return undefined;
      const r = join(cur, conv.user, description, this.d.clock.now(), notes);
      if (!r.ok) refusal = r.message;
      else message = r.message;
      return r.ok ? r.incident : undefined;
    });
    if (!stored) return { ok: false, message: `There is no incident ${incidentId} any more.` };
    if (refusal) return { ok: false, message: refusal };
    if (!message || !this.d.tickets.note) return { ok: true, incident: stored, told: false };
    const limit = await this.take(conv.key);
    if (!limit.ok) return { ok: true, incident: stored, told: false, limited: limitReason(limit.bucket) };
    await this.d.tickets.note(stored, `${message} “${clip(description, 300)}”`);
    return { ok: true, incident: stored, told: true };
  }

  /** A limiter that cannot answer lets the report through: losing a report is worse than a page too many. */
  private async take(key: string): Promise<LimitDecision> {
    if (!this.d.limiter || !this.d.limits) return { ok: true };
    try {
      return await this.d.limiter.take(reportBuckets(this.d.limits, key), this.d.clock.now());
    } catch (err) {
      this.d.log?.warn({ err: (err as Error).message }, "rate limiter unavailable; report let through");
      return { ok: true };
    }
  }
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
