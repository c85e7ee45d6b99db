// The Notifier port: how tickets reach people. Slack, Teams, webhook and console implement it; the
// ticket processor decides what to send where and keeps the record of what was sent.
import type { ObligationLine } from "../domain/clocks.js";
import type { Incident } from "../domain/incident.js";
import type { Person, Platform } from "../domain/roster.js";
import type { Room, RoomPlatform } from "../domain/room.js";
import type { Domain } from "../domain/vocabulary.js";
import type { Digest } from "../digest/digest.js";

export interface Destination {
  platform: Platform;
  /** channel id, conversation id, URL or console channel name. */
  address: string;
}
export const destinationKey = (d: Destination) => `${d.platform}:${d.address}`;

export type Outbound = (
  | { kind: "ticket"; incident: Incident; to: Destination; level: number; oncall: Person }
  | { kind: "page"; incident: Incident; to: Destination; level: number; person: Person; reason: string }
  | { kind: "cross-domain"; incident: Incident; to: Destination; domain: Domain }
  /** `route`: the routing whose ticket card to edit (an older one after a reroute); absent: the current. */
  | { kind: "update"; incident: Incident; to: Destination; text: string; route?: number }
  /**
   * Reports over an abuse limit, grouped into one message per reporter and channel: `incident` is the
   * group's first report (its timeline holds the message), `members` all of them so far, oldest first.
   * With `ref` the message exists and is edited in place; without, it is posted.
   */
  | { kind: "group"; incident: Incident; to: Destination; reporter: Incident["reporter"]; members: GroupMember[]; ref?: string }
  /**
   * to one person in their personal chat: a reporting deadline coming up (the on-call, a manager), or
   * (`about: "status"`) a status update of an incident they subscribed to; a subscriber the roster does
   * not list is a Person of their chat id and name.
   */
  | { kind: "reminder"; incident: Incident; to: Destination; person: Person; text: string; about?: "deadline" | "status" }
) & {
  /** unique per message and destination, stable across retries: receivers may dedupe on it. */
  key: string;
  /**
   * The reporting clocks of the incident at send time (src/domain/clocks.ts), for the ticket card's
   * obligation lines; computed by the processor, absent when no obligation applies or none are loaded.
   */
  obligations?: ObligationLine[];
};
export interface GroupMember {
  id: string;
  title: string;
  severity: string;
}
type Message = Outbound extends infer T ? (T extends unknown ? Omit<T, "key"> : never) : never;
export type { Message };

/** What a platform returns for a posted message, so later updates can edit it in place. */
export interface SentRef {
  /** platform message reference, e.g. "C123/1700000000.000100" in Slack or an activity id in Teams. */
  ref: string;
  /** a link people can open, e.g. a Slack permalink. */
  link?: string;
}

/** What it takes to open an incident channel (src/tickets/rooms.ts decides and records; a platform acts). */
export interface RoomOpening {
  incident: Incident;
  platform: RoomPlatform;
  /** the Slack channel name to create (src/domain/incident-room.ts). */
  name: string;
  /** an earlier attempt recorded this name and may have created it before dying: look for it first. */
  retry: boolean;
  /** Teams: the team channel the thread starts in. */
  channelId?: string;
  /** for the card a Teams thread starts with. */
  oncall: Person;
  level: number;
  obligations?: ObligationLine[];
}
/** The channel, or `taken`: the name belongs to a channel that is not this incident's (try the next). */
export type RoomOpened = { room: Room } | { taken: true };
/** One invitee's outcome; a refusal for one person never fails the others. */
export interface Invited {
  user: string;
  outcome: "invited" | "already-in-channel" | "skipped";
  reason?: string;
}

export interface Notifier {
  /** Platforms this notifier can deliver to. */
  readonly platforms: readonly Platform[];
  send(message: Outbound): Promise<SentRef | void>;
  /**
   * Looks on the platform for `message` (by its key) posted since `since`: a delivery whose previous
   * attempt may have reached the platform asks before sending again. Undefined: not there, send it.
   * Throws (retryable) when it cannot tell. Platforms without it are sent to again (at-least-once).
   */
  find?(message: Outbound, since: Date): Promise<SentRef | undefined>;
  /** Posts the managers' digest (text, with the chart image where the platform takes one). */
  postDigest?(digest: Digest): Promise<void>;
  /** Creates (or, on `retry`, finds) an incident channel; platforms without it get none. */
  openRoom?(o: RoomOpening): Promise<RoomOpened>;
  /** Invites people to the channel (repeatable: someone already in it is fine). */
  inviteToRoom?(room: Room, users: string[]): Promise<Invited[]>;
  /** Pins the message `ref` in the channel (repeatable: already pinned is fine). */
  pinInRoom?(room: Room, ref: string): Promise<void>;
}

/** A delivery failure; `retryAfterMs` is honoured when the platform said when to come back (429). */
export class DeliveryError extends Error {
  readonly code = "DELIVERY_FAILED";
  constructor(message: string, readonly retryAfterMs?: number, readonly permanent = false) {
    super(message);
  }
}

/** Sends each message to the notifier for its destination's platform. */
export class NotifierRouter implements Notifier {
  readonly platforms: readonly Platform[];
  constructor(private readonly byPlatform: Notifier[]) {
    this.platforms = byPlatform.flatMap((n) => n.platforms);
  }
  async send(m: Outbound): Promise<SentRef | void> {
    return this.for(m.to).send(m);
  }
  async find(m: Outbound, since: Date): Promise<SentRef | undefined> {
    const n = this.for(m.to);
    return n.find ? n.find(m, since) : undefined;
  }

  async openRoom(o: RoomOpening): Promise<RoomOpened> {
    const n = this.for({ platform: o.platform });
    if (!n.openRoom) throw new DeliveryError(`the ${o.platform} notifier cannot open an incident channel`, undefined, true);
    return n.openRoom(o);
  }
  async inviteToRoom(room: Room, users: string[]): Promise<Invited[]> {
    const n = this.for(room);
    return n.inviteToRoom ? n.inviteToRoom(room, users) : [];
  }
  async pinInRoom(room: Room, ref: string): Promise<void> {
    const n = this.for(room);
    if (n.pinInRoom) await n.pinInRoom(room, ref);
  }

  async postDigest(d: Digest): Promise<void> {
    const n = this.for(d.to);
    if (!n.postDigest) throw new DeliveryError(`the ${d.to.platform} notifier cannot post a digest`, undefined, true);
    await n.postDigest(d);
  }

  private for(to: Pick<Destination, "platform">): Notifier {
    const n = this.byPlatform.find((x) => x.platforms.includes(to.platform));
    if (!n) throw new DeliveryError(`no notifier for platform ${to.platform}`, undefined, true);
    return n;
  }
}

/** Keeps what was sent, in order: the embedded mode's "channel" and the tests' witness. */
export class RecordingNotifier implements Notifier {
  readonly sent: Outbound[] = [];
  constructor(readonly platforms: readonly Platform[] = ["console", "webhook", "slack", "teams"]) {}
  readonly digests: Digest[] = [];
  async send(m: Outbound) {
    this.sent.push(m);
  }
  async postDigest(d: Digest) {
    this.digests.push(d);
  }
}
