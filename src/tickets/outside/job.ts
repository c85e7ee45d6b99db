// The job of one call to an outside service: open (trigger, create), or mirror an acknowledgement or a
// resolve made in chat. A job of its own per call, so a Jira outage never holds up a PagerDuty page and
// a bad credential fails only its own service (listed by `triage tickets failed`).
import { z } from "zod";
import { IncidentId } from "../../domain/incident.js";
import { OutsideAction, OutsideService } from "../../domain/outside.js";

export const OutsideJob = z.strictObject({
  name: z.literal("outside"),
  incidentId: IncidentId,
  service: OutsideService,
  action: OutsideAction,
  /** the routing whose domain's service this is for (a reroute resolves the old domain's page). */
  route: z.number().int().min(1).max(1000),
  /** the record version the mirrored change was stored at (0 for open: one open per routing). */
  rev: z.number().int().min(0),
  /** what an edit said (already redacted), for a note or comment: the record may have changed again by the time it runs. */
  text: z.string().max(3000).optional(),
});
export type OutsideJob = z.infer<typeof OutsideJob>;

export const outsideJobId = (j: OutsideJob) => `${j.incidentId}.o-${j.service}-r${j.route}-${j.action}${j.action === "open" ? "" : `-${j.rev}`}`;
