// Opsgenie Alert API: create an alert whose alias is the incident id (a repeated create while it is open
// is folded into it, so a resend after a crash is safe), then acknowledge and close it by alias; an edit
// sets its priority or adds a note, by alias too.
// Opsgenie answers 202 with a requestId and does the work asynchronously: 202 counts as sent.
import { clip, OPSGENIE_PRIORITY, type OpsgenieTarget, type OutsideAction } from "../../domain/outside.js";
import type { Incident } from "../../domain/incident.js";
import { call, json } from "./http.js";

export interface OpsgenieCall {
  method: "POST" | "PUT";
  path: string;
  body: Record<string, unknown>;
}

/** The call for `action`; `note`: the acknowledgement or resolve note, or an edit's words for `note`. */
export function opsgenieCall(incident: Incident, action: OutsideAction, target: OpsgenieTarget, note: string): OpsgenieCall {
  const alias = encodeURIComponent(incident.id);
  const byAlias = (what: string) => `/v2/alerts/${alias}/${what}?identifierType=alias`;
  if (action === "acknowledge") return { method: "POST", path: byAlias("acknowledge"), body: { source: "ai-incident-triage", note: clip(note, 25_000) } };
  if (action === "resolve") return { method: "POST", path: byAlias("close"), body: { source: "ai-incident-triage", note: clip(note, 25_000) } };
  // Update Alert Priority and Add Note (Alert API): by alias, like the others.
  if (action === "update") return { method: "PUT", path: byAlias("priority"), body: { priority: OPSGENIE_PRIORITY[incident.classification.severity] } };
  if (action === "note") return { method: "POST", path: byAlias("notes"), body: { source: "ai-incident-triage", note: clip(note, 25_000) } };
  // open, and reopen: a create with the alias makes a new alert once the old one is closed.
  const c = incident.classification;
  return {
    method: "POST",
    path: "/v2/alerts",
    body: {
      message: clip(`${c.severity} AI ${c.primary}: ${incident.title}`, 130),
      alias: incident.id,
      description: clip([`${incident.id}: ${incident.title}`, "", ...c.rationale].join("\n"), 15_000),
      priority: OPSGENIE_PRIORITY[c.severity],
      source: "ai-incident-triage",
      tags: ["ai-incident", `ai-${c.primary}`, c.severity],
      details: { incident: incident.id, domain: incident.routing.domain, severity: c.severity, provisional: String(c.provisional), crossDomain: c.crossDomain.join(", ") || "none" },
      ...(target.team ? { responders: [{ name: target.team, type: "team" }] } : {}),
    },
  };
}

export async function sendOpsgenie(apiUrl: string, apiKey: string, c: OpsgenieCall, timeoutMs: number): Promise<void> {
  await call(`${apiUrl.replace(/\/$/, "")}${c.path}`, { method: c.method, headers: { "content-type": "application/json", authorization: `GenieKey ${apiKey}` }, body: json(c.body) }, { service: "Opsgenie", credential: "OPSGENIE_API_KEY", timeoutMs }).then((res) => res.text());
}
