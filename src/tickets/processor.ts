// What a worker does with a ticket job. Every step is idempotent: a job retried after a crash skips
// what the incident's timeline says was already sent, and timers that are no longer current do nothing.
// Each message is sent exactly once in effect: its intent is recorded before the platform is called,
// and a retry that finds an intent without an outcome looks on the platform before sending again.
import type { Clock } from "../clock.js";
import { obligationClocks, obligationLines, staleReminder, timeLeftText, deadlineText } from "../domain/clocks.js";
import { domainOfRoute, escalate, type Incident, type TimelineEvent } from "../domain/incident.js";
import { timerMinutes } from "../domain/escalation-timer.js";
import type { Obligations } from "../domain/obligations-file.js";
import { HOUR_MS, limitReason, pageBuckets, type LimitPolicy } from "../domain/limits.js";
import { levelCount, onCall, person, summaryTimeZone, type Destinations, type Person, type Roster } from "../domain/roster.js";
import type { Domain } from "../domain/vocabulary.js";
import type { Logger } from "../log.js";
import type { IncidentStore, RateLimiter } from "../store/types.js";
import type { JobContext } from "./bullmq-queue.js";
import type { JobQueue, TicketJob } from "./jobs.js";
import { traced } from "../tracing.js";
import { scheduleReminders } from "./reminders.js";
import { tagPlatform } from "./delivery-observer.js";
import { editUntilStable, groupKey, groupOf, groupRef, membersOf } from "./group.js";
import type { OutsideDelivery } from "./outside/runner.js";
import { DeliveryError, destinationKey, type Destination, type Message, type Notifier, type Outbound } from "./notifier.js";
import type { ChannelPacer } from "../store/channel-pacer.js";
import { StormGrouping, type StormDeps } from "./storm.js";
import { sameSubscriber, subscriberOf } from "../domain/status.js";
import type { Subscriber } from "../domain/status-record.js";
import { RoomOpener } from "./rooms.js";
import { incidentRooms, roomsWanted } from "../domain/incident-room.js";

export interface ProcessorDeps {
  incidents: IncidentStore;
  roster: Roster;
  notifier: Notifier;
  queue: JobQueue;
  clock: Clock;
  log: Logger;
  /** the paging limit per domain (src/domain/limits.ts); without both, every page is sent. */
  limiter?: RateLimiter;
  limits?: LimitPolicy;
  /** a delivery still failing this long after it was due is late: the roster's fallback hears of it */
  lateAfterMs?: number;
  /** PagerDuty, Opsgenie and Jira (src/tickets/outside); without it, "outside" jobs fail permanently. */
  outside?: OutsideDelivery;
  /** the reporting obligations (OBLIGATIONS_FILE): clocks on the cards and their reminders; none without. */
  obligations?: Obligations;
  /** incident storms (src/domain/storm.ts): without it, every incident gets its own card. */
  storms?: StormDeps;
  /** paces posts per channel under the platform's limit (src/store/channel-pacer.ts); without it, none. */
  pacer?: ChannelPacer;
}

/** Platforms whose channels take about one post per second: posts to them are paced. */
const PACED = new Set(["slack", "teams"]);

/** No post slot for the channel yet: the job comes back after `retryAfterMs` without using an attempt. */
export class PacedError extends DeliveryError {
  readonly paced = true;
}

export class TicketProcessor {
  private readonly storms?: StormGrouping;
  private readonly opener: RoomOpener;
  constructor(private readonly d: ProcessorDeps) {
    this.opener = new RoomOpener(d, (i, key, m) => this.sendOnce(i, key, m), (domain) => this.channels(domain), (i) => this.obligationLinesOf(i));
    if (d.storms) this.storms = new StormGrouping(d.storms, d, (i, key, m) => this.sendOnce(i, key, m), (domain) => this.channels(domain));
  }

  async run(job: TicketJob, ctx?: JobContext): Promise<string> {
    try {
      return await this.runJob(job, ctx);
    } catch (err) {
      // A PagerDuty or Opsgenie page is a page too: its long failure is told to the fallback as well.
      const outsidePage = job.name === "outside" && (job.action === "open" || job.action === "reopen") && job.service !== "jira";
      if (ctx && (job.name === "deliver" || job.name === "page" || outsidePage)) await this.alertIfLate(job, ctx, err);
      if (ctx && outsidePage && (err as { permanent?: boolean }).permanent) await this.tellOutsidePageFailed(job, ctx, err);
      throw err;
    }
  }

