// The environment of the outside services (PagerDuty, Opsgenie, Jira): credentials by fixed names, never
// in files, and base URLs that tests point at local fakes. Spread into the one Env schema of
// src/config.ts; outsideSettings() then checks them against what the roster turns on.
import { z } from "zod";
import { servicesOf, type OutsideService } from "../../domain/outside.js";
import type { Roster } from "../../domain/roster.js";
import type { Domain } from "../../domain/vocabulary.js";

const secret = z.string().min(1).max(4096).optional();
const base = (fallback: string) => z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).default(fallback);

export const OutsideEnv = z.object({
  /** PagerDuty Events API v2 integration ("routing") keys, one per domain's PagerDuty service. */
  PAGERDUTY_ROUTING_KEY_SAFETY: secret,
  PAGERDUTY_ROUTING_KEY_SECURITY: secret,
  PAGERDUTY_EVENTS_URL: base("https://events.pagerduty.com"),
  /** the V3 webhook subscription's signing secret: without it the inbound route is not mounted. */
  PAGERDUTY_WEBHOOK_SECRET: secret,
  OPSGENIE_API_KEY: secret,
  /** https://api.eu.opsgenie.com for an EU account. */
  OPSGENIE_API_URL: base("https://api.opsgenie.com"),
  /** the Jira Cloud site, e.g. https://example.atlassian.net */
  JIRA_BASE_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  JIRA_EMAIL: z.email().optional(),
  JIRA_API_TOKEN: secret,
  /** how long one call to an outside service may take before it counts as failed (and is retried). */
  OUTSIDE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});
export type OutsideEnv = z.infer<typeof OutsideEnv>;

export interface OutsideSettings {
  timeoutMs: number;
  pagerduty: { eventsUrl: string; routingKeys: Partial<Record<Domain, string>>; webhookSecret?: string };
  opsgenie?: { apiUrl: string; apiKey: string };
  jira?: { baseUrl: string; email: string; apiToken: string };
}

const ROUTING_KEY: Record<Domain, "PAGERDUTY_ROUTING_KEY_SAFETY" | "PAGERDUTY_ROUTING_KEY_SECURITY"> = {
  safety: "PAGERDUTY_ROUTING_KEY_SAFETY",
  security: "PAGERDUTY_ROUTING_KEY_SECURITY",
};

/** The variable that must be set for `service` in `domain` (for messages that name it). */
export const credentialName = (service: OutsideService, domain: Domain) =>
  service === "pagerduty" ? ROUTING_KEY[domain] : service === "opsgenie" ? "OPSGENIE_API_KEY" : "JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN";

export function outsideSettings(e: OutsideEnv, roster: Roster): { ok: true; settings: OutsideSettings } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const routingKeys: Partial<Record<Domain, string>> = {};
  let opsgenie = false;
  let jira = false;
  for (const domain of ["safety", "security"] as const) {
    for (const s of servicesOf(roster.domains[domain])) {
      if (s === "pagerduty") {
        const key = e[ROUTING_KEY[domain]];
        if (key) routingKeys[domain] = key;
        else problems.push(`${ROUTING_KEY[domain]}: required, the roster turns on PagerDuty for ${domain}`);
      } else if (s === "opsgenie") opsgenie = true;
      else jira = true;
    }
  }
  if (opsgenie && !e.OPSGENIE_API_KEY) problems.push("OPSGENIE_API_KEY: required, the roster turns on Opsgenie");
  if (jira) {
    for (const k of ["JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"] as const) if (!e[k]) problems.push(`${k}: required, the roster turns on Jira`);
  }
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      timeoutMs: e.OUTSIDE_TIMEOUT_MS,
      pagerduty: { eventsUrl: e.PAGERDUTY_EVENTS_URL, routingKeys, ...(e.PAGERDUTY_WEBHOOK_SECRET ? { webhookSecret: e.PAGERDUTY_WEBHOOK_SECRET } : {}) },
      ...(opsgenie ? { opsgenie: { apiUrl: e.OPSGENIE_API_URL, apiKey: e.OPSGENIE_API_KEY! } } : {}),
      ...(jira ? { jira: { baseUrl: e.JIRA_BASE_URL!, email: e.JIRA_EMAIL!, apiToken: e.JIRA_API_TOKEN! } } : {}),
    },
  };
}
