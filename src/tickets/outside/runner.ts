// Runs one outside job (src/tickets/outside/job.ts) the way the processor sends a chat message: the
// intent goes on the incident's timeline before the service is called, the outcome replaces it, so a
// retried job never calls twice what is recorded as done. A crash between the call and the record
// repeats the call, which each service folds into the first: PagerDuty by dedup_key, Opsgenie by alias,
// Jira by searching for the issue labelled with the incident id before creating another.
import type { Clock } from "../../clock.js";
import { domainOfRoute, type Incident, type TimelineEvent } from "../../domain/incident.js";
import { jiraIssue, outsideKey, type OutsideService } from "../../domain/outside.js";
import type { Roster } from "../../domain/roster.js";
import type { Domain } from "../../domain/vocabulary.js";
import type { Logger } from "../../log.js";
import type { IncidentStore } from "../../store/types.js";
import type { JobQueue } from "../jobs.js";
import { DeliveryError } from "../notifier.js";
import type { OutsideJob } from "./job.js";
import { JiraClient, jiraIssueFields } from "./jira.js";
import { openJobs } from "./mirror.js";
import { opsgenieCall, sendOpsgenie } from "./opsgenie.js";
import { pagerDutyEvent, sendPagerDuty } from "./pagerduty.js";
import { credentialName, type OutsideSettings } from "./settings.js";

export interface OutsideDeps {
  incidents: IncidentStore;
  roster: Roster;
  settings: OutsideSettings;
  queue: JobQueue;
  clock: Clock;
  log: Logger;
}

type Sending = Extract<TimelineEvent, { type: "sending" }>;
const finished = (e: TimelineEvent, key: string) => (e.type === "delivered" || e.type === "cancelled") && e.to === key;
const NAME: Record<OutsideService, string> = { pagerduty: "PagerDuty", opsgenie: "Opsgenie", jira: "Jira" };

export class OutsideDelivery {
  private readonly jira: JiraClient | undefined;
  constructor(private readonly d: OutsideDeps) {
    const j = d.settings.jira;
    this.jira = j ? new JiraClient({ ...j, timeoutMs: d.settings.timeoutMs }) : undefined;
  }

  /** The open jobs for an incident's current routing (its delivery job enqueues them). */
  opens(i: Incident): OutsideJob[] {
    return openJobs(this.d.roster, i);
  }

  async run(job: OutsideJob): Promise<string> {
    const incident = await this.d.incidents.get(job.incidentId);
    if (!incident) throw new DeliveryError(`incident ${job.incidentId} not found`, undefined, true);
    const domain = domainOfRoute(incident, job.route);
    if (!this.d.roster.domains[domain][job.service]) return `${job.service} is not turned on for ${domain}`;
    const key = outsideKey(job.service, job.action, job.route, job.rev);
    if (incident.timeline.some((e) => finished(e, key))) return "already sent";
    if (job.action !== "open") {
      const waiting = this.openState(incident, job);
      // A reopen opens again even what was never opened (acknowledged before its page went out): the
      // incident needs someone now. Everything else needs the open it refers to.
      const reopensPage = job.action === "reopen" && job.service !== "jira";
      if (waiting === "never" && !reopensPage) return `nothing to ${job.action}: never opened in ${NAME[job.service]}`;
      // Both are queued at once: an acknowledgement must not overtake the trigger it acknowledges.
      if (waiting === "pending") throw new DeliveryError(`${NAME[job.service]}: waiting for the open to be sent first`);
    }
    return this.sendOnce(incident, key, job, domain);
  }

  /** Whether the open a mirror refers to was sent ("sent"), is still to be sent, or will never be. */
  private openState(i: Incident, job: OutsideJob): "sent" | "pending" | "never" {
    if (job.service === "jira") {
      if (jiraIssue(i.timeline)) return "sent";
      const opens = i.timeline.filter((e) => "to" in e && typeof e.to === "string" && e.to.startsWith("out:jira:") && e.to.endsWith(":open"));
      return opens.length === 0 || opens.every((e) => e.type === "cancelled") ? "never" : "pending";
    }
    const open = outsideKey(job.service, "open", job.route, 0);
    const e = i.timeline.findLast((x) => "to" in x && x.to === open);
    if (e?.type === "delivered") return "sent";
    if (e?.type === "cancelled") return "never";
    // Started (perhaps sent, its worker gone): it will be sent again and recorded, never cancelled.
    if (e?.type === "sending") return "pending";
    // Not started: it will go out unless refuse() stops it, which it does in exactly these cases.
    const stopped = i.routeCount !== job.route || i.status === "acknowledged" || i.status === "resolved" || i.limited;
    return stopped ? "never" : "pending";
  }

