// Slack Web API failures as delivery errors the ticket queue understands: rate limits come back
// after Retry-After, configuration problems stop retrying (and show up in `triage tickets failed`).
import { webApi } from "@slack/bolt";
import { DeliveryError } from "../../src/tickets/notifier.js";

/** Errors that waiting will not fix: the channel, membership or token must be fixed first. */
const PERMANENT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "missing_scope",
  "user_not_found",
  "cannot_dm_bot",
  "invalid_blocks",
  "msg_too_long",
  // conversations.create: a name we built wrong, or a workspace that will not let the app create channels
  "invalid_name",
  "invalid_name_specials",
  "invalid_name_maxlength",
  "invalid_name_required",
  "invalid_name_punctuation",
  "restricted_action",
  "too_many_convos_for_team",
  "too_many_convos_for_app_on_team",
]);

export function toDeliveryError(err: unknown, what: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number; message?: string };
  switch (e.code) {
    case webApi.ErrorCode.RateLimitedError: {
      const seconds = typeof e.retryAfter === "number" && e.retryAfter >= 0 ? e.retryAfter : 1;
      return new DeliveryError(`Slack rate-limited ${what}; retrying after ${seconds}s`, seconds * 1000);
    }
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? "unknown_error";
      const fix = code === "not_in_channel" || code === "channel_not_found" ? " (invite the bot to the channel and check the channel id in the roster)" : "";
      return new DeliveryError(`Slack refused ${what}: ${code}${fix}`, undefined, PERMANENT.has(code));
    }
    case webApi.ErrorCode.HTTPError: {
      const s = e.statusCode ?? 0;
      return new DeliveryError(`Slack answered HTTP ${s} to ${what}`, undefined, s >= 400 && s < 500 && s !== 408 && s !== 429);
    }
    default:
      return new DeliveryError(`Slack unreachable for ${what}: ${e.message ?? String(err)}`);
  }
}
