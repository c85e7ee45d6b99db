// One HTTP call to an outside service, with its answer turned into what the job queue understands:
// 2xx is sent; 429 waits out Retry-After without using an attempt; 401/403 can never succeed until an
// operator fixes the credential (permanent, named by its variable, never shown); other 4xx are
// permanent with the service's own words; timeouts, network errors and 5xx are retried.
import { DeliveryError } from "../notifier.js";
import { parseRetryAfter } from "../webhook-notifier.js";

/** A 429 without Retry-After still waits (without using an attempt) this long before trying again. */
export const RATE_LIMIT_DEFAULT_MS = 5_000;

export interface CallOptions {
  /** the service, as people know it: "PagerDuty", "Opsgenie", "Jira". */
  service: string;
  /** which variables hold its credential, for the 401/403 message. */
  credential: string;
  timeoutMs: number;
}

export async function call(url: string, init: RequestInit, o: CallOptions): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(o.timeoutMs) });
  } catch (e) {
    throw new DeliveryError(`${o.service} unreachable: ${(e as Error).message}`);
  }
  if (res.ok) return res;
  const said = await serviceWords(res);
  if (res.status === 429) {
    throw new DeliveryError(`${o.service} rate-limited the call (429)`, parseRetryAfter(res.headers.get("retry-after"), Date.now()) ?? RATE_LIMIT_DEFAULT_MS);
  }
  if (res.status === 401 || res.status === 403) {
    throw new DeliveryError(`${o.service} refused the credentials (${res.status}): check ${o.credential}`, undefined, true);
  }
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 408;
  throw new DeliveryError(`${o.service} answered ${res.status}${said ? `: ${said}` : ""}`, undefined, permanent);
}

/** The service's own error words (PagerDuty `errors`, Opsgenie `message`, Jira `errorMessages`/`errors`), short. */
async function serviceWords(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const parts = [j.message, j.errors, j.errorMessages].flatMap((x) => (x === undefined || x === null ? [] : Array.isArray(x) ? x : typeof x === "object" ? Object.entries(x as object).map(([k, v]) => `${k}: ${String(v)}`) : [x]));
    return parts.map(String).filter(Boolean).join("; ").slice(0, 300);
  } catch {
    return "";
  }
}

export const json = (body: unknown): RequestInit["body"] => JSON.stringify(body);
