// Incident storms in the worker (the decisions are src/domain/storm.ts's): a report of a storm is
// counted in the shared storm index; past the threshold a new incident is recorded as grouped under
// the storm's parent (no card, page, timer or FYI of its own) and a joined report is not told on its
// own. Either schedules the parent's refresh for the current period: one job per parent and period
// (its id holds the period), run after the period ends, that stores the rolling count on the parent,
// edits its card and lists the new reports in its thread, through the same record-then-send path as
// every delivery. Nothing is lost: each grouped report is a stored incident and listed under the parent.
import type { Clock } from "../clock.js";
import type { Incident } from "../domain/incident.js";
import {
  LINES_PER_REPLY,
  batchText,
  groupedEvent,
  inStorm,
  joinMember,
  isJoinMember,
  stormRole,
  stormSignature,
  stormTick,
  summarize,
  type StormLine,
  type StormPolicy,
} from "../domain/storm.js";
import type { Domain } from "../domain/vocabulary.js";
import type { Logger } from "../log.js";
import type { StormIndex } from "../store/storm-index.js";
import type { IncidentStore } from "../store/types.js";
import type { JobContext } from "./bullmq-queue.js";
import type { JobQueue } from "./jobs.js";
import { DeliveryError, destinationKey, type Destination, type Message } from "./notifier.js";

export interface StormDeps {
  index: StormIndex;
  policy: StormPolicy;
}

type SendOnce = (incident: Incident, key: string, message: Message) => Promise<Incident>;

/** A refresh runs this long after its period ends, so reports counted at the very end are in it. */
const AFTER_PERIOD_MS = 250;
/**
 * How long a refresh waits for the parent's card (still paced, or its platform down) before it tells
 * the channel anyway, without the card: a batch must never wait forever on a card that may not come.
 */
const CARD_WAIT_MS = 60_000;

export class StormGrouping {
  constructor(
    private readonly storms: StormDeps,
    private readonly d: { incidents: IncidentStore; queue: JobQueue; clock: Clock; log: Logger },
    private readonly sendOnce: SendOnce,
    private readonly channels: (domain: Domain) => Destination[],
  ) {}

  private get policy() {
    return this.storms.policy;
  }

  /** The storm is forgotten this long after its last report. */
  private get ttlMs() {
    return 2 * this.policy.windowMs;
  }

  /**
   * Groups a new incident under its storm's parent when it is one report too many: its outcome, or
   * undefined to deliver it as usual (alone, the parent, rerouted, already posted, or no index).
   */
  async group(incident: Incident): Promise<string | undefined> {
    if (this.policy.threshold <= 0 || incident.routeCount !== 1) return undefined;
    if (incident.stormOf) return this.grouped(incident, incident.stormOf);
    const signature = stormSignature(incident);
    // A card that may have gone out already (a retry) stays: the channel has it.
    if (!signature || incident.timeline.some((e) => (e.type === "delivered" || e.type === "sending") && e.to.startsWith("r1:ticket:"))) return undefined;
    let parent: string;
    let recent: number;
    try {
      const tally = await this.storms.index.note(signature, incident.id, new Date(incident.createdAt), { parent: incident.id, windowMs: this.policy.windowMs, ttlMs: this.ttlMs });
      const role = stormRole(incident.id, tally, this.policy);
      if (role.role !== "child") return undefined;
      [parent, recent] = [role.parent, tally.recent];
      const leader = await this.d.incidents.get(parent);
      // A storm whose parent was resolved starts again from this report: it is posted and leads.
      if (!leader || leader.status === "resolved") {
        await this.storms.index.replaceParent(signature, parent, incident.id);
        return undefined;
      }
    } catch (err) {
      // Grouping saves the channel; a ticket must never wait on it. Posted as usual instead.
      this.d.log.warn({ incidentId: incident.id, err: (err as Error).message }, "storm index unavailable; ticket posted on its own");
      return undefined;
    }
    const at = this.d.clock.now();
    const stored = await this.d.incidents.update(incident.id, (cur) =>
      cur.stormOf ? undefined : { ...cur, stormOf: parent, timeline: [...cur.timeline, groupedEvent(parent, at, recent, this.policy)] },
    );
    return this.grouped(stored ?? incident, stored?.stormOf ?? parent);
  }

