// Status updates and subscribers (issue 16, point 4). A status update is a short text by a responder
// (the domain's on-call roster, an incident manager or the commander, as for edits) that becomes the
// incident's `latestStatus`, one `status-update` timeline event, a line on the ticket card and a notice
// to every subscriber. Anyone who may see the incident (visibility.ts) may subscribe themselves, and
// only themselves; subscribing twice (or unsubscribing when not subscribed) changes nothing and says so.
import { authorize, sameActor } from "./authz.js";
import { isCommander } from "./commander.js";
import type { ActionResult, Actor, Incident } from "./incident.js";
import { personByIdentity, type Roster } from "./roster.js";
import { mayView, notVisible } from "./visibility.js";
import { StatusText, type LatestStatus, type Subscriber } from "./status-record.js";
import { formatterPerZone } from "./zone-format.js";

const nameOf = (a: Actor) => a.name ?? a.userId;

/** May `actor` post a status update on `i`? The same people who may edit it. */
export function mayPostStatus(roster: Roster, actor: Actor, i: Pick<Incident, "routing" | "commander">): boolean {
  return authorize(roster, actor, "post-status", { domain: i.routing.domain }).ok || isCommander(roster, actor, i);
}

export function postStatus(i: Incident, roster: Roster, actor: Actor, text: string, now: Date): ActionResult {
  if (!mayPostStatus(roster, actor, i)) return { ok: false, code: "NOT_ALLOWED", message: `Only the ${i.routing.domain} on-call roster, an incident manager or the commander can post a status update on ${i.id}.` };
  const words = StatusText.safeParse(text);
  if (!words.success) return { ok: false, code: "NOTE_REQUIRED", message: `${words.error.issues[0]!.message}.` };
  if (i.status === "resolved") return { ok: false, code: "ALREADY_RESOLVED", message: `${i.id} is resolved; reopen it first to post a status update.` };
  const at = now.toISOString();
  const incident: Incident = {
    ...i,
    latestStatus: { text: words.data, at, by: actor },
    updatedAt: at,
    timeline: [...i.timeline, { type: "status-update", at, by: actor, text: words.data }],
  };
  return { ok: true, changed: true, incident, message: `Status update on ${i.id} by ${nameOf(actor)}: ${words.data}` };
}

/** The subscriber entry for `actor`: their roster person when the roster knows them, else their chat identity. */
export function subscriberOf(roster: Roster, actor: Actor): Subscriber {
  const p = personByIdentity(roster, actor.platform, actor.userId);
  return p ? { person: p.id } : { platform: actor.platform, userId: actor.userId, ...(actor.name ? { name: actor.name } : {}) };
}

export const sameSubscriber = (a: Subscriber, b: Subscriber) => ("person" in a && "person" in b ? a.person === b.person : "platform" in a && "platform" in b ? sameActor(a, b) : false);

/** `on`: subscribe (true) or unsubscribe (false) `actor` themselves. */
export function subscribe(i: Incident, roster: Roster, actor: Actor, on: boolean, now: Date): ActionResult {
  // Unsubscribing is always allowed to a subscriber (they may have lost sight of it since); subscribing needs sight.
  const me = subscriberOf(roster, actor);
  const subscribed = (i.subscribers ?? []).some((s) => sameSubscriber(s, me));
  if (on && !mayView(roster, actor, i)) return { ok: false, code: "NOT_ALLOWED", message: notVisible(i.id) };
  if (on === subscribed) return { ok: true, changed: false, incident: i, message: on ? `You are already subscribed to ${i.id}; nothing changed.` : `You are not subscribed to ${i.id}; nothing changed.` };
  const at = now.toISOString();
  const subscribers = on ? [...(i.subscribers ?? []), me] : (i.subscribers ?? []).filter((s) => !sameSubscriber(s, me));
  const incident: Incident = { ...i, subscribers, updatedAt: at, timeline: [...i.timeline, { type: on ? "subscribed" : "unsubscribed", at, by: actor }] };
  return {
    ok: true,
    changed: true,
    incident,
    message: on ? `Subscribed to ${i.id}: you will get its status updates in your personal chat.` : `Unsubscribed from ${i.id}: no more status updates from it.`,
  };
}

const hourMinute = formatterPerZone("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** "Status (14:05, by Ada): text", in `timeZone` (the roster's summary zone), for the ticket card (rendered on every update). */
export function statusLine(s: LatestStatus, timeZone = "UTC"): string {
  const hm = hourMinute(timeZone).format(new Date(s.at));
  return `Status (${hm}, by ${s.by.name ?? s.by.userId}): ${s.text}`;
}