  /**
   * A ticket or page still failing past DELIVERY_LATE_AFTER_MS: the domain's fallback destination is
   * told once per job (recorded like any delivery), so a long outage of the usual channel is never
   * only a log line. Its own failure is logged and never hides the delivery's error.
   */
  private async alertIfLate(job: TicketJob, ctx: JobContext, err: unknown): Promise<void> {
    const lateAfter = this.d.lateAfterMs;
    if (lateAfter === undefined || this.d.clock.now().getTime() - ctx.dueAt <= lateAfter) return;
    if ((err as { permanent?: boolean }).permanent) return;
    try {
      let incident = await this.load(job.incidentId);
      const fallback = this.d.roster.domains[incident.routing.domain].fallback;
      const to = fallback ? destinationsOf(fallback).filter((d) => this.d.notifier.platforms.includes(d.platform)) : [];
      const what = job.name === "outside" ? `the ${job.service === "pagerduty" ? "PagerDuty" : "Opsgenie"} page` : job.name === "page" ? "the page to the on-call" : `the ticket to the ${incident.routing.domain} channel`;
      const minutes = Math.round((this.d.clock.now().getTime() - ctx.dueAt) / 60_000);
      const text = `${incident.classification.severity}, ${incident.routing.domain}: ${what} has failed for ${minutes} min (${String((err as Error).message ?? err).slice(0, 200)}). Still retrying; reach the on-call another way if it cannot wait.`;
      await this.sendAll(incident, to.map((d): Send => ({ key: `late:${ctx.jobId}:${destinationKey(d)}`, message: { kind: "update", incident, to: d, text } })));
    } catch (e) {
      this.d.log.error({ incidentId: job.incidentId, jobId: ctx.jobId, err: (e as Error).message }, "late-delivery alert to the fallback destination failed");
    }
  }

  /**
   * A PagerDuty or Opsgenie page that can never go out (a refused credential): the domain's channels
   * are told once, so nobody trusts a phone that will not ring. Logged, never hiding the job's error.
   */
  private async tellOutsidePageFailed(job: TicketJob, ctx: JobContext, err: unknown): Promise<void> {
    if (job.name !== "outside") return;
    try {
      let incident = await this.load(job.incidentId);
      const service = job.service === "pagerduty" ? "PagerDuty" : "Opsgenie";
      const text = `${incident.classification.severity}, ${incident.routing.domain}: the ${service} page for ${incident.id} could not be sent (${String((err as Error).message).slice(0, 200)}). The on-call was paged here only. Once fixed: \`triage tickets replay ${ctx.jobId}\`.`;
      for (const to of this.channels(domainOfRoute(incident, job.route))) {
        // This runs once, as the job fails for good: a paced channel is waited for here (a minute at
        // most), since no retry of the job will come back to say it.
        for (let waited = 0; ; ) {
          try {
            incident = await this.sendOnce(incident, `outside-failed:${ctx.jobId}:${destinationKey(to)}`, { kind: "update", incident, to, text });
            break;
          } catch (e) {
            const wait = e instanceof PacedError ? (e.retryAfterMs ?? 1000) : undefined;
            if (wait === undefined || waited + wait > 60_000) throw e;
            waited += wait;
            await new Promise((r) => setTimeout(r, wait));
          }
        }
      }
    } catch (e) {
      this.d.log.error({ incidentId: job.incidentId, jobId: ctx.jobId, err: (e as Error).message }, "telling the channel of a failed outside page failed");
    }
  }

  private async runJob(job: TicketJob, ctx?: JobContext): Promise<string> {
    switch (job.name) {
      case "deliver":
        return this.deliver(job.incidentId, job.routeCount);
      case "escalate":
        return this.escalate(job.incidentId, job.gen);
      case "page":
        return this.page(job.incidentId, job.gen);
      case "update":
        return this.update(job.incidentId, job.rev, job.text, job.route);
      case "outside":
        if (!this.d.outside) throw new DeliveryError("no outside services in this process", undefined, true);
        return this.d.outside.run(job);
      case "obligation-reminder":
        return this.remind(job);
      case "joined":
        // Outside a storm: a reply under the incident's card, as any update.
        return (await this.storms?.joined(job.incidentId, job.rev)) ?? this.update(job.incidentId, job.rev, job.text);
      case "storm":
        if (!this.storms) return "storm grouping is off";
        return this.storms.refresh(job.incidentId, ctx);
      case "status":
        return this.statusUpdate(job);
      case "channel":
        return this.opener.open(job.incidentId);
    }
  }

  private async load(id: string): Promise<Incident> {
    const incident = await this.d.incidents.get(id);
    // Not retryable: an id that is not stored will not appear by waiting.
    if (!incident) throw new DeliveryError(`incident ${id} not found`, undefined, true);
    return incident;
  }

