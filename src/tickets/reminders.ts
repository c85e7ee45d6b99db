// The delayed reminder jobs of an incident's open reporting obligations (src/domain/clocks.ts), for
// the processor (after delivery) and the ticket actions (after the awareness time is set). Their ids
// derive from the incident, the regime, the point and the deadline (jobs.ts), so adding them again
// (a retried delivery, a reroute, a restart) adds nothing; they all go to the queue of the incident's
// first routing because job ids are unique per queue.
import { obligationClocks, reminderTimes, remindersOf } from "../domain/clocks.js";
import { domainOfRoute, type Incident } from "../domain/incident.js";
import type { Obligations } from "../domain/obligations-file.js";
import type { JobQueue, TicketJob } from "./jobs.js";

export async function scheduleReminders(queue: JobQueue, file: Obligations | undefined, i: Incident, now: Date): Promise<number> {
  if (!file || i.limited) return 0;
  let added = 0;
  for (const clock of obligationClocks(i, file.regimes, now)) {
    if (clock.state !== "open") continue;
    const regime = file.regimes.find((r) => r.id === clock.regimeId)!;
    const all = reminderTimes(clock, remindersOf(regime, file.reminders));
    // Points already past (awareness set earlier than the report) collapse into one reminder now, not a burst.
    const past = all.filter((r) => Date.parse(r.at) <= now.getTime());
    const due = [...past.slice(-1), ...all.filter((r) => Date.parse(r.at) > now.getTime())];
    for (const r of due) {
      const job: TicketJob = { name: "obligation-reminder", incidentId: i.id, regime: r.regimeId, point: r.point, deadlineAt: r.deadlineAt };
      await queue.add(domainOfRoute(i, 1), job, Math.max(0, Date.parse(r.at) - now.getTime()));
      added++;
    }
  }
  return added;
}
