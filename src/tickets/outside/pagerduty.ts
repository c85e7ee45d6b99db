// PagerDuty Events API v2: trigger, acknowledge and resolve, all keyed by dedup_key = the incident id,
// which is what makes a resend after a crash safe (PagerDuty folds a repeated trigger into the open
// incident) and what its webhooks give back as `incident_key`.
import { clip, PAGERDUTY_SEVERITY, type PagerDutyTarget } from "../../domain/outside.js";
import type { Incident } from "../../domain/incident.js";
import { DeliveryError } from "../notifier.js";
import { call, json } from "./http.js";

export interface PagerDutyEvent {
  routing_key: string;
  event_action: "trigger" | "acknowledge" | "resolve";
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: "critical" | "error" | "warning" | "info";
    timestamp?: string;
    component?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
  client?: string;
  client_url?: string;
  links?: Array<{ href: string; text: string }>;
}

/**
 * A new severity (update) is a trigger on the same dedup_key: PagerDuty folds it into the open alert and
 * takes its severity and summary. A reopen is a trigger too: the old alert is resolved, so it opens a new one.
 */
const ACTION = { open: "trigger", update: "trigger", reopen: "trigger", acknowledge: "acknowledge", resolve: "resolve" } as const;
export type PagerDutyAction = keyof typeof ACTION;

/** The event for `action` on `incident`; `ticketLink` (the chat ticket or Jira issue) goes in links. */
export function pagerDutyEvent(incident: Incident, action: PagerDutyAction, target: PagerDutyTarget, routingKey: string, links: Array<{ href: string; text: string }>): PagerDutyEvent {
  const event: PagerDutyEvent = { routing_key: routingKey, event_action: ACTION[action], dedup_key: incident.id };
  if (event.event_action !== "trigger") return event;
  const c = incident.classification;
  return {
    ...event,
    payload: {
      summary: clip(`${c.severity} AI ${c.primary} incident ${incident.id}: ${incident.title}`, 1024),
      source: target.source,
      severity: PAGERDUTY_SEVERITY[c.severity],
      timestamp: incident.createdAt,
      component: incident.routing.queue,
      class: `ai-${c.primary}`,
      custom_details: {
        incident: incident.id,
        severity: c.severity,
        domain: incident.routing.domain,
        primary: c.primary,
        provisional: c.provisional,
        crossDomain: c.crossDomain,
        rationale: c.rationale,
        refs: c.refs.map((r) => `${r.id} ${r.name} (${r.framework})`),
      },
    },
    client: "ai-incident-triage",
    ...(links[0] ? { client_url: links[0].href } : {}),
    ...(links.length ? { links } : {}),
  };
}

export async function sendPagerDuty(eventsUrl: string, event: PagerDutyEvent, timeoutMs: number, credential: string): Promise<void> {
  // The Events API answers an unknown routing key with 400, not 401: name the variable all the same.
  const credentialHint = (e: unknown) => {
    if (e instanceof DeliveryError && e.permanent && /routing.?key/i.test(e.message)) throw new DeliveryError(`${e.message} (check ${credential})`, undefined, true);
    throw e;
  };
  await call(`${eventsUrl.replace(/\/$/, "")}/v2/enqueue`, { method: "POST", headers: { "content-type": "application/json" }, body: json(event) }, { service: "PagerDuty", credential, timeoutMs })
    .then((res) => res.text()) // read to the end, so the connection goes back to the pool
    .catch(credentialHint);
}