  private async deliver(id: string, routeCount: number): Promise<string> {
    let incident = await this.load(id);
    if (incident.routeCount !== routeCount) return "superseded by a reroute";
    if (incident.status === "resolved") {
      await this.d.incidents.markDelivered(id);
      return "already resolved";
    }
    // Over an abuse limit: one grouped message per reporter, no ticket card, no page, no timer.
    if (incident.limited) return this.deliverGrouped(incident, routeCount);
    // One of many reports of one outage: listed under the storm's parent card, not posted on its own.
    const grouped = await this.storms?.group(incident);
    if (grouped) return grouped;
    const domain = incident.routing.domain;
    // PagerDuty, Opsgenie, Jira: jobs of their own, so a chat outage never holds up the page (or back).
    const outside = this.d.outside?.opens(incident) ?? [];
    for (const job of outside.filter((j) => j.service !== "jira")) await this.d.queue.add(domain, job);
    const oncall = onCall(this.d.roster, domain, incident.level, this.d.clock.now());
    const r = `r${routeCount}`;
    const current: Guard = (cur) => (cur.routeCount !== routeCount ? "rerouted before it was sent" : undefined);
    // A page that waited (rate limit, outage) must not go out once someone has acknowledged.
    const unanswered: Guard = (cur) => current(cur) ?? (cur.status === "acknowledged" || cur.status === "resolved" ? `${cur.status} before it was sent` : undefined);
    // Ticket cards, pages, cross-domain notes: their intents in one write, their outcomes in one more.
    const sends: Send[] = this.channels(domain).map((to) => ({ key: `${r}:ticket:${destinationKey(to)}`, message: { kind: "ticket", incident, to, level: incident.level, oncall }, guard: current }));
    // A report filed over an abuse limit is posted but pages nobody (src/domain/limits.ts).
    const pages = incident.limited ? [] : this.personal(oncall, domain);
    const pageKeys = pages.map((to) => `${r}:page:${destinationKey(to)}`);
    const reason = `you are on call (level ${incident.level + 1}) for ${domain}`;
    pages.forEach((to, n) => sends.push({ key: pageKeys[n]!, message: { kind: "page", incident, to, level: incident.level, person: oncall, reason }, guard: unanswered }));
    for (const other of incident.routing.cc) {
      for (const to of this.channels(other)) sends.push({ key: `${r}:cc:${destinationKey(to)}`, message: { kind: "cross-domain", incident, to, domain: other } });
    }
    const decided = sends.map((x) => x.key);
    incident = await this.sendAll(incident, sends, pages.length ? (i) => this.mayPage(i, pageKeys, decided) : undefined);
    // The Jira issue after the ticket: it links the ticket, and the card is there to show its link.
    for (const job of outside.filter((j) => j.service === "jira")) await this.d.queue.add(domain, job);
    await this.scheduleEscalation(incident);
    await scheduleReminders(this.d.queue, this.d.obligations, incident, this.d.clock.now());
    // SEV1/SEV2 (as configured): a channel of its own, opened by a job of its own after the ticket is out.
    if (roomsWanted(incident, this.d.roster).length) await this.d.queue.add(domain, { name: "channel", incidentId: id, rev: incident.rev });
    await this.d.incidents.markDelivered(id);
    return "delivered";
  }

  /**
   * A report over a limit joins its reporter's group message in each channel: the group's first report
   * posts it (exactly once, like a ticket), the others edit it, waiting (retrying) until it exists.
   */
  private async deliverGrouped(incident: Incident, routeCount: number): Promise<string> {
    const windowMs = this.d.limits?.windowMs ?? HOUR_MS;
    const read = () => groupOf(this.d.incidents, incident, windowMs, this.d.clock.now());
    const first = (await read())[0] ?? incident;
    for (const to of this.channels(incident.routing.domain)) {
      const dk = destinationKey(to);
      if (first.id === incident.id) {
        const members = membersOf(await read());
        incident = await this.sendOnce(incident, groupKey(dk), { kind: "group", incident, to, reporter: incident.reporter, members });
      }
      const owner = first.id === incident.id ? incident : await this.load(first.id);
      const { ref } = groupRef(owner, to, dk);
      if (ref) {
        const key = `${owner.id}.${groupKey(dk)}`;
        const shown = await editUntilStable(read, async (g) => void (await this.d.notifier.send({ kind: "group", incident: owner, to, reporter: owner.reporter, members: membersOf(g), ref, key })));
        this.d.log.info({ incidentId: incident.id, group: owner.id, to: dk, reports: shown }, "over-limit report grouped");
      } else if (owner.id !== incident.id) {
        // A platform that cannot edit (webhook, console) hears of each one, still as a group message.
        incident = await this.sendOnce(incident, groupKey(dk), { kind: "group", incident, to, reporter: incident.reporter, members: membersOf(await read()) });
      }
      // Its place in the channel is the group message: recorded like a delivery, nothing more to send.
      const mine = `r${routeCount}:grouped:${dk}`;
      const at = this.d.clock.now().toISOString();
      incident =
        (await this.d.incidents.update(incident.id, (cur) =>
          cur.timeline.some((e) => finished(e, mine)) ? undefined : { ...cur, timeline: [...cur.timeline, { type: "delivered", at, to: mine, level: cur.level, ...(ref ? { ref } : {}) }] },
        )) ?? incident;
    }
    await this.d.incidents.markDelivered(incident.id);
    return "grouped";
  }

