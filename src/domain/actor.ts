// Who did something, on which platform: a reporter, an on-call person pressing a button, a manager.
// Its own file so the authorization table (authz.ts) and the incident record (incident.ts) can both
// name it without importing each other back.
import { z } from "zod";
import { Platform } from "./roster.js";

export const Actor = z.strictObject({
  platform: Platform,
  userId: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
});
export type Actor = z.infer<typeof Actor>;
