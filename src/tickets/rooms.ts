// The "channel" job: opens an incident's channels (src/domain/incident-room.ts decides which) and keeps
// each step recorded before it is taken, so a worker killed at any point leaves exactly one channel:
//   1. the intent (`channel-opening`, with the name) is recorded before the platform is called;
//   2. a retry that finds an intent asks the platform for that channel before creating one (Slack:
//      conversations.list by name, created by this bot), then records it (`channel-opened`, rooms[]);
//   3. Slack: the people are invited (repeatable; the job runs again when the commander changes or the
//      incident is escalated, so they join too), the card is posted once (sendOnce, found by its key
//      after a crash) and pinned (already pinned is fine), then the card's ref is recorded on the room;
//   4. the ticket's channels are told where it is, once each (sendOnce), and their cards show its link.
// A name someone else took (name_taken) moves the intent to the next suffix (-2, -3 ...).
import type { Clock } from "../clock.js";
import type { ObligationLine } from "../domain/clocks.js";
import type { Incident, TimelineEvent } from "../domain/incident.js";
import { incidentRooms, roomInvitees, roomName, roomOn, roomsWanted, ROOM_NAME_ATTEMPTS, type Room, type RoomPlatform } from "../domain/incident-room.js";
import { onCall, type Roster } from "../domain/roster.js";
import type { Domain } from "../domain/vocabulary.js";
import type { Logger } from "../log.js";
import type { IncidentStore } from "../store/types.js";
import { DeliveryError, destinationKey, type Destination, type Message, type Notifier } from "./notifier.js";

export interface RoomDeps {
  incidents: IncidentStore;
  roster: Roster;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
}

type Opening = Extract<TimelineEvent, { type: "channel-opening" }>;
type SendOnce = (i: Incident, key: string, m: Message) => Promise<Incident>;

const lastOpening = (i: Incident, platform: RoomPlatform) => i.timeline.findLast((e): e is Opening => e.type === "channel-opening" && e.platform === platform);
const withoutOpening = (i: Incident, platform: RoomPlatform) => i.timeline.filter((e) => !(e.type === "channel-opening" && e.platform === platform));

/** The delivery key of the card posted in a Slack incident channel (not a ticket of a routing: views/deliveries.ts skips it). */
export const roomCardKey = (room: Pick<Room, "platform" | "address">) => `room:ticket:${destinationKey(room)}`;

export class RoomOpener {
  constructor(
    private readonly d: RoomDeps,
    private readonly sendOnce: SendOnce,
    private readonly channels: (domain: Domain) => Destination[],
    private readonly clocks: (i: Incident) => ObligationLine[] | undefined,
  ) {}

  async open(id: string): Promise<string> {
    let i = await this.load(id);
    const can = (p: RoomPlatform) => this.d.notifier.platforms.includes(p) && this.d.notifier.openRoom !== undefined;
    // Rooms opened already are finished too: a worker may have died before their card was pinned.
    const platforms = [...new Set([...roomsWanted(i, this.d.roster), ...incidentRooms(i).map((r) => r.platform)])].filter(can);
    if (!platforms.length) return "no incident channel needed";
    for (const p of platforms) i = await this.openOn(i, p);
    return `incident channel on ${platforms.join(" and ")}`;
  }

  private async openOn(incident: Incident, platform: RoomPlatform): Promise<Incident> {
    let i = incident;
    let room = roomOn(i, platform);
    if (!room) ({ incident: i, room } = await this.create(i, platform));
    // Invited on every run: the job runs again when the commander changes or the incident is escalated.
    if (platform === "slack") i = await this.furnish(i, room);
    // The ticket's channels hear where to go, once each; the update re-renders their cards with its link.
    const where = room.name ? `#${room.name}` : `a ${platform === "teams" ? "Teams channel thread" : "channel"}`;
    for (const to of this.channels(i.routing.domain)) {
      i = await this.sendOnce(i, `room-${platform}:update:${destinationKey(to)}`, { kind: "update", incident: i, to, text: `Incident channel opened: ${where}${room.link ? ` ${room.link}` : ""}` });
    }
    return i;
  }

