// Who sent an activity, in our terms: the actor (AAD object id, as the roster lists people) and the
// key of their one walk-through, per tenant.
import type { Activity } from "botbuilder";
import type { Actor } from "../../src/domain/incident.js";

export interface Who {
  actor: Actor;
  key: string;
  tenantId: string;
}

export function whoIs(a: Partial<Activity>): Who | undefined {
  // The Emulator and some test tools send no aadObjectId: the channel account id stands in.
  const userId = a.from?.aadObjectId ?? a.from?.id;
  if (!userId) return undefined;
  const channelData = a.channelData as { tenant?: { id?: string } } | undefined;
  const tenantId = a.conversation?.tenantId ?? channelData?.tenant?.id ?? "none";
  const name = a.from?.name?.slice(0, 200);
  const actor: Actor = { platform: "teams", userId: userId.slice(0, 200), ...(name ? { name } : {}) };
  return { actor, key: `teams:${tenantId}:${actor.userId}`, tenantId };
}

export const isPersonal = (a: Partial<Activity>) => (a.conversation?.conversationType ?? "personal") === "personal";