  private async escalate(id: string, timer: number): Promise<string> {
    const incident = await this.load(id);
    let fired = incident.timeline.findLast((e) => e.type === "escalated" && e.timer === timer);
    if (!fired) {
      if (incident.escalationGen !== timer) return "stale timer (acknowledged, escalated or rerouted since)";
      const levels = levelCount(this.d.roster, incident.routing.domain);
      const updated = await this.d.incidents.update(id, (cur) => {
        if (cur.escalationGen !== timer) return undefined;
        // The wait this timer was armed for, which a severity lowered meanwhile did not lengthen.
        const waited = timerMinutes(cur, this.d.roster.domains[cur.routing.domain].escalationMinutes);
        const r = escalate(cur, this.d.roster, undefined, this.d.clock.now(), levels, waited);
        return r.ok && r.changed ? r.incident : undefined;
      });
      fired = updated?.timeline.findLast((e) => e.type === "escalated" && e.timer === timer);
      if (!fired) return "no escalation needed";
    }
    // Recorded; the page is its own idempotent job so a crash here cannot lose or repeat it.
    if (fired.type === "escalated") await this.d.queue.add(incident.routing.domain, { name: "page", incidentId: id, gen: fired.gen });
    return "escalated";
  }

  private async page(id: string, gen: number): Promise<string> {
    let incident = await this.load(id);
    const event = incident.timeline.find((e) => e.type === "escalated" && e.gen === gen);
    if (!event || event.type !== "escalated") return "no such escalation";
    if (incident.status === "resolved") return "already resolved";
    const person = onCall(this.d.roster, incident.routing.domain, event.level, this.d.clock.now());
    const level = event.level;
    // An escalation someone chose to make is always paged; timer escalations count against the limit.
    const pages = this.personal(person, incident.routing.domain);
    const pageKeys = pages.map((to) => `p${gen}:page:${destinationKey(to)}`);
    // Grafana OnCall's rule: a page goes out only while its escalation is the active one. Checked in
    // the same compare-and-set that records the intents, so an acknowledgement stored first stops it.
    const active: Guard = (cur) =>
      cur.status === "acknowledged" || cur.status === "resolved" ? `${cur.status} before it was sent` : cur.escalationGen !== gen ? "a newer escalation superseded it" : undefined;
    const sends: Send[] = pages.map((to, n) => ({ key: pageKeys[n]!, message: { kind: "page", incident, to, level, person, reason: event.reason }, guard: active }));
    const text = `Escalated to level ${level + 1} (${person.name}): ${event.reason}.`;
    for (const to of this.channels(incident.routing.domain)) sends.push({ key: `p${gen}:update:${destinationKey(to)}`, message: { kind: "update", incident, to, text }, guard: active });
    for (const to of this.rooms(incident)) sends.push({ key: `p${gen}:room:${destinationKey(to)}`, message: { kind: "update", incident, to, text }, guard: active });
    const decided = sends.map((x) => x.key);
    incident = await this.sendAll(incident, sends, !event.by && pages.length ? (i) => this.mayPage(i, pageKeys, decided) : undefined);
    // The level now on call joins the incident channels.
    if (incidentRooms(incident).length) await this.d.queue.add(incident.routing.domain, { name: "channel", incidentId: id, rev: incident.rev });
    await this.scheduleEscalation(incident);
    return `paged level ${level + 1}`;
  }

  /**
   * A status update (src/domain/status.ts): posted where the incident is discussed, then to each
   * subscriber. Every send is recorded before it is made (sendAll), under a key of the update's record
   * version and the destination, so a retried or replayed job sends nothing twice and loses nothing.
   */
  private async statusUpdate(job: Extract<TicketJob, { name: "status" }>): Promise<string> {
    const incident = await this.load(job.incidentId);
    const by = job.by.name ?? job.by.userId;
    const sends = this.statusTextSends(incident, job.rev, `Status update by ${by}: ${job.text}`);
    const text = `${incident.id} (${incident.classification.severity}, ${incident.routing.domain}) status update by ${by}: ${job.text}`;
    const author = subscriberOf(this.d.roster, job.by);
    let told = 0;
    for (const s of incident.subscribers ?? []) {
      // The author knows what they wrote.
      if (sameSubscriber(s, author)) continue;
      const { person: p, to } = this.subscriberReach(s, incident.routing.domain);
      for (const d of to) sends.push({ key: `st${job.rev}:notify:${destinationKey(d)}`, message: { kind: "reminder", about: "status", incident, to: d, person: p, text } });
      told += to.length ? 1 : 0;
    }
    // Card, threads, rooms and subscribers: one timeline write before the sends, one after.
    await this.sendAll(incident, sends);
    return `status update posted; ${told} subscriber${told === 1 ? "" : "s"} told`;
  }

