// The incident's commander (issue 16, item 3): the person who leads the response. The domain's on-call
// roster and incident managers may take the role or assign it; the commander may hand it over. The
// commander may edit the incident like the on-call (src/domain/edits.ts). Each change is a timeline
// event with who, from whom and to whom.
import { authorize } from "./authz.js";
import type { ActionResult, Actor, Incident } from "./incident.js";
import { personByIdentity, person as personNamed, type Roster } from "./roster.js";

/** Who is to be commander: a roster person id, or a Slack user (a mention) the roster knows. */
export type CommanderTarget = { personId: string } | { slackUser: string };

/** Is `actor` the incident's commander? */
export function isCommander(roster: Roster, actor: Actor, i: Pick<Incident, "commander">): boolean {
  if (!i.commander) return false;
  return personByIdentity(roster, actor.platform, actor.userId)?.id === i.commander;
}

/**
 * Makes roster person `to` the commander (`to` undefined: the actor takes it). Allowed to the domain's
 * on-call roster, incident managers and the current commander; `to` must be on the roster (the role
 * needs someone the bot can reach and recognise).
 */
export function setCommander(i: Incident, roster: Roster, actor: Actor, to: string | undefined, now: Date): ActionResult {
  const me = personByIdentity(roster, actor.platform, actor.userId);
  const allowed = authorize(roster, actor, "edit-incident", { domain: i.routing.domain }).ok || isCommander(roster, actor, i);
  if (!allowed || !me) return { ok: false, code: "NOT_ALLOWED", message: `Only the ${i.routing.domain} on-call roster, an incident manager or the commander can choose ${i.id}'s commander.` };
  if (i.status === "resolved") return { ok: false, code: "ALREADY_RESOLVED", message: `${i.id} is resolved; reopen it first.` };
  const target = to === undefined ? me : personNamed(roster, to);
  if (!target) return { ok: false, code: "NOT_ALLOWED", message: `'${to}' is not in the on-call roster; a commander must be someone the roster lists.` };
  if (i.commander === target.id) return { ok: true, incident: i, changed: false, message: `${target.name} is already ${i.id}'s commander.` };
  const at = now.toISOString();
  const incident: Incident = {
    ...i,
    commander: target.id,
    updatedAt: at,
    timeline: [...i.timeline, { type: "commander", at, by: actor, to: target.id, ...(i.commander ? { from: i.commander } : {}) }],
  };
  const how = i.commander ? `handed over from ${i.commander} to ${target.name}` : target.id === me.id ? `taken by ${target.name}` : `assigned to ${target.name}`;
  return { ok: true, incident, changed: true, message: `${i.id}: command ${how}.` };
}
