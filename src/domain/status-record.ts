// The shapes a status update and a subscription leave on the incident record (src/domain/status.ts
// has the rules). Their own file so the incident record can hold them without importing the rules back.
import { z } from "zod";
import { Actor } from "./actor.js";

export const STATUS_MAX = 2000;

/** The words of a status update (checked after redaction: see TicketActions.status). */
export const StatusText = z.string().trim().min(1, "a status update needs some text").max(STATUS_MAX, `a status update holds at most ${STATUS_MAX} characters`);

/**
 * Who follows an incident: a roster person by id (reached on every platform the roster knows them on),
 * or, for someone the roster does not list, the chat identity they subscribed with (reached there).
 */
export const Subscriber = z.union([z.strictObject({ person: z.string().min(1).max(64) }), Actor]);
export type Subscriber = z.infer<typeof Subscriber>;

/** The incident's last status update, shown on its ticket card. */
export const LatestStatus = z.strictObject({ text: z.string().min(1).max(STATUS_MAX), at: z.iso.datetime(), by: Actor });
export type LatestStatus = z.infer<typeof LatestStatus>;
