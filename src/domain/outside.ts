// Paging and ticketing beyond chat: which outside services a domain uses (PagerDuty, Opsgenie, Jira),
// as roster fields, and the pure mappings from our incident to theirs. Credentials never live here:
// the roster only says a service is on; keys and tokens come from the environment (src/config.ts).
import { z } from "zod";
import type { Severity } from "./vocabulary.js";

export const OutsideService = z.enum(["pagerduty", "opsgenie", "jira"]);
export type OutsideService = z.infer<typeof OutsideService>;

/**
 * open: trigger the page / create the alert or issue; then mirrored from chat: acknowledge, resolve;
 * and the edits after filing (src/domain/edits.ts): update (a new severity: PagerDuty re-triggered on
 * the same dedup_key, Opsgenie's priority), note (an Opsgenie note, a Jira comment), reopen (PagerDuty
 * and Opsgenie opened again, the Jira issue moved back).
 */
export const OutsideAction = z.enum(["open", "acknowledge", "resolve", "update", "note", "reopen"]);
export type OutsideAction = z.infer<typeof OutsideAction>;

/** PagerDuty Events API v2; the routing key comes from PAGERDUTY_ROUTING_KEY_<DOMAIN>. */
export const PagerDutyTarget = z.strictObject({
  /** the event's `source` (what PagerDuty shows as the affected system). */
  source: z.string().min(1).max(255).default("ai-incident-triage"),
});
/** Opsgenie Alert API; the key comes from OPSGENIE_API_KEY. */
export const OpsgenieTarget = z.strictObject({
  /** an Opsgenie team to notify (by name); absent: the integration's own team. */
  team: z.string().min(1).max(100).optional(),
});
/** Jira Cloud REST API v3; site, email and API token come from JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN. */
export const JiraTarget = z.strictObject({
  project: z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, "a Jira project key such as AIS"),
  issueType: z.string().min(1).max(60).default("Task"),
  /** the status a resolved incident's issue is moved to (the transition leading there is used). */
  doneStatus: z.string().min(1).max(60).default("Done"),
  /** the status a reopened incident's issue is moved back to (default "To Do"). */
  reopenStatus: z.string().min(1).max(60).optional(),
});
export type PagerDutyTarget = z.infer<typeof PagerDutyTarget>;
export type OpsgenieTarget = z.infer<typeof OpsgenieTarget>;
export type JiraTarget = z.infer<typeof JiraTarget>;

/** The outside-service fields of a domain in the roster (spread into DomainRoster). */
export const OutsideTargets = {
  pagerduty: PagerDutyTarget.optional(),
  opsgenie: OpsgenieTarget.optional(),
  jira: JiraTarget.optional(),
};
export interface OutsideTargets {
  pagerduty?: PagerDutyTarget | undefined;
  opsgenie?: OpsgenieTarget | undefined;
  jira?: JiraTarget | undefined;
}

/** The services a domain's roster turns on, in a stable order. */
export const servicesOf = (d: OutsideTargets): OutsideService[] => OutsideService.options.filter((s) => d[s] !== undefined);

/** PagerDuty's payload.severity: SEV1 wakes someone (critical), SEV4 is informational. */
export const PAGERDUTY_SEVERITY: Record<Severity, "critical" | "error" | "warning" | "info"> = { SEV1: "critical", SEV2: "error", SEV3: "warning", SEV4: "info" };
/** Opsgenie's priority P1..P5; P5 is unused (our lowest severity is still worth a look). */
export const OPSGENIE_PRIORITY: Record<Severity, "P1" | "P2" | "P3" | "P4"> = { SEV1: "P1", SEV2: "P2", SEV3: "P3", SEV4: "P4" };

/** PagerDuty refuses a summary over 1024 characters; Opsgenie a message over 130. */
export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Delivery key (timeline `to`) of one outside call: the open of routing `route`, or a later mirror at record version `rev`. */
export function outsideKey(service: OutsideService, action: OutsideAction, route: number, rev: number): string {
  return action === "open" ? `out:${service}:r${route}:open` : `out:${service}:r${route}:${action}:${rev}`;
}

/** The Jira issue linked to an incident (its key and browse link), from the timeline. */
export function jiraIssue(timeline: ReadonlyArray<{ type: string; to?: string; ref?: string | undefined; link?: string | undefined }>): { key: string; link?: string } | undefined {
  const e = timeline.find((x) => x.type === "delivered" && x.to?.startsWith("out:jira:") && x.to.endsWith(":open") && x.ref);
  return e?.ref ? { key: e.ref, ...(e.link ? { link: e.link } : {}) } : undefined;
}