  /** Steps 1 and 2: the intent, then the platform, then the record; next suffix when the name is someone else's. */
  private async create(incident: Incident, platform: RoomPlatform): Promise<{ incident: Incident; room: Room }> {
    const id = incident.id;
    let mine: number | undefined; // the attempt this run recorded itself: not a leftover of a dead worker
    for (;;) {
      let open: Room | undefined;
      let intent: Opening | undefined;
      const at = this.d.clock.now().toISOString();
      const claimed = await this.d.incidents.update(id, (cur) => {
        open = roomOn(cur, platform);
        intent = open ? undefined : lastOpening(cur, platform);
        if (open || intent) return undefined;
        intent = { type: "channel-opening", at, platform, name: roomName(cur, 1), attempt: 1 };
        mine = 1;
        return { ...cur, timeline: [...cur.timeline, intent] };
      });
      if (!claimed) throw new DeliveryError(`incident ${id} not found`, undefined, true);
      if (open) return { incident: claimed, room: open };
      const o = intent!;
      const cfg = this.d.roster.domains[claimed.routing.domain].incidentChannel;
      const lines = this.clocks(claimed);
      const opened = await this.d.notifier.openRoom!({
        incident: claimed,
        platform,
        name: o.name,
        retry: o.attempt !== mine,
        ...(cfg?.teams ? { channelId: cfg.teams.channelId } : {}),
        oncall: onCall(this.d.roster, claimed.routing.domain, claimed.level, this.d.clock.now()),
        level: claimed.level,
        ...(lines ? { obligations: lines } : {}),
      });
      if ("taken" in opened) {
        if (o.attempt >= ROOM_NAME_ATTEMPTS) throw new DeliveryError(`${ROOM_NAME_ATTEMPTS} names for the incident channel of ${id} are taken (last: ${o.name})`, undefined, true);
        this.d.log.info({ incidentId: id, name: o.name }, "incident channel name taken; trying the next");
        const next = o.attempt + 1;
        await this.d.incidents.update(id, (cur) => {
          if (roomOn(cur, platform) || lastOpening(cur, platform)?.attempt !== o.attempt) return undefined;
          return { ...cur, timeline: [...withoutOpening(cur, platform), { type: "channel-opening", at: this.d.clock.now().toISOString(), platform, name: roomName(cur, next), attempt: next }] };
        });
        mine = next;
        continue;
      }
      const room = opened.room;
      const done = this.d.clock.now().toISOString();
      const stored = await this.d.incidents.update(id, (cur) =>
        roomOn(cur, platform)
          ? undefined
          : {
              ...cur,
              rooms: [...incidentRooms(cur), room],
              timeline: [...withoutOpening(cur, platform), { type: "channel-opened", at: done, platform, address: room.address, ...(room.name ? { name: room.name } : {}), ...(room.link ? { link: room.link } : {}) }],
            },
      );
      if (!stored) throw new DeliveryError(`incident ${id} not found`, undefined, true);
      this.d.log.info({ incidentId: id, platform, address: room.address }, "incident channel opened");
      return { incident: stored, room: roomOn(stored, platform)! };
    }
  }

  /** Step 3 (Slack): invite (repeatable), then once: post the card, pin it, record its ref on the room. */
  private async furnish(incident: Incident, room: Room): Promise<Incident> {
    let i = incident;
    const now = this.d.clock.now();
    const invited = await this.d.notifier.inviteToRoom?.(room, roomInvitees(i, this.d.roster, now));
    for (const x of invited ?? []) if (x.outcome === "skipped") this.d.log.warn({ incidentId: i.id, user: x.user, reason: x.reason }, "not invited to the incident channel");
    if (room.ref) return i;
    const to: Destination = { platform: room.platform, address: room.address };
    const key = roomCardKey(room);
    const oncall = onCall(this.d.roster, i.routing.domain, i.level, now);
    i = await this.sendOnce(i, key, { kind: "ticket", incident: i, to, level: i.level, oncall });
    const posted = i.timeline.findLast((e) => e.type === "delivered" && e.to === key);
    const ref = posted?.type === "delivered" ? posted.ref : undefined;
    if (!ref) return i;
    await this.d.notifier.pinInRoom?.(room, ref);
    const stored = await this.d.incidents.update(i.id, (cur) => {
      const rooms = incidentRooms(cur);
      if (!rooms.some((r) => r.platform === room.platform && !r.ref)) return undefined;
      return { ...cur, rooms: rooms.map((r) => (r.platform === room.platform ? { ...r, ref } : r)) };
    });
    return stored ?? i;
  }

  private async load(id: string): Promise<Incident> {
    const i = await this.d.incidents.get(id);
    if (!i) throw new DeliveryError(`incident ${id} not found`, undefined, true);
    return i;
  }
}
