// The storm parent's rolling count as stored on the incident (src/domain/storm.ts groups and words it).
// Its own file so incident.ts can hold it without importing the storm logic, which reads incidents.
import { z } from "zod";

/** The parent's rolling count, stored on it and shown on its card. */
export const StormSummary = z.strictObject({
  /** every report of the storm: its incidents (the parent included) and the reports joined to them. */
  reports: z.number().int().min(1),
  incidents: z.number().int().min(1),
  /** how many of the storm's reports its thread has listed so far (oldest first). */
  listed: z.number().int().min(0),
  since: z.iso.datetime(),
});
export type StormSummary = z.infer<typeof StormSummary>;