  /**
   * Why a call must no longer go out, or undefined: an open or reopen is a page nobody needs once the
   * incident is acknowledged, resolved or rerouted; a new severity re-triggers PagerDuty, which must not
   * open a fresh page for an incident that was resolved or rerouted in the meantime.
   */
  private refuse(cur: Incident, job: OutsideJob): string | undefined {
    if (job.service === "jira") return job.action === "open" && jiraIssue(cur.timeline) ? "already linked" : undefined;
    if (job.action === "open" || job.action === "reopen") {
      if (cur.routeCount !== job.route) return "rerouted before it was sent";
      if (cur.status === "acknowledged" || cur.status === "resolved") return `${cur.status} before it was sent`;
    }
    if (job.action === "update") {
      if (cur.routeCount !== job.route) return "rerouted before it was sent";
      if (cur.status === "resolved") return "resolved before it was sent";
    }
    return undefined;
  }

  private async sendOnce(incident: Incident, key: string, job: OutsideJob, domain: Domain): Promise<string> {
    const now = this.d.clock.now().toISOString();
    let prior: Sending | undefined;
    let refused: string | undefined;
    let done = false;
    const claimed = await this.d.incidents.update(incident.id, (cur) => {
      [prior, refused, done] = [undefined, undefined, false];
      if (cur.timeline.some((e) => finished(e, key))) return void (done = true);
      prior = cur.timeline.findLast((e): e is Sending => e.type === "sending" && e.to === key);
      // An open that may already have reached the service is finished, not cancelled: what it opened
      // must be recorded, or its acknowledgement and resolve would never follow.
      refused = prior ? undefined : this.refuse(cur, job);
      if (refused) return { ...cur, timeline: [...cur.timeline, { type: "cancelled", at: now, to: key, reason: refused }] };
      const intent: Sending = { type: "sending", at: prior?.at ?? now, to: key, attempt: (prior?.attempt ?? 0) + 1 };
      return { ...cur, timeline: [...cur.timeline.filter((e) => !(e.type === "sending" && e.to === key)), intent] };
    });
    if (!claimed) throw new DeliveryError(`incident ${incident.id} not found`, undefined, true);
    if (done) return "already sent";
    if (refused) {
      this.d.log.info({ incidentId: incident.id, to: key, service: job.service, reason: refused }, "outside call not made: no longer wanted");
      return `not sent: ${refused}`;
    }
    const ref = await this.call(claimed, job, domain, key, prior !== undefined);
    const at = this.d.clock.now().toISOString();
    const event: TimelineEvent = { type: "delivered", at, to: key, level: claimed.level, ...(ref ?? {}) };
    const updated = await this.d.incidents.update(incident.id, (cur) =>
      cur.timeline.some((e) => finished(e, key)) ? undefined : { ...cur, timeline: [...cur.timeline.filter((e) => !(e.type === "sending" && e.to === key)), event] },
    );
    this.d.log.info({ incidentId: incident.id, service: job.service, action: job.action, to: key, ...(ref ? { ref: ref.ref } : {}) }, `sent to ${NAME[job.service]}`);
    // The Jira link belongs on the ticket card: an update job re-renders it (and tells its thread).
    if (job.service === "jira" && job.action === "open" && ref && updated) {
      await this.d.queue.add(updated.routing.domain, { name: "update", incidentId: updated.id, rev: updated.rev, text: `Jira issue ${ref.ref}${ref.link ? `: ${ref.link}` : ""}` });
    }
    return `${job.action} sent to ${NAME[job.service]}`;
  }

