// Reads the incident's timeline for what was delivered where: the ticket cards and pages of a routing,
// their platform references (to edit them in place) and links. The delivery keys are written by
// src/tickets/processor.ts as `r<route>:ticket:<platform>:<address>`, `r<route>|p<gen>:page:...`,
// `r<route>:cc:...`; this is the one place that parses them, for every platform.
import type { Incident } from "../domain/incident.js";
import type { Platform } from "../domain/roster.js";

export type DeliveryKind = "ticket" | "page" | "cc" | "update";

export interface Delivery {
  kind: DeliveryKind;
  platform: string;
  /** channel, chat or person address as the roster gives it. */
  address: string;
  /** the routing (routeCount) that was current when it was delivered. */
  route: number;
  /** the platform's reference to the posted message (absent: nothing to edit). */
  ref?: string;
  link?: string;
  /** the roster person paged (pages only) and the level. */
  person?: string;
  level: number;
}

const KEY = /^[a-z]\d+:(ticket|page|cc|update):([a-z]+):(.*)$/;

/** Every delivered message of the incident, oldest first, with the routing it belongs to. */
export function deliveries(i: Pick<Incident, "timeline">): Delivery[] {
  let route = 0;
  const out: Delivery[] = [];
  for (const e of i.timeline) {
    if (e.type === "routed") route++;
    if (e.type !== "delivered") continue;
    const m = KEY.exec(e.to);
    if (!m) continue;
    // A ticket key names its routing; other keys belong to the routing current when they were sent.
    const named = /^r(\d+):/.exec(e.to);
    out.push({
      kind: m[1] as DeliveryKind,
      platform: m[2]!,
      address: m[3]!,
      route: named ? Number(named[1]) : route,
      level: e.level,
      ...(e.ref ? { ref: e.ref } : {}),
      ...(e.link ? { link: e.link } : {}),
      ...(e.person ? { person: e.person } : {}),
    });
  }
  return out;
}

/** Ticket cards of routing `route` on `platform` (and at `address` when given) that can be edited. */
export function ticketPosts(i: Pick<Incident, "timeline" | "routeCount">, platform: Platform, route = i.routeCount, address?: string): Delivery[] {
  return deliveries(i).filter((d) => d.kind === "ticket" && d.platform === platform && d.route === route && d.ref && (address === undefined || d.address === address));
}

/**
 * The card to edit at `address` for routing `route`: that routing's, or for the current routing the
 * latest card posted there (a delivery still pending leaves the previous one showing).
 */
export function ticketPost(i: Pick<Incident, "timeline" | "routeCount">, platform: Platform, address: string, route = i.routeCount): Delivery | undefined {
  const posts = deliveries(i).filter((d) => d.kind === "ticket" && d.platform === platform && d.address === address && d.ref);
  return posts.findLast((p) => p.route === route) ?? (route === i.routeCount ? posts.at(-1) : undefined);
}

/** Pages sent on `platform` while routing `route` was current (their buttons go stale with it). */
export function pagePosts(i: Pick<Incident, "timeline" | "routeCount">, platform: Platform, route = i.routeCount): Delivery[] {
  return deliveries(i).filter((d) => d.kind === "page" && d.platform === platform && d.route === route && d.ref);
}

/** A link to the current routing's ticket card, on any platform, for notes and pages that point at it. */
export function ticketLink(i: Pick<Incident, "timeline" | "routeCount">): string | undefined {
  return deliveries(i).findLast((d) => d.kind === "ticket" && d.route === i.routeCount && d.link)?.link;
}

/** The last page of the current routing: who (roster id and platform address) and at which level. */
export function lastPage(i: Pick<Incident, "timeline" | "routeCount">, platform?: Platform): Delivery | undefined {
  return deliveries(i).findLast((d) => d.kind === "page" && d.route === i.routeCount && (platform === undefined || d.platform === platform));
}
