// Tickets to Teams, proactively (the worker has no inbound turn): the ticket card to the domain's
// channel, the page in a personal chat with the on-call person, the FYI to the other domain's channel,
// and updates that edit the ticket card in place and reply in its thread.
import type { CloudAdapter } from "botbuilder";
import type { Incident } from "../../src/domain/incident.js";
import type { Destinations, Roster } from "../../src/domain/roster.js";
import type { Digest } from "../../src/digest/post.js";
import type { Notifier, Outbound, RoomOpened, RoomOpening, SentRef } from "../../src/tickets/notifier.js";
import { incidentRooms } from "../../src/domain/incident-room.js";
import { DeliveryError } from "../../src/tickets/notifier.js";
import { botAccountId, cloudAdapter, type TeamsConfig } from "./auth.js";
import { cardActivity, crossDomainCard, pageCard, renderTicket } from "./cards/index.js";
import { messageText, preview } from "./cards/inert.js";
import { channelPostLink, decodeRef, encodeRef, proactively, toDeliveryError, type Connector } from "./connector.js";
import { pagePosts, ticketLink, ticketPost } from "../../src/views/deliveries.js";
import { ticketView } from "../../src/views/ticket.js";
import { groupText } from "../../src/tickets/group.js";
import type { ObligationLine } from "../../src/domain/clocks.js";

/** The reporting clocks a message carries, for the ticket view. */
const clocks = (m: Outbound) => (m.obligations ? { obligations: m.obligations } : {});

/** Where Teams' connector lives when the roster does not say (the global Teams endpoint). */
export const DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams/";

export interface TeamsNotifierOptions extends TeamsConfig {
  roster: Roster;
  serviceUrl?: string;
}

interface Place {
  serviceUrl: string;
  tenantId?: string;
}

export class TeamsNotifier implements Notifier {
  readonly platforms = ["teams"] as const;
  private readonly adapter: CloudAdapter;

  constructor(private readonly o: TeamsNotifierOptions) {
    this.adapter = cloudAdapter(o);
  }

