// The managers' digest as a notifier posts it. Its own file, naming a destination the way
// tickets/notifier.ts does, so the notifier port and the digest poster need not import each other.
import type { Platform } from "../domain/roster.js";
import type { Summary } from "../domain/summary.js";

/** A notifier destination (platform and address), plus what Teams needs to open a conversation proactively. */
export interface DigestDestination {
  platform: Platform;
  address: string;
  serviceUrl?: string;
  tenantId?: string;
}

export interface Digest {
  summary: Summary;
  /** the chart as a PNG; absent if it could not be drawn (the text still goes out). */
  png?: Buffer;
  /** the summary text followed by the text chart in a code block: complete without the image. */
  text: string;
  to: DigestDestination;
  /** the run's scheduled time. */
  scheduledAt: string;
}
