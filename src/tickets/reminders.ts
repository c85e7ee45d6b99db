// The delayed reminder jobs of an incident's open reporting obligations (src/domain/clocks.ts), for
// the processor (after delivery) and the ticket actions (after the awareness time is set, as
// follow-ups of that change: src/tickets/follow-ups.ts). Their ids derive from the incident, the
// regime, the point and the deadline (jobs.ts), so adding them again (a retried delivery, a reroute, a
// restart, an outbox replay) adds nothing; they all go to the queue of the incident's first routing
// because job ids are unique per queue.
import { obligationClocks, reminderTimes, remindersOf } from "../domain/clocks.js";
import { domainOfRoute, type Incident } from "../domain/incident.js";
import type { Obligations } from "../domain/obligations-file.js";
import { enqueueFollowUps, type FollowUp } from "./follow-ups.js";
import type { JobQueue } from "./jobs.js";

/** The reminders to schedule for `i` as of `now`, each due at its reminder time. */
export function reminderFollowUps(file: Obligations | undefined, i: Incident, now: Date): FollowUp[] {
  if (!file || i.limited) return [];
  const out: FollowUp[] = [];
  for (const clock of obligationClocks(i, file.regimes, now)) {
    if (clock.state !== "open") continue;
    const regime = file.regimes.find((r) => r.id === clock.regimeId)!;
    const all = reminderTimes(clock, remindersOf(regime, file.reminders));
    // Points already past (awareness set earlier than the report) collapse into one reminder now, not a burst.
    const past = all.filter((r) => Date.parse(r.at) <= now.getTime());
    const due = [...past.slice(-1), ...all.filter((r) => Date.parse(r.at) > now.getTime())];
    for (const r of due) {
      out.push({ domain: domainOfRoute(i, 1), job: { name: "obligation-reminder", incidentId: i.id, regime: r.regimeId, point: r.point, deadlineAt: r.deadlineAt }, dueAt: new Date(Date.parse(r.at)).toISOString() });
    }
  }
  return out;
}

export async function scheduleReminders(queue: JobQueue, file: Obligations | undefined, i: Incident, now: Date): Promise<number> {
  const followUps = reminderFollowUps(file, i, now);
  await enqueueFollowUps(queue, followUps, now);
  return followUps.length;
}