  /**
   * Where a status update's text is posted: in each ticket thread of its domain's channels and in its
   * incident channels, as an update (which also re-renders each card, the pinned one included, with the
   * new status line).
   */
  private statusTextSends(incident: Incident, rev: number, text: string): Send[] {
    return [
      ...this.channels(incident.routing.domain).map((to): Send => ({ key: `st${rev}:update:${destinationKey(to)}`, message: { kind: "update", incident, to, text } })),
      ...this.rooms(incident).map((to): Send => ({ key: `st${rev}:room:${destinationKey(to)}`, message: { kind: "update", incident, to, text } })),
    ];
  }

  /** Where a subscriber is told: a roster person where they are paged, anyone else on the platform they subscribed from. */
  private subscriberReach(s: Subscriber, domain: Domain): { person: Person; to: Destination[] } {
    if ("person" in s) {
      const p = person(this.d.roster, s.person);
      return p ? { person: p, to: this.personal(p, domain) } : { person: { id: s.person, name: s.person }, to: [] };
    }
    const address = s.platform === "console" ? `@${s.userId}` : s.userId;
    const to: Destination[] = s.platform === "webhook" ? [] : [{ platform: s.platform, address }];
    return { person: { id: s.userId, name: s.name ?? s.userId }, to: to.filter((d) => this.d.notifier.platforms.includes(d.platform)) };
  }

  /** `route`: an earlier routing's card, told in the channels of the domain it was in (a reroute). */
  private async update(id: string, rev: number, text: string, route?: number): Promise<string> {
    let incident = await this.load(id);
    const domain = route === undefined ? incident.routing.domain : domainOfRoute(incident, route);
    const sends = this.channels(domain).map((to): Send => ({ key: `u${rev}:update:${destinationKey(to)}`, message: { kind: "update", incident, to, text, ...(route === undefined ? {} : { route }) } }));
    // The incident channels' pinned cards are kept current (showing the current routing, also when this
    // update retires an older routing's card after a reroute) and hear the news too.
    for (const to of this.rooms(incident)) sends.push({ key: `u${rev}:room:${destinationKey(to)}`, message: { kind: "update", incident, to, text } });
    await this.sendAll(incident, sends);
    return "updated";
  }

  /**
   * A reporting reminder to the assignee, the on-call of the current level and the roster's managers, each in their
   * personal chat, and to the ticket's channels, once per destination (the delivery key names the reminder and the destination). The
   * guard runs in the same compare-and-set that records the intent: marked reported, moved or no longer
   * applicable before it was sent means cancelled, never sent.
   */
  private async remind(job: Extract<TicketJob, { name: "obligation-reminder" }>): Promise<string> {
    const file = this.d.obligations;
    if (!file) return "no obligations file loaded";
    let incident = await this.load(job.incidentId);
    const now = this.d.clock.now();
    const stale = staleReminder(incident, file.regimes, { regimeId: job.regime, deadlineAt: job.deadlineAt }, now);
    if (stale) return `reminder not needed: ${stale}`;
    const clock = obligationClocks(incident, file.regimes, now).find((c) => c.regimeId === job.regime)!;
    const domain = incident.routing.domain;
    // Whoever took the ticket (the assignee), the on-call of its level, and the managers.
    const assignee = incident.assignee ? person(this.d.roster, incident.assignee) : undefined;
    const people = [assignee, onCall(this.d.roster, domain, incident.level, now), ...this.d.roster.managers.map((id) => person(this.d.roster, id))]
      .filter((p): p is Person => p !== undefined)
      .filter((p, n, all) => all.findIndex((q) => q.id === p.id) === n);
    const tz = summaryTimeZone(this.d.roster);
    const text = `${incident.id} (${incident.classification.severity}, ${domain}): ${clock.name} is due by ${deadlineText(clock.deadline.at, tz)} (${timeLeftText(clock.msLeft)}). Report to ${clock.reportTo}${clock.initialReportAllowed ? "; an incomplete initial report is allowed" : ""}. Mark it reported when sent: triage report ${incident.id} --regime ${clock.regimeId} --mark-sent.`;
    const guard: Guard = (cur) => staleReminder(cur, file.regimes, { regimeId: job.regime, deadlineAt: job.deadlineAt }, this.d.clock.now());
    const tag = `o.${job.regime}.${job.point}.${Date.parse(job.deadlineAt) / 1000}`;
    const sends: Send[] = [];
    for (const p of people) {
      for (const to of this.personal(p, domain)) sends.push({ key: `${tag}:remind:${destinationKey(to)}`, message: { kind: "reminder", incident, to, person: p, text }, guard });
    }
    // The ticket's channels hear it too, as an update: the card is re-rendered with the time left now.
    for (const to of this.channels(domain)) sends.push({ key: `${tag}:remind:${destinationKey(to)}`, message: { kind: "update", incident, to, text }, guard });
    await this.sendAll(incident, sends);
    return `reminded ${people.length} of ${job.regime}`;
  }