  private async grouped(incident: Incident, parent: string): Promise<string> {
    await this.schedule(parent, incident.routing.domain);
    await this.d.incidents.markDelivered(incident.id);
    this.d.log.info({ incidentId: incident.id, parent }, "storm report grouped under its parent");
    return `grouped under ${parent}`;
  }

  /**
   * A joined report (record version `rev`): its outcome when it is told in the storm's next batch,
   * undefined to tell it as an update of its own (no storm, or the index cannot answer).
   */
  async joined(id: string, rev: number): Promise<string | undefined> {
    if (this.policy.threshold <= 0) return undefined;
    const incident = await this.d.incidents.get(id);
    const signature = incident && stormSignature(incident);
    if (!incident || !signature) return undefined;
    try {
      const tally = await this.storms.index.note(signature, joinMember(id, rev), this.d.clock.now(), {
        ...(incident.stormOf ? {} : { parent: incident.id }),
        windowMs: this.policy.windowMs,
        ttlMs: this.ttlMs,
      });
      const parent = incident.stormOf ?? (inStorm(tally, this.policy) ? tally.parent : undefined);
      if (!parent) return undefined;
      await this.schedule(parent, incident.routing.domain);
      return `joined report told in ${parent}'s storm batch`;
    } catch (err) {
      this.d.log.warn({ incidentId: id, err: (err as Error).message }, "storm index unavailable; joined report told on its own");
      return undefined;
    }
  }

  /** The refresh job of the current period (a no-op if already queued for it). */
  private async schedule(parent: string, domain: Domain): Promise<void> {
    const now = this.d.clock.now();
    const { tick, endsAt } = stormTick(now, this.policy);
    await this.d.queue.add(domain, { name: "storm", incidentId: parent, tick }, Math.max(0, endsAt - now.getTime()) + AFTER_PERIOD_MS);
  }

  /**
   * Stores the parent's rolling count, then lists the reports its thread has not listed yet (at most
   * LINES_PER_REPLY per reply; the rest in the next period's), each reply editing the card with it.
   */
  async refresh(parentId: string, ctx?: JobContext): Promise<string> {
    let parent = await this.d.incidents.get(parentId);
    const signature = parent && stormSignature(parent);
    if (!parent || !signature) return "no storm";
    const members = await this.storms.index.members(signature);
    if (!members.length) return "storm forgotten";
    const now = this.d.clock.now();
    parent = (await this.d.incidents.update(parentId, (cur) => ({ ...cur, storm: summarize(members, cur.storm, now) }))) ?? parent;
    const from = parent.storm?.listed ?? 0;
    const batch = members.slice(from, from + LINES_PER_REPLY);
    if (!batch.length) return "up to date";
    const channels = this.channels(parent.routing.domain);
    // The card is edited by the thread reply: until it is posted, wait (without using an attempt), for
    // a while (measured from when the job was first due, on the real clock like the queue's timers).
    const waited = ctx ? Date.now() - ctx.dueAt : Infinity;
    for (const to of channels) {
      const posted = parent.timeline.some((e) => e.type === "delivered" && e.to === `r${parent!.routeCount}:ticket:${destinationKey(to)}`);
      if (!posted && waited < CARD_WAIT_MS) throw new DeliveryError(`storm parent ${parentId}'s card is not posted in ${to.address} yet; retrying`, Math.min(this.policy.editEveryMs, 2_000));
    }
    const lines = await Promise.all(batch.map((m) => this.line(m)));
    const text = batchText(parent.id, lines, parent.storm!, from);
    for (const to of channels) parent = await this.sendOnce(parent, `storm${from}:update:${destinationKey(to)}`, { kind: "update", incident: parent, to, text });
    const listed = from + batch.length;
    parent = (await this.d.incidents.update(parentId, (cur) => (cur.storm && cur.storm.listed < listed ? { ...cur, storm: { ...cur.storm, listed } } : undefined))) ?? parent;
    if (members.length > listed) await this.schedule(parentId, parent.routing.domain);
    this.d.log.info({ incidentId: parentId, reports: parent.storm?.reports, listed }, "storm parent brought up to date");
    return `storm: ${listed} of ${members.length} reports listed`;
  }

  private async line(member: string): Promise<StormLine> {
    if (isJoinMember(member)) return { member };
    const i = await this.d.incidents.get(member);
    return i ? { member, incident: i } : { member };
  }
}
