// The record of an incident channel (a Slack channel, a Teams channel thread): where it is, so every
// job that tells responders something can tell them there too. Its own file so the incident record can
// hold it while the decisions about it (src/domain/incident-room.ts) read the incident.
import { z } from "zod";

export const RoomPlatform = z.enum(["slack", "teams"]);
export type RoomPlatform = z.infer<typeof RoomPlatform>;

export const Room = z.strictObject({
  platform: RoomPlatform,
  /** Slack: the channel id; Teams: the thread's conversation id ("19:...;messageid=..."). */
  address: z.string().min(1).max(300),
  /** the channel's name (Slack), as created. */
  name: z.string().max(80).optional(),
  /** the pinned ticket card in it (Slack "C.../ts", Teams "conversation|activity"), once posted. */
  ref: z.string().max(600).optional(),
  /** a link people can open. */
  link: z.string().max(2000).optional(),
});
export type Room = z.infer<typeof Room>;
