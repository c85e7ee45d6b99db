// Delivers tickets as JSON to a webhook (the `webhook` destination): for chat tools without a native
// adapter, paging gateways, and the tests' local fake. Each message carries an Idempotency-Key.
import type { Digest } from "../digest/post.js";
import type { Notifier, Outbound } from "./notifier.js";
import { DeliveryError } from "./notifier.js";

export class WebhookNotifier implements Notifier {
  readonly platforms = ["webhook"] as const;
  constructor(private readonly timeoutMs = 5000) {}

  async postDigest(d: Digest): Promise<void> {
    await this.post(d.to.address, `digest.${d.scheduledAt}`, { kind: "digest", scheduledAt: d.scheduledAt, text: d.text, summary: d.summary });
  }

  async send(m: Outbound): Promise<void> {
    const body = {
      kind: m.kind,
      incidentId: m.incident.id,
      severity: m.incident.classification.severity,
      domain: m.incident.routing.domain,
      title: m.incident.title,
      status: m.incident.status,
      ...(m.kind === "ticket" ? { oncall: m.oncall.id, level: m.level } : {}),
      ...(m.kind === "page" ? { person: m.person.id, level: m.level, reason: m.reason } : {}),
      ...(m.kind === "cross-domain" ? { crossDomain: m.incident.classification.crossDomain, for: m.domain } : {}),
      ...(m.kind === "update" ? { text: m.text } : {}),
      ...(m.kind === "reminder" ? { person: m.person.id, text: m.text, about: m.about ?? "deadline" } : {}),
      ...(m.kind === "group" ? { reporter: m.reporter.userId, count: m.members.length, incidents: m.members.map((x) => x.id) } : {}),
    };
    await this.post(m.to.address, m.key, body);
  }

  private async post(url: string, key: string, body: object): Promise<void> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new DeliveryError(`webhook unreachable: ${(e as Error).message}`);
    }
    if (res.ok) return;
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), Date.now());
    // 4xx other than 408/429 will not get better by retrying.
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    throw new DeliveryError(`webhook answered ${res.status}`, retryAfterMs, permanent);
  }
}

/** Retry-After is seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
