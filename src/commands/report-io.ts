// What the report commands (summary, export) read and write, passed in so tests run them without a
// process or Redis. Its own file so summary.ts and export-record.ts need not import each other back.
import type { Summaries } from "../bot/summaries.js";
import type { Clock } from "../clock.js";
import type { IncidentStore } from "../store/types.js";
import type { TicketActions } from "../tickets/actions.js";

export interface ReportIO {
  incidents: IncidentStore;
  /** ticket actions (queue included), for commands that change an incident: `report --mark-sent`. */
  tickets?: TicketActions;
  summaries: Summaries;
  clock: Clock;
  out(text: string): void;
  err(text: string): void;
  writeFile(path: string, data: Buffer): void;
}