  async send(m: Outbound): Promise<SentRef> {
    try {
      return await this.deliver(m);
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  private async deliver(m: Outbound): Promise<SentRef> {
    const i = m.incident;
    switch (m.kind) {
      case "ticket": {
        const view = ticketView(i, { roster: this.o.roster, oncall: { person: m.oncall, level: m.level }, ...clocks(m) });
        return this.post(m.to.address, cardActivity(renderTicket(view, "everyone"), preview(`${i.id} ${i.classification.severity} ${i.routing.domain}: ${i.title}`)));
      }
      case "cross-domain":
        return this.post(m.to.address, cardActivity(crossDomainCard(i, m.domain, ticketLink(i)), `FYI ${i.id} affects ${m.domain}`));
      case "page":
        return this.page(m);
      case "update":
        return this.update(m.to.address, i, m.text, m.route ?? i.routeCount, m.obligations);
      case "reminder":
        return this.remind(m);
      case "group":
        return this.group(m);
    }
  }

  /**
   * The incident channel in Teams: a new conversation in the configured team channel (Bot Framework
   * POST /v3/conversations, isGroup, channelData.channel.id) whose first message is the ticket card, so
   * the thread is the incident's room and its card is the thread's head. Teams offers no lookup of a
   * thread by content, so a worker killed after Teams answered and before it was recorded opens a
   * second thread on retry (at least once; Slack's is exactly once).
   */
  async openRoom(o: RoomOpening): Promise<RoomOpened> {
    const i = o.incident;
    if (!o.channelId) throw new DeliveryError(`no Teams channel for ${i.routing.domain}'s incident channels: set incidentChannel.teams.channelId in the roster`, undefined, true);
    const place = this.domainPlace(i.routing.domain);
    const view = ticketView(i, { roster: this.o.roster, oncall: { person: o.oncall, level: o.level }, ...(o.obligations ? { obligations: o.obligations } : {}) });
    const activity = cardActivity(renderTicket(view, "everyone"), preview(`${i.id} ${i.classification.severity} ${i.routing.domain}: ${i.title}`));
    const channelId = o.channelId;
    try {
      return await this.call(place, async (c) => {
        const thread = await c.conversations.createConversation({
          isGroup: true,
          bot: { id: botAccountId(this.o) },
          ...(place.tenantId ? { tenantId: place.tenantId } : {}),
          channelData: { channel: { id: channelId }, ...(place.tenantId ? { tenant: { id: place.tenantId } } : {}) },
          activity,
        });
        if (!thread.id || !thread.activityId) throw new DeliveryError("Teams returned no id for the channel thread");
        const link = channelPostLink(channelId, thread.activityId, place.tenantId);
        return { room: { platform: "teams" as const, address: thread.id, ref: encodeRef(thread.id, thread.activityId), ...(link ? { link } : {}) } };
      });
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  /** Over-limit reports: one plain message per reporter and channel, edited in place as it grows. */
  private async group(m: Extract<Outbound, { kind: "group" }>): Promise<SentRef> {
    const activity = { type: "message", text: groupText(m.reporter, m.members) };
    const place = this.channelPlace(m.to.address);
    const posted = m.ref ? decodeRef(m.ref) : undefined;
    return this.call(place, async (c) => {
      if (!posted) return { ref: encodeRef(m.to.address, required((await c.conversations.sendToConversation(m.to.address, activity)).id)) };
      await c.conversations.updateActivity(posted.conversationId, posted.activityId, { ...activity, id: posted.activityId });
      return { ref: m.ref! };
    });
  }

  /** The digest as a Markdown message in the managers' channel, with the chart attached. */
  async postDigest(d: Digest): Promise<void> {
    const place = { serviceUrl: d.to.serviceUrl ?? this.o.serviceUrl ?? DEFAULT_SERVICE_URL, ...(d.to.tenantId ? { tenantId: d.to.tenantId } : {}) };
    // Teams shows an inline image attachment given as a data URL: the chart goes with the text.
    const image = d.png ? [{ contentType: "image/png", contentUrl: `data:image/png;base64,${d.png.toString("base64")}`, name: "incidents.png" }] : [];
    const activity = { type: "message", textFormat: "markdown", text: messageText(d.text).replace(/\*([^*\n]+)\*/g, "**$1**"), attachments: image };
    await this.call(place, async (c) => void (await c.conversations.sendToConversation(d.to.address, activity)));
  }

  private async post(channel: string, activity: object): Promise<SentRef> {
    const place = this.channelPlace(channel);
    const id = await this.call(place, async (c) => required((await c.conversations.sendToConversation(channel, activity)).id));
    const link = channelPostLink(channel, id, place.tenantId);
    return { ref: encodeRef(channel, id), ...(link ? { link } : {}) };
  }

  /** Opens (or finds: Teams returns the same chat) the 1:1 chat with the person and posts the page. */
  private async page(m: Extract<Outbound, { kind: "page" }>): Promise<SentRef> {
    const i = m.incident;
    const view = ticketView(i, { roster: this.o.roster, oncall: { person: m.person, level: m.level }, ...clocks(m) });
    return this.personal(i, m.person.id, m.to.address, cardActivity(pageCard({ ...view, reason: m.reason }), `${i.id} ${i.classification.severity} needs you`));
  }

  /** A reporting-deadline reminder: a plain message in the person's personal chat. */
  private async remind(m: Extract<Outbound, { kind: "reminder" }>): Promise<SentRef> {
    return this.personal(m.incident, m.person.id, m.to.address, { type: "message", text: messageText(m.text) });
  }

  private async personal(i: Incident, personId: string, address: string, activity: object): Promise<SentRef> {
    const place = this.domainPlace(i.routing.domain);
    const tenant = place.tenantId;
    // Teams will not open a chat without the tenant; say which setting is missing instead of a 400.
    if (!tenant) throw new DeliveryError(`no tenant id to reach ${personId} in Teams: set destinations.${i.routing.domain}.teams.tenantId in the roster or MicrosoftAppTenantId`, undefined, true);
    return this.call(place, async (c) => {
      const chat = await c.conversations.createConversation({
        isGroup: false,
        bot: { id: botAccountId(this.o) },
        members: [{ id: address }],
        tenantId: tenant,
        channelData: { tenant: { id: tenant } },
      });
      if (!chat.id) throw new DeliveryError("Teams returned no id for the personal chat");
      const sent = await c.conversations.sendToConversation(chat.id, activity);
      return { ref: encodeRef(chat.id, required(sent.id)) };
    });
  }

  /**
   * Edits this channel's ticket card of routing `route` and the pages sent for it (their buttons go
   * stale too), then replies in the card's thread. Edits are repeatable, so a retried job redoes them;
   * the reply comes last, once every edit went through.
   */
  private async update(channel: string, i: Incident, text: string, route: number, obligations?: ObligationLine[]): Promise<SentRef> {
    const room = incidentRooms(i).find((r) => r.platform === "teams" && r.address === channel && r.ref);
    if (room) return this.updateRoom(room.ref!, i, text, obligations);
    const posted = ticketRef(i, channel, route);
    const place = this.channelPlace(channel);
    const view = ticketView(i, { route, roster: this.o.roster, ...(obligations ? { obligations } : {}) });
    // The channel's card is the one everyone sees (Teams refreshes it into the buttons for the
    // responders); a page is the paged person's own, with its buttons.
    const card = cardActivity(renderTicket(view, "everyone"));
    const page = cardActivity(renderTicket(view, "responder"));
    return this.call(place, async (c) => {
      for (const p of pageRefs(i, route)) await c.conversations.updateActivity(p.conversationId, p.activityId, { ...page, id: p.activityId });
      if (!posted) return { ref: encodeRef(channel, required((await c.conversations.sendToConversation(channel, { type: "message", text: messageText(text) })).id)) };
      await c.conversations.updateActivity(posted.conversationId, posted.activityId, { ...card, id: posted.activityId });
      const reply = await c.conversations.replyToActivity(posted.conversationId, posted.activityId, { type: "message", text: messageText(text) });
      return { ref: encodeRef(posted.conversationId, required(reply.id)) };
    });
  }

  /** The incident channel's thread: its head card edited in place, the news replied in the thread. */
  private async updateRoom(ref: string, i: Incident, text: string, obligations?: ObligationLine[]): Promise<SentRef> {
    const head = decodeRef(ref);
    if (!head) throw new DeliveryError(`the incident channel of ${i.id} has an unreadable card reference`, undefined, true);
    const view = ticketView(i, { roster: this.o.roster, ...(obligations ? { obligations } : {}) });
    const card = cardActivity(renderTicket(view, "everyone"));
    return this.call(this.domainPlace(i.routing.domain), async (c) => {
      await c.conversations.updateActivity(head.conversationId, head.activityId, { ...card, id: head.activityId });
      const reply = await c.conversations.replyToActivity(head.conversationId, head.activityId, { type: "message", text: messageText(text) });
      return { ref: encodeRef(head.conversationId, required(reply.id)) };
    });
  }

  /** Runs `fn` with a connector client for `place`, authenticated as the bot (none when local). */
  private call<T>(place: Place, fn: (c: Connector) => Promise<T>): Promise<T> {
    return proactively(this.adapter, this.o.appId, place.serviceUrl, fn);
  }

  private channelPlace(conversationId: string): Place {
    return this.place(Object.values(this.o.roster.domains).find((x) => x.destinations.teams?.conversationId === conversationId)?.destinations.teams);
  }

  /** A page goes through the service (and tenant) of the incident's domain channel. */
  private domainPlace(domain: Incident["routing"]["domain"]): Place {
    return this.place(this.o.roster.domains[domain].destinations.teams);
  }

  private place(d: Destinations["teams"]): Place {
    const tenantId = d?.tenantId ?? this.o.tenantId;
    return { serviceUrl: d?.serviceUrl ?? this.o.serviceUrl ?? DEFAULT_SERVICE_URL, ...(tenantId ? { tenantId } : {}) };
  }
}

function required(id: string | undefined): string {
  if (!id) throw new DeliveryError("Teams returned no activity id");
  return id;
}

/** The ticket card of routing `route` posted to `channel` (src/views/deliveries.ts reads the timeline). */
export function ticketRef(i: Incident, channel: string, route = i.routeCount): { conversationId: string; activityId: string; route: number } | undefined {
  const post = ticketPost(i, "teams", channel, route);
  const ref = post?.ref ? decodeRef(post.ref) : undefined;
  return post && ref ? { ...ref, route: post.route } : undefined;
}

/** The Teams pages sent while routing `route` was current. */
export function pageRefs(i: Incident, route: number): Array<{ conversationId: string; activityId: string }> {
  return pagePosts(i, "teams", route).flatMap((p) => {
    const ref = p.ref ? decodeRef(p.ref) : undefined;
    return ref ? [ref] : [];
  });
}

export function createTeamsNotifier(cfg: TeamsNotifierOptions): TeamsNotifier {
  return new TeamsNotifier(cfg);
}
