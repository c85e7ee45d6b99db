// One digest check: decide from the schedule and the marks whether a run is due, claim it, build the
// summary of the period ending at the run's scheduled time, and send it to every destination.
import type { Summaries } from "../bot/summaries.js";
import type { Definitions } from "../definitions.js";
import { renderSummaryText } from "../bot/summary-text.js";
import { incidentsChartPng, incidentsChartText } from "../charts/incidents.js";
import type { Clock } from "../clock.js";
import type { DigestConfig } from "../domain/roster.js";
import type { Logger } from "../log.js";
import { destinationKey } from "../tickets/notifier.js";
import type { Digest, DigestDestination } from "./digest.js";
import type { DigestMarks } from "./marks.js";
import { decide } from "./schedule.js";

export type { Digest, DigestDestination } from "./digest.js";
export type SendDigest = (digest: Digest) => Promise<void>;

export interface DigestDeps {
  /** what the digest reads (an App fits); named narrowly so this file does not import the App (no import circle). */
  app: { summaries: Pick<Summaries, "buildWindow">; defs: Pick<Definitions, "roster"> };
  send: SendDigest;
  log: Logger;
  clock: Clock;
  marks: DigestMarks;
  /** a run posted later than this after its time is logged as a missed run caught up. */
  graceMs?: number;
}

export type DigestOutcome =
  | { action: "disabled" }
  | { action: "wait"; next: string }
  | { action: "baseline"; at: string; next: string }
  | { action: "claimed-elsewhere"; at: string }
  | { action: "posted"; at: string; missed: boolean; skipped: number; destinations: number }
  | { action: "failed"; at: string; failed: number };

export function digestDestinations(d: DigestConfig["destinations"]): DigestDestination[] {
  return [
    ...(d.slack ? [{ platform: "slack" as const, address: d.slack.channel }] : []),
    ...(d.teams ? [{ platform: "teams" as const, address: d.teams.conversationId, ...(d.teams.serviceUrl ? { serviceUrl: d.teams.serviceUrl } : {}), ...(d.teams.tenantId ? { tenantId: d.teams.tenantId } : {}) }] : []),
    ...(d.console ? [{ platform: "console" as const, address: d.console.channel }] : []),
    ...(d.webhook ? [{ platform: "webhook" as const, address: d.webhook.url }] : []),
  ];
}

const PERIOD_DAYS = { "7d": 7, "30d": 30 } as const;

export async function checkDigest(deps: DigestDeps): Promise<DigestOutcome> {
  const cfg = deps.app.defs.roster.digest;
  if (!cfg) return { action: "disabled" };
  const d = decide(cfg.schedule, await deps.marks.last(), deps.clock.now(), deps.graceMs);
  if (d.action === "wait") return { action: "wait", next: d.next.toISOString() };
  if (d.action === "baseline") {
    await deps.marks.setLast(d.at);
    deps.log.info({ at: d.at.toISOString(), next: d.next.toISOString() }, "digest: first start, posting from the next run on");
    return { action: "baseline", at: d.at.toISOString(), next: d.next.toISOString() };
  }
  const at = d.at.toISOString();
  if (!(await deps.marks.claim(d.at))) return { action: "claimed-elsewhere", at };
  if (d.missed) deps.log.warn({ at, skipped: d.skipped }, "digest: posting a run missed while no worker was up");
  try {
    // Run to run, not calendar days: each digest starts where the last one ended, so no incident
    // falls between two. Its chart still has calendar-day bars (the first and last partial).
    const days = PERIOD_DAYS[cfg.period];
    const summary = await deps.app.summaries.buildWindow(new Date(d.at.getTime() - days * 86_400_000), d.at, undefined, days);
    const text = `${renderSummaryText(summary)}\n\n\`\`\`\n${incidentsChartText(summary)}\n\`\`\``;
    let png: Buffer | undefined;
    try {
      png = incidentsChartPng(summary);
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, "digest: chart failed; sending text only");
    }
    const done = await deps.marks.delivered(d.at);
    const targets = digestDestinations(cfg.destinations);
    let failed = 0;
    for (const to of targets) {
      const key = destinationKey(to);
      if (done.has(key)) continue;
      try {
        await deps.send({ summary, text, to, scheduledAt: at, ...(png ? { png } : {}) });
        await deps.marks.markDelivered(d.at, key);
      } catch (err) {
        // A permanent failure (no notifier for the platform, a deleted channel) will not heal: give up on it.
        const permanent = (err as { permanent?: boolean }).permanent === true;
        deps.log[permanent ? "error" : "warn"]({ at, to: key, err: (err as Error).message }, permanent ? "digest: destination failed for good" : "digest: destination failed; will retry");
        if (permanent) await deps.marks.markDelivered(d.at, key);
        else failed += 1;
      }
    }
    if (failed) {
      await deps.marks.release(d.at); // the next check retries the destinations that did not get it
      return { action: "failed", at, failed };
    }
    await deps.marks.setLast(d.at);
    deps.log.info({ at, destinations: targets.length, missed: d.missed }, "digest posted");
    return { action: "posted", at, missed: d.missed, skipped: d.skipped, destinations: targets.length };
  } catch (err) {
    await deps.marks.release(d.at);
    throw err;
  }
}
