// Reports over an abuse limit are stored and shown, but must not flood the on-call channel: per
// reporter and channel, one message lists them ("N reports from X over the limit") and is edited in
// place as more arrive. The group's first report owns the message (posted once through the same
// intent-and-reconcile path as tickets); later reports edit it, and wait (retry) until it exists.
import type { Incident } from "../domain/incident.js";
import type { IncidentStore } from "../store/types.js";
import { DeliveryError, type Destination, type GroupMember } from "./notifier.js";

/** The timeline key of the group message on its first report. */
export const groupKey = (to: string) => `group:${to}`;

/** How many times an edit is redone when more reports arrived while it was being made. */
const MAX_EDITS = 5;

const sameReporter = (a: Incident, b: Incident) => a.reporter.platform === b.reporter.platform && a.reporter.userId === b.reporter.userId;

/**
 * The over-limit reports of `incident`'s reporter in its domain, from one limit window before it up to
 * now, oldest first: the first is the group's owner. A report more than a window after the owner
 * starts a new group, so a group message covers one burst.
 */
export async function groupOf(incidents: IncidentStore, incident: Incident, windowMs: number, now: Date): Promise<Incident[]> {
  const from = new Date(Date.parse(incident.createdAt) - windowMs);
  const all = await incidents.list({ from, to: new Date(now.getTime() + 1), domain: incident.routing.domain, newest: 1000 });
  const mine = all.filter((i) => i.limited && sameReporter(i, incident));
  const owner = mine.find((i) => Date.parse(incident.createdAt) - Date.parse(i.createdAt) < windowMs) ?? incident;
  return mine.filter((i) => Date.parse(i.createdAt) >= Date.parse(owner.createdAt) && Date.parse(i.createdAt) < Date.parse(owner.createdAt) + windowMs);
}

export const membersOf = (group: Incident[]): GroupMember[] => group.map((i) => ({ id: i.id, title: i.title, severity: i.classification.severity }));

/**
 * The group message's reference, from its owner's timeline (undefined where the platform returns none,
 * e.g. webhooks and console: nothing to edit there); a retryable error while it is not posted yet.
 */
export function groupRef(owner: Incident, to: Destination, key: string): { ref?: string } {
  const e = owner.timeline.find((x) => x.type === "delivered" && x.to === groupKey(key));
  if (e?.type === "delivered") return e.ref ? { ref: e.ref } : {};
  throw new DeliveryError(`the over-limit group message of ${owner.id} in ${to.address} is not posted yet; retrying`);
}

/**
 * Edits the group message until it shows every member it read: an edit racing another worker's may
 * land last with fewer members, so each one reads the group again and edits once more if it grew.
 */
export async function editUntilStable(read: () => Promise<Incident[]>, edit: (group: Incident[]) => Promise<void>): Promise<number> {
  let shown = -1;
  for (let i = 0; i < MAX_EDITS; i++) {
    const group = await read();
    if (group.length === shown) return shown;
    await edit(group);
    shown = group.length;
  }
  return shown;
}

/** The group message as plain text (each platform escapes it for its own markup). */
export function groupText(reporter: Incident["reporter"], members: GroupMember[], shown = 20): string {
  const who = reporter.name ?? reporter.userId;
  const n = members.length;
  const lines = members.slice(0, shown).map((m) => `• ${m.id} ${m.severity}: ${m.title}`);
  if (n > shown) lines.push(`… and ${n - shown} more`);
  return [`${n} ${n === 1 ? "report" : "reports"} from ${who} over the report limit: filed, nobody paged. Each is a stored incident (open it by id).`, ...lines].join("\n");
}