  /** The ticket card's obligation lines at this moment, in the roster's summary time zone. */
  private obligationLinesOf(i: Incident) {
    const file = this.d.obligations;
    if (!file) return undefined;
    const lines = obligationLines(obligationClocks(i, file.regimes, this.d.clock.now()), this.d.clock.now(), summaryTimeZone(this.d.roster));
    return lines.length ? lines : undefined;
  }

  /**
   * Counts one page against the domain's paging limit, once per page (not per destination, and not
   * again when a retried job finds it decided: any record under `decidedBy`, the keys of the job's
   * sends, since sendAll decides before it records its intents). Over the limit, each of its keys is
   * recorded as skipped, so sendAll passes it by and the ticket in the channel still tells the on-call.
   */
  private async mayPage(incident: Incident, keys: string[], decidedBy: string[] = keys): Promise<Incident> {
    if (!this.d.limiter || !this.d.limits) return incident;
    if (incident.timeline.some((e) => "to" in e && decidedBy.includes(e.to))) return incident;
    let decision;
    try {
      decision = await this.d.limiter.take(pageBuckets(this.d.limits, incident.routing.domain), this.d.clock.now());
    } catch (err) {
      this.d.log.warn({ incidentId: incident.id, err: (err as Error).message }, "rate limiter unavailable; paging anyway");
      return incident;
    }
    if (decision.ok) return incident;
    const reason = `paging limit reached: ${limitReason(decision.bucket)}`;
    this.d.log.warn({ incidentId: incident.id, domain: incident.routing.domain, limit: decision.bucket.name }, "page skipped: paging limit");
    const at = this.d.clock.now().toISOString();
    const updated = await this.d.incidents.update(incident.id, (cur) => {
      const fresh = keys.filter((k) => !cur.timeline.some((e) => "to" in e && e.to === k));
      return fresh.length ? { ...cur, timeline: [...cur.timeline, ...fresh.map((to) => ({ type: "page-skipped" as const, at, to, reason }))] } : undefined;
    }, { basis: incident });
    return updated ?? incident;
  }

  /** The next timer, unless acknowledged, resolved, limited, or already at the last level. */
  private async scheduleEscalation(i: Incident): Promise<void> {
    // A report over an abuse limit gets no timer either: a flood must not page level 2 later instead.
    if (i.status === "acknowledged" || i.status === "resolved" || i.limited) return;
    if (i.status === "escalated" && i.level >= levelCount(this.d.roster, i.routing.domain) - 1) return;
    const job: TicketJob = { name: "escalate", incidentId: i.id, gen: i.escalationGen };
    // A severity lowered since the level started waiting (before its delivery) never lengthens its wait.
    const minutes = timerMinutes(i, this.d.roster.domains[i.routing.domain].escalationMinutes);
    await this.d.queue.add(i.routing.domain, job, minutes * 60_000);
  }

  /** Sends `message` once: sendAll with one message. */
  private sendOnce(incident: Incident, key: string, message: Message, guard?: Guard): Promise<Incident> {
    return this.sendAll(incident, [{ key, message, ...(guard ? { guard } : {}) }]);
  }

