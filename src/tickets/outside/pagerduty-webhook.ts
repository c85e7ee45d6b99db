// POST /webhooks/pagerduty: PagerDuty's V3 webhooks, signed with the subscription's secret, bring an
// acknowledgement or resolve made in PagerDuty back into the bot as a ticket action of the roster
// person behind the PagerDuty user. Idempotent: a replay, or the echo of an acknowledgement we sent
// ourselves, finds the incident already in that state and changes nothing; an action that came from
// PagerDuty is never mirrored back to it. A bad signature gets 401 and changes nothing.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../../clock.js";
import { z } from "zod";
import { INCIDENT_ID, type Actor } from "../../domain/incident.js";
import type { Roster } from "../../domain/roster.js";
import type { Route } from "../../http.js";
import type { Logger } from "../../log.js";
import type { IncidentStore } from "../../store/types.js";
import type { TicketActions } from "../actions.js";

export const PAGERDUTY_WEBHOOK_PATH = "/webhooks/pagerduty";
/** PagerDuty's own payloads are small; anything this large is not one. */
const MAX_BODY = 256 * 1024;

/** The part of a V3 webhook we read (PagerDuty sends much more; unknown fields are fine). */
export const PagerDutyWebhook = z.object({
  event: z.object({
    id: z.string().min(1).max(100),
    event_type: z.string().min(1).max(100),
    agent: z.object({ id: z.string().max(100), type: z.string().max(100), summary: z.string().max(300).optional() }).nullish(),
    data: z.object({ incident_key: z.string().max(300).nullish(), status: z.string().max(50).optional(), html_url: z.string().max(2000).optional() }).loose(),
  }),
});

/** True when one of the comma-separated `v1=<hex>` signatures is the HMAC-SHA256 of `body` (secret rotation sends several). */
export function validSignature(header: string | undefined, body: Buffer, secret: string): boolean {
  if (!header) return false;
  const want = createHmac("sha256", secret).update(body).digest();
  return header.split(",").some((part) => {
    const m = /^\s*v1=([0-9a-f]{64})\s*$/i.exec(part);
    return m ? timingSafeEqual(Buffer.from(m[1]!, "hex"), want) : false;
  });
}

export interface WebhookDeps {
  secret: string;
  incidents: IncidentStore;
  actions: TicketActions;
  roster: Roster;
  clock: Clock;
  log: Logger;
}

const ACTIONS = { "incident.acknowledged": "acknowledge", "incident.resolved": "resolve" } as const;

export function pagerDutyRoute(d: WebhookDeps): Route {
  return async (req, res) => {
    if ((req.url ?? "").split("?")[0] !== PAGERDUTY_WEBHOOK_PATH) return false;
    if (req.method !== "POST") return answer(res, 405, { error: "POST only" }), true;
    const body = await readBody(req);
    if (!body) return answer(res, 413, { error: "payload too large" }), true;
    const sig = req.headers["x-pagerduty-signature"];
    if (!validSignature(Array.isArray(sig) ? sig.join(",") : sig, body, d.secret)) {
      d.log.warn({ integration: "pagerduty" }, "PagerDuty webhook refused: bad or missing X-PagerDuty-Signature");
      return answer(res, 401, { error: "bad signature" }), true;
    }
    let parsed;
    try {
      parsed = PagerDutyWebhook.safeParse(JSON.parse(body.toString("utf8")));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) return answer(res, 400, { error: "not a PagerDuty V3 webhook payload" }), true;
    const outcome = await handle(d, parsed.data.event);
    d.log.info({ integration: "pagerduty", eventId: parsed.data.event.id, type: parsed.data.event.event_type, outcome }, "PagerDuty webhook");
    return answer(res, 200, { outcome }), true;
  };
}

async function handle(d: WebhookDeps, e: z.infer<typeof PagerDutyWebhook>["event"]): Promise<string> {
  const kind = ACTIONS[e.event_type as keyof typeof ACTIONS];
  if (!kind) return "ignored: event type";
  const id = e.data.incident_key ?? "";
  // Other integrations of the same service have keys of their own: not ours to act on.
  if (!INCIDENT_ID.test(id)) return "ignored: not an incident of this bot";
  const incident = await d.incidents.get(id);
  if (!incident) return "ignored: unknown incident";
  // The echo of our own acknowledgement or resolve, or a replay: already so, nothing to do.
  if (incident.status === "resolved" || (kind === "acknowledge" && incident.status === "acknowledged")) return `already ${incident.status}`;
  const done = kind === "acknowledge" ? "acknowledged" : "resolved";
  const person = e.agent?.type === "user_reference" ? d.roster.people.find((p) => p.pagerduty === e.agent!.id) : undefined;
  if (!person) {
    const who = e.agent?.summary ?? e.agent?.id ?? "PagerDuty";
    const said = await notMirrored(d, id, e.id, `${done} in PagerDuty by ${who}, who is not on the roster (add \`pagerduty: <user id>\` to a person)`);
    return said ? "not mirrored: PagerDuty user not on the roster" : "already noted";
  }
  const actor: Actor = { platform: "webhook", userId: person.id, name: `${person.name} (PagerDuty)` };
  const r = await d.actions.act(id, kind === "acknowledge" ? { kind } : { kind, note: "Resolved in PagerDuty." }, actor, "pagerduty");
  if (!r.ok) {
    const said = await notMirrored(d, id, e.id, `${done} in PagerDuty by ${person.name}, but: ${r.message}`);
    return said ? `refused: ${r.code}` : "already noted";
  }
  return r.changed ? `${kind}d` : "unchanged";
}

/**
 * Records on the timeline that PagerDuty event `eventId` was not mirrored, and tells the channels,
 * once per event (a redelivery finds it recorded). False when it was already.
 */
async function notMirrored(d: WebhookDeps, id: string, eventId: string, what: string): Promise<boolean> {
  const reason = `${id} was ${what}: not mirrored here.`.slice(0, 300);
  let fresh = false;
  const stored = await d.incidents.update(id, (cur) => {
    fresh = !cur.timeline.some((x) => x.type === "not-mirrored" && x.eventId === eventId);
    return fresh ? { ...cur, timeline: [...cur.timeline, { type: "not-mirrored", at: d.clock.now().toISOString(), service: "pagerduty", eventId, reason }] } : undefined;
  });
  // A new record version: the channel note's job id is its own, not a no-op against an earlier update.
  if (fresh && stored) await d.actions.note(stored, reason);
  d.log.warn({ integration: "pagerduty", incidentId: id, eventId, reason }, "PagerDuty action not mirrored");
  return fresh;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function answer(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
