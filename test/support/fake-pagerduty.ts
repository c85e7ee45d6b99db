// A local PagerDuty: the Events API v2 (POST /v2/enqueue) refusing what the real one refuses (a missing
// or unknown routing_key, an invalid event_action, a summary over 1024 characters, a missing dedup_key
// on acknowledge/resolve), folding a trigger for an open dedup_key into that incident as PagerDuty
// does (taking its new severity and summary), a trigger after a resolve opening a new incident; and the sender of its V3 webhooks, signed like PagerDuty signs them.
import { createHmac, randomUUID } from "node:crypto";
import { FakeHttp, type FakeAnswer, type FakeRequest } from "./fake-http.js";

export interface PdIncident {
  routingKey: string;
  dedupKey: string;
  status: "triggered" | "acknowledged" | "resolved";
  /** trigger events folded into it (1 = triggered once). */
  triggers: number;
  payload: any;
  links?: any;
}

const SEVERITIES = ["critical", "error", "warning", "info"];
const invalid = (...errors: string[]): FakeAnswer => ({ status: 400, body: { status: "invalid event", message: "Event object is invalid", errors } });

export class FakePagerDuty {
  readonly incidents: PdIncident[] = [];
  private constructor(readonly http: FakeHttp, private readonly keys: Set<string>) {}

  static async start(routingKeys: string[]): Promise<FakePagerDuty> {
    let fake: FakePagerDuty | undefined;
    const http = await FakeHttp.start((r) => fake!.handle(r));
    fake = new FakePagerDuty(http, new Set(routingKeys));
    return fake;
  }

  get url() {
    return this.http.url;
  }
  /** The integration behind `key` is deleted (PagerDuty then refuses it as invalid) or restored. */
  revoke(key: string, revoked = true) {
    if (revoked) this.keys.delete(key);
    else this.keys.add(key);
  }
  /** The events received (valid or not), in order. */
  get events(): any[] {
    return this.http.requests.filter((r) => r.path === "/v2/enqueue").map((r) => r.body);
  }
  eventsFor(dedupKey: string, action?: string) {
    return this.events.filter((e) => e?.dedup_key === dedupKey && (!action || e.event_action === action));
  }
  incident(dedupKey: string) {
    return this.incidents.find((i) => i.dedupKey === dedupKey);
  }

  private handle(r: FakeRequest): FakeAnswer {
    if (r.method !== "POST" || r.path !== "/v2/enqueue") return { status: 404, body: { message: "Not Found" } };
    const e = r.body;
    if (typeof e !== "object" || e === null) return invalid("Event must be a JSON object");
    if (typeof e.routing_key !== "string" || !e.routing_key) return invalid("'routing_key' is missing or blank");
    if (!this.keys.has(e.routing_key)) return invalid("Invalid routing key");
    if (!["trigger", "acknowledge", "resolve"].includes(e.event_action)) return invalid("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
    if (e.dedup_key !== undefined && (typeof e.dedup_key !== "string" || e.dedup_key.length > 255)) return invalid("'dedup_key' is invalid");
    const open = this.incidents.find((i) => i.routingKey === e.routing_key && i.dedupKey === e.dedup_key && i.status !== "resolved");
    if (e.event_action === "trigger") {
      const p = e.payload;
      if (typeof p?.summary !== "string" || !p.summary) return invalid("'payload.summary' is missing or blank");
      if (p.summary.length > 1024) return invalid("'payload.summary' must be 1024 characters or fewer");
      if (typeof p.source !== "string" || !p.source) return invalid("'payload.source' is missing or blank");
      if (!SEVERITIES.includes(p.severity)) return invalid("'payload.severity' is invalid");
      const dedupKey = e.dedup_key ?? randomUUID().replaceAll("-", "");
      // A trigger folded into the open alert brings its new severity and summary along (the dedup_key is
      // what "allows you to acknowledge or change the severity of previous messages").
      if (open) {
        open.triggers++;
        open.payload = p;
      }
      else this.incidents.push({ routingKey: e.routing_key, dedupKey, status: "triggered", triggers: 1, payload: p, links: e.links });
      return { status: 202, body: { status: "success", message: "Event processed", dedup_key: dedupKey } };
    }
    if (!e.dedup_key) return invalid("'dedup_key' is required for acknowledge and resolve events");
    // Acknowledging or resolving what is not open is accepted and does nothing, as in PagerDuty.
    if (open) open.status = e.event_action === "acknowledge" ? "acknowledged" : "resolved";
    return { status: 202, body: { status: "success", message: "Event processed", dedup_key: e.dedup_key } };
  }

  stop() {
    return this.http.stop();
  }
}

/** A V3 webhook body for `type` on the incident whose incident_key (our dedup_key) is `key`. */
export function pdWebhookBody(type: "incident.acknowledged" | "incident.resolved" | "incident.triggered", key: string, agent?: { id: string; type?: string; summary?: string }): string {
  return JSON.stringify({
    event: {
      id: `01${randomUUID().replaceAll("-", "").slice(0, 24).toUpperCase()}`,
      event_type: type,
      resource_type: "incident",
      occurred_at: new Date().toISOString(),
      agent: agent ? { html_url: `https://acme.pagerduty.com/users/${agent.id}`, id: agent.id, self: `https://api.pagerduty.com/users/${agent.id}`, summary: agent.summary ?? "Someone", type: agent.type ?? "user_reference" } : null,
      client: null,
      data: {
        id: "Q0RIJJZL24RC6W",
        type: "incident",
        self: "https://api.pagerduty.com/incidents/Q0RIJJZL24RC6W",
        html_url: "https://acme.pagerduty.com/incidents/Q0RIJJZL24RC6W",
        number: 2,
        status: type.split(".")[1],
        incident_key: key,
        created_at: new Date().toISOString(),
        title: "A page from the bot",
        service: { id: "PF9KMXH", type: "service_reference", summary: "AI safety" },
        urgency: "high",
      },
    },
  });
}

/** POSTs a webhook body as PagerDuty would: `X-PagerDuty-Signature: v1=<hmac>` (several when rotating secrets). */
export function sendPdWebhook(url: string, body: string, secrets: string[]): Promise<Response> {
  const sig = secrets.map((s) => `v1=${createHmac("sha256", s).update(body).digest("hex")}`).join(",");
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-pagerduty-signature": sig, "user-agent": "PagerDuty-Webhook/V3.0" }, body });
}