  /**
   * Sends each of `sends` once, in order, and returns the incident as stored after them. Every intent
   * is recorded before anything is sent, in ONE compare-and-set on the incident that also checks each
   * send's `guard` (a message that is no longer wanted is recorded as cancelled instead); the outcomes
   * are recorded in ONE more after the last send. A previous intent without an outcome means a worker
   * died mid-send: the platform is asked whether the message arrived (by its key) before sending
   * again. A later message sees the earlier ones' outcomes (the page links the ticket) in memory.
   *
   * The first destination's post slot is taken before anything is recorded, so a paced channel leaves
   * the timeline as it was. `decide` runs after that and before the intents (the paging limit): a job
   * that recorded intents has decided, so a retry must not decide again (see mayPage).
   * If a send fails, what was sent is recorded, the failed one keeps its intent (it may have arrived)
   * and those never tried get theirs back as they were: nothing is lost, nothing looked up needlessly.
   */
  private async sendAll(incident: Incident, sends: Send[], decide?: (i: Incident) => Promise<Incident>): Promise<Incident> {
    let open = sends.filter((s) => !incident.timeline.some((e) => finished(e, s.key)));
    if (!open.length) return incident;
    const first = open[0]!;
    await this.pace(incident, first.message.to);
    if (decide) {
      incident = await decide(incident);
      open = open.filter((s) => !incident.timeline.some((e) => finished(e, s.key)));
    }
    const now = this.d.clock.now().toISOString();
    let claims: Claim[] = [];
    let refused: Array<{ send: Send; reason: string }> = [];
    const claimed = await this.d.incidents.update(
      incident.id,
      (cur) => {
        [claims, refused] = [[], []];
        const added: TimelineEvent[] = [];
        for (const send of open) {
          const { key } = send;
          if (cur.timeline.some((e) => finished(e, key))) continue;
          const reason = send.guard?.(cur);
          if (reason) {
            refused.push({ send, reason });
            added.push({ type: "cancelled", at: now, to: key, reason });
            continue;
          }
          const prior = cur.timeline.findLast((e): e is Sending => e.type === "sending" && e.to === key);
          const intent: Sending = { type: "sending", at: prior?.at ?? now, to: key, attempt: (prior?.attempt ?? 0) + 1 };
          claims.push({ send, prior, intent });
          added.push(intent);
        }
        if (!added.length) return undefined;
        const replaced = new Set(claims.map((c) => c.send.key));
        return { ...cur, timeline: [...cur.timeline.filter((e) => !(e.type === "sending" && replaced.has(e.to))), ...added] };
      },
      { basis: incident },
    );
    if (!claimed) throw new DeliveryError(`incident ${incident.id} not found`, undefined, true);
    for (const { send, reason } of refused) this.d.log.info({ incidentId: incident.id, to: send.key, kind: send.message.kind, reason }, "not sent: no longer wanted");
    if (!claims.length) return claimed;

    // What each send sees: the claimed record with the outcomes so far (not yet stored).
    let view = claimed;
    const outcomes: TimelineEvent[] = [];
    let tried = 0;
    // One log line for the job's sends, not one per message (found ones are logged as found).
    const sent: string[] = [];
    const logSent = () => sent.length && this.d.log.info({ incidentId: incident.id, to: sent }, "sent");
    try {
      for (const c of claims) {
        if (c.send !== first) await this.pace(view, c.send.message.to);
        tried++;
        // A page after other sends of this job: an acknowledgement may have landed while they were out
        // (the on-call pressed the card it just received). One read, no write: never page after an ack.
        if (c.send.message.kind === "page" && c.send.guard && c !== claims[0]) {
          const fresh = await this.d.incidents.get(incident.id);
          const reason = fresh ? c.send.guard(fresh) : "the incident is gone";
          if (reason) {
            this.d.log.info({ incidentId: incident.id, to: c.send.key, kind: "page", reason }, "not sent: no longer wanted");
            const event: TimelineEvent = { type: "cancelled", at: this.d.clock.now().toISOString(), to: c.send.key, reason };
            outcomes.push(event);
            view = { ...view, timeline: [...view.timeline.filter((e) => !(e.type === "sending" && e.to === c.send.key)), event] };
            continue;
          }
        }
        const { event, found } = await this.sendClaimed(view, c);
        if (!found) sent.push(`${c.send.message.kind} ${c.send.key}`);
        outcomes.push(event);
        view = { ...view, timeline: [...view.timeline.filter((e) => !(e.type === "sending" && e.to === c.send.key)), event] };
      }
    } catch (err) {
      logSent();
      // `tried` counts the claims that reached sendClaimed: a PacedError comes before it.
      const untried = claims.slice(tried);
      await this.settle(claimed, outcomes, untried).catch((e: Error) =>
        this.d.log.warn({ incidentId: incident.id, err: e.message }, "recording the sends before a failure failed; a retry looks on the platform first"),
      );
      throw err;
    }
    logSent();
    return (await this.settle(claimed, outcomes, [])) ?? view;
  }

  /** One claimed message to its platform (or found there after a crash); its outcome, not yet stored. */
  private async sendClaimed(incident: Incident, { send, prior }: Claim): Promise<{ event: TimelineEvent; found: boolean }> {
    const { key, message } = send;
    const lines = message.kind === "ticket" || message.kind === "page" || message.kind === "update" ? this.obligationLinesOf(incident) : undefined;
    const out = { ...message, incident, key: `${incident.id}.${key}`, ...(lines ? { obligations: lines } : {}) } as Outbound;
    const found = prior ? await this.d.notifier.find?.(out, new Date(prior.at)) : undefined;
    if (found) this.d.log.warn({ incidentId: incident.id, to: key, kind: message.kind }, "found on the platform after a crash: not sent again");
    // The platform goes with a failure, so the queue's metrics can say which one is failing.
    const sent =
      found ??
      (await traced(`send ${message.kind}`, { "triage.incident": incident.id, "triage.platform": message.to.platform, "triage.key": key }, () =>
        this.d.notifier.send(out).catch((e: unknown) => Promise.reject(tagPlatform(e, message.to.platform))),
      ));
    const at = this.d.clock.now().toISOString();
    const ref = sent ? { ref: sent.ref, ...(sent.link ? { link: sent.link } : {}) } : {};
    const event: TimelineEvent =
      message.kind === "cross-domain"
        ? { type: "cross-domain-noted", at, domain: message.domain, to: key, ...ref }
        : { type: "delivered", at, to: key, level: "level" in message ? message.level : incident.level, ...(message.kind === "page" ? { person: message.person.id } : {}), ...ref };
    return { event, found: found !== undefined };
  }