  /** The call itself; `retry`: an earlier attempt may have reached the service. */
  private async call(i: Incident, job: OutsideJob, domain: Domain, key: string, retry: boolean): Promise<{ ref: string; link?: string } | undefined> {
    const target = this.d.roster.domains[domain];
    const { settings } = this.d;
    const note = job.action === "resolve" ? resolveNote(i) : job.action === "acknowledge" ? ackNote(i) : (job.text ?? "");
    switch (job.service) {
      case "pagerduty": {
        const routingKey = settings.pagerduty.routingKeys[domain];
        if (!routingKey) throw new DeliveryError(`PagerDuty: ${credentialName("pagerduty", domain)} is not set`, undefined, true);
        // The Events API has no notes: mirrorJobs never makes one for PagerDuty.
        if (job.action === "note") throw new DeliveryError("PagerDuty takes no notes through the Events API", undefined, true);
        await sendPagerDuty(settings.pagerduty.eventsUrl, pagerDutyEvent(i, job.action, target.pagerduty!, routingKey, linksOf(i)), settings.timeoutMs, credentialName("pagerduty", domain));
        return undefined;
      }
      case "opsgenie": {
        if (!settings.opsgenie) throw new DeliveryError("Opsgenie: OPSGENIE_API_KEY is not set", undefined, true);
        await sendOpsgenie(settings.opsgenie.apiUrl, settings.opsgenie.apiKey, opsgenieCall(i, job.action, target.opsgenie!, note), settings.timeoutMs);
        return undefined;
      }
      case "jira": {
        if (!this.jira) throw new DeliveryError(`Jira: ${credentialName("jira", domain)} are not set`, undefined, true);
        if (job.action === "open") {
          const project = target.jira!.project;
          const found = retry ? await this.jira.find(project, i.id) : undefined;
          if (found) this.d.log.warn({ incidentId: i.id, issue: found }, "Jira issue found after a crash: not created again");
          const key = found ?? (await this.jira.create(jiraIssueFields(i, target.jira!, linksOf(i)[0]?.href)));
          return { ref: key, link: this.jira.browse(key) };
        }
        const issue = jiraIssue(i.timeline)!;
        if (job.action === "note" || job.action === "update") {
          await this.jira.comment(issue.key, note || "Edited in chat.", key, retry);
          return undefined;
        }
        const opened = i.timeline.find((e) => e.type === "delivered" && e.ref === issue.key && e.to.startsWith("out:jira:"));
        const route = Number(/^out:jira:r(\d+):/.exec(opened && "to" in opened ? opened.to : "")?.[1] ?? job.route);
        const jira = this.d.roster.domains[domainOfRoute(i, route)].jira ?? target.jira;
        const status = job.action === "reopen" ? (jira?.reopenStatus ?? "To Do") : (jira?.doneStatus ?? "Done");
        await this.jira.moveTo(issue.key, status, job.action === "reopen" ? "jira.reopenStatus" : "jira.doneStatus");
        return undefined;
      }
    }
  }
}

/** Links for the page: the ticket in chat (where it was posted with a link) and the Jira issue. */
function linksOf(i: Incident): Array<{ href: string; text: string }> {
  const ticket = i.timeline.findLast((e) => e.type === "delivered" && e.to.startsWith(`r${i.routeCount}:ticket:`) && e.link !== undefined);
  const jira = jiraIssue(i.timeline);
  return [
    ...(ticket?.type === "delivered" && ticket.link ? [{ href: ticket.link, text: `Ticket ${i.id}` }] : []),
    ...(jira?.link ? [{ href: jira.link, text: `Jira ${jira.key}` }] : []),
    ...(i.link ? [{ href: i.link, text: "Reported message" }] : []),
  ];
}

const actorName = (e: TimelineEvent | undefined) => (e && "by" in e && e.by ? (e.by.name ?? e.by.userId) : "someone");
const ackNote = (i: Incident) => `Acknowledged in chat by ${actorName(i.timeline.findLast((e) => e.type === "acknowledged"))}.`;
function resolveNote(i: Incident): string {
  const e = i.timeline.findLast((x) => x.type === "resolved" || x.type === "rerouted");
  if (e?.type === "rerouted") return `Rerouted from ${e.from} to ${e.to}: ${e.reason}`;
  return e?.type === "resolved" ? `Resolved in chat by ${actorName(e)}: ${e.note}` : "Resolved in chat.";
}
