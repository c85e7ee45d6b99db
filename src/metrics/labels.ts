// The only label values a metric may carry. Every value passes through `bound`, so an unexpected one
// (a custom flow question, a new platform, a URL with an id in it) becomes "other": no incident, user or
// request id can ever become a series of its own and blow up Prometheus.
import { CONTRACT, Severity } from "../domain/vocabulary.js";
import { Platform } from "../domain/roster.js";

export const OTHER = "other";

export const LABELS = {
  domain: ["safety", "security"],
  severity: Severity.options,
  cross_domain: ["true", "false"],
  question: Object.keys(CONTRACT),
  outcome: ["accepted", "changed", "abstained"],
  reason: ["timer", "manual"],
  /** ticket jobs, and "turn": a conversation step (src/turns) that finally failed. */
  kind: ["deliver", "escalate", "page", "update", "turn"],
  /** "none": the try failed before any platform was called (Redis away, incident gone, a stall). */
  platform: [...Platform.options, "none"],
  queue: ["oncall-safety", "oncall-security", "turns"],
  state: ["waiting", "active", "delayed", "failed", "completed"],
  /** the web process's routes; /readyz is served by src/http.ts beside /healthz. */
  route: ["/healthz", "/readyz", "/metrics", "/slack/events", "/api/messages"],
  method: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
} as const satisfies Record<string, readonly string[]>;
export type LabelName = keyof typeof LABELS | "status";

/** `value` if it is one of `name`'s allowed values, else "other". */
export function bound(name: keyof typeof LABELS, value: string | undefined): string {
  return value !== undefined && (LABELS[name] as readonly string[]).includes(value) ? value : OTHER;
}

/** An HTTP status is a bounded set by nature (100 to 599); anything else is "other". */
export const statusLabel = (code: number) => (Number.isInteger(code) && code >= 100 && code <= 599 ? String(code) : OTHER);

/** The path of a request URL without its query; unknown paths (ids, probes, typos) are "other". */
export const routeLabel = (url: string | undefined) => bound("route", (url ?? "").split("?")[0]);

/** True when `value` may appear under label `name`: what the label-bounds test checks the registry with. */
export function allowed(name: string, value: string): boolean {
  if (value === OTHER) return true;
  if (name === "status") return statusLabel(Number(value)) === value;
  return name in LABELS && (LABELS[name as keyof typeof LABELS] as readonly string[]).includes(value);
}