  /**
   * One compare-and-set after the sends: each outcome replaces its intent, and each claim never tried
   * gets back the intent it had before (none, or an earlier attempt's). Undefined when nothing changed.
   */
  private async settle(claimed: Incident, outcomes: TimelineEvent[], untried: Claim[]): Promise<Incident | undefined> {
    if (!outcomes.length && !untried.length) return undefined;
    return this.d.incidents.update(
      claimed.id,
      (cur) => {
        const done = outcomes.filter((o) => "to" in o && !cur.timeline.some((e) => finished(e, o.to)));
        // Only our own intent is given back: another worker's later attempt stays.
        const back = untried.filter((c) => cur.timeline.some((e) => e.type === "sending" && e.to === c.send.key && e.attempt === c.intent.attempt));
        if (!done.length && !back.length) return undefined;
        const keys = new Set([...done.map((o) => ("to" in o ? o.to : "")), ...back.map((c) => c.send.key)]);
        const restored = back.flatMap((c) => (c.prior ? [c.prior] : []));
        return { ...cur, timeline: [...cur.timeline.filter((e) => !(e.type === "sending" && keys.has(e.to))), ...restored, ...done] };
      },
      { basis: claimed },
    );
  }

  /**
   * Takes a post slot for the destination's channel, or throws a PacedError: the job comes back when
   * a slot is free, without using up an attempt. A pacer that cannot answer lets the post through
   * (the platform's own 429 is still honoured).
   */
  private async pace(incident: Incident, to: Destination): Promise<void> {
    if (!this.d.pacer || !PACED.has(to.platform)) return;
    let wait = 0;
    try {
      wait = await this.d.pacer.take(destinationKey(to));
    } catch (err) {
      this.d.log.warn({ incidentId: incident.id, to: destinationKey(to), err: (err as Error).message }, "channel pacer unavailable; posting unpaced");
    }
    // Jitter, so jobs waiting on one channel do not all come back at the same moment.
    if (wait > 0) throw new PacedError(`${destinationKey(to)} is paced: next post slot in ${wait} ms`, wait + Math.floor(Math.random() * 250));
  }

  private channels(domain: Domain): Destination[] {
    return destinationsOf(this.d.roster.domains[domain].destinations).filter((d) => this.d.notifier.platforms.includes(d.platform));
  }

  /** The incident's channels (src/domain/incident-room.ts) whose pinned card is up, on platforms served here. */
  private rooms(i: Incident): Destination[] {
    return incidentRooms(i)
      .filter((r) => r.ref && this.d.notifier.platforms.includes(r.platform))
      .map((r) => ({ platform: r.platform, address: r.address }));
  }

  /** Where a person is paged: their chat ids, and the console where the domain uses it. */
  private personal(p: Person, domain: Domain): Destination[] {
    const all: Destination[] = [
      ...(p.slack ? [{ platform: "slack" as const, address: p.slack }] : []),
      ...(p.teams ? [{ platform: "teams" as const, address: p.teams }] : []),
      ...(this.d.roster.domains[domain].destinations.console ? [{ platform: "console" as const, address: `@${p.id}` }] : []),
    ];
    return all.filter((d) => this.d.notifier.platforms.includes(d.platform));
  }
}

type Sending = Extract<TimelineEvent, { type: "sending" }>;
/** A message of a job, sent once under its delivery key unless `guard` says it is no longer wanted. */
interface Send {
  key: string;
  message: Message;
  guard?: Guard;
}
/** A send whose intent this run recorded: the intent, and the one it replaced (a crashed attempt's). */
interface Claim {
  send: Send;
  prior: Sending | undefined;
  intent: Sending;
}
/** Why a message must no longer go out, or undefined while it is still wanted. */
type Guard = (current: Incident) => string | undefined;

/** An outcome for delivery key `key` is on the timeline: sent, cancelled, or skipped by the paging limit. */
const finished = (e: TimelineEvent, key: string) =>
  (e.type === "delivered" || e.type === "cross-domain-noted" || e.type === "page-skipped" || e.type === "cancelled") && e.to === key;

export function destinationsOf(d: Destinations): Destination[] {
  return [
    ...(d.slack ? [{ platform: "slack" as const, address: d.slack.channel }] : []),
    ...(d.teams ? [{ platform: "teams" as const, address: d.teams.conversationId }] : []),
    ...(d.console ? [{ platform: "console" as const, address: d.console.channel }] : []),
    ...(d.webhook ? [{ platform: "webhook" as const, address: d.webhook.url }] : []),
  ];
}
