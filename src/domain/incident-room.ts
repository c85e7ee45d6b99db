// Incident channels (issue 16): which incidents get a channel of their own, what the Slack channel is
// called, and who is invited. Pure: src/tickets/rooms.ts carries it out, recording before each step.
import type { Incident } from "./incident.js";
import { onCall, person, personByIdentity, type Roster } from "./roster.js";
import type { Room, RoomPlatform } from "./room.js";

export type { Room, RoomPlatform };

/** Slack's limit on a channel name (conversations.create answers invalid_name_maxlength past it). */
export const ROOM_NAME_MAX = 80;
/** How many suffixed names (-2, -3, ...) are tried after name_taken before the job gives up. */
export const ROOM_NAME_ATTEMPTS = 20;

const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;

/** The incident's channels, one per platform at most: where status posts and updates go besides the ticket. */
export function incidentRooms(i: Pick<Incident, "rooms">): Room[] {
  return i.rooms ?? [];
}

export function roomOn(i: Pick<Incident, "rooms">, platform: RoomPlatform): Room | undefined {
  return incidentRooms(i).find((r) => r.platform === platform);
}

/**
 * The platforms where the incident needs a channel now and has none yet: its domain configures one for
 * its severity, and it is a ticket of its own (a storm member lives under its parent, a report over an
 * abuse limit pages nobody, a resolved one needs no war room). Empty: nothing to open.
 */
export function roomsWanted(i: Incident, roster: Roster): RoomPlatform[] {
  const cfg = roster.domains[i.routing.domain].incidentChannel;
  if (!cfg || !cfg.severities.includes(i.classification.severity)) return [];
  if (i.stormOf || i.limited || i.status === "resolved") return [];
  return (["slack", "teams"] as const).filter((p) => cfg[p] !== undefined && !roomOn(i, p));
}

/** The title as a channel name part: lower case, only [a-z0-9-], accents dropped, no leading/trailing dashes. */
export function roomSlug(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * The Slack channel name of attempt `attempt` (1 = first, then -2, -3 ... after name_taken):
 * `inc-2026-0042-<title slug>`, cut so the whole name stays within 80 characters and the suffix is kept.
 */
export function roomName(i: Pick<Incident, "id" | "title">, attempt = 1): string {
  const base = i.id.toLowerCase();
  const suffix = attempt > 1 ? `-${attempt}` : "";
  const room = ROOM_NAME_MAX - base.length - suffix.length - 1;
  const slug = roomSlug(i.title).slice(0, Math.max(0, room)).replace(/-+$/, "");
  return slug ? `${base}-${slug}${suffix}` : `${base}${suffix}`;
}

/**
 * The Slack users invited to the incident's channel: the on-call at its current level, the commander,
 * the reporter (their Slack id when they reported in Slack or the roster knows one) and the domain's
 * configured extras. Deduplicated; people without a Slack id are left out.
 */
export function roomInvitees(i: Incident, roster: Roster, now: Date): string[] {
  const cfg = roster.domains[i.routing.domain].incidentChannel?.slack;
  const people = [onCall(roster, i.routing.domain, i.level, now), i.commander ? person(roster, i.commander) : undefined, ...(cfg?.invite ?? []).map((id) => person(roster, id))];
  const reporter = i.reporter.platform === "slack" ? i.reporter.userId : personByIdentity(roster, i.reporter.platform, i.reporter.userId)?.slack;
  const ids = [...people.map((p) => p?.slack), reporter].filter((id): id is string => id !== undefined && SLACK_USER.test(id));
  return [...new Set(ids)];
}
