// Web API clients. The notifier's client never waits out a rate limit itself: a 429 becomes a
// DeliveryError and the durable queue retries after Retry-After, so no worker sleeps on Slack.
import { webApi } from "@slack/bolt";
import type { Logger } from "../../src/log.js";
import { slackLogger } from "./logger.js";

/** Slack's client joins method names onto this URL, so it must end with a slash. */
export const normalizeApiUrl = (url: string | undefined) => (url ? (url.endsWith("/") ? url : `${url}/`) : undefined);

export function clientOptions(apiUrl: string | undefined, log: Logger, mode: "queue" | "interactive"): webApi.WebClientOptions {
  const slackApiUrl = normalizeApiUrl(apiUrl);
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    logger: slackLogger(log),
    timeout: 10_000,
    ...(mode === "queue"
      ? { rejectRateLimitedCalls: true, retryConfig: { retries: 0 } }
      : // People are waiting on these: a couple of quick retries, never the default half hour.
        { retryConfig: { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 2000 } }),
  };
}

export function createClient(token: string, apiUrl: string | undefined, log: Logger, mode: "queue" | "interactive"): webApi.WebClient {
  return new webApi.WebClient(token, clientOptions(apiUrl, log, mode));
}
