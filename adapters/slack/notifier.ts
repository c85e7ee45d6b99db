// SlackNotifier: delivers ticket jobs to Slack. A ticket is a Block Kit card in the domain's channel,
// a page is a DM to the on-call person, a cross-domain note links the ticket, an update edits the card
// in place and adds the news to its thread. Every failure becomes a DeliveryError for the queue.
import { webApi } from "@slack/bolt";
import type { Incident } from "../../src/domain/incident.js";
import type { ObligationLine } from "../../src/domain/clocks.js";
import type { Roster } from "../../src/domain/roster.js";
import type { Logger } from "../../src/log.js";
import { silentLogger } from "../../src/log.js";
import type { Invited, Notifier, Outbound, RoomOpened, RoomOpening, SentRef } from "../../src/tickets/notifier.js";
import { incidentRooms, type Room } from "../../src/domain/incident-room.js";
import { actions, button, esc, section } from "./blocks/kit.js";
import { ACTIONS, ticketValue } from "./ids.js";
import { ticketCard, ticketText } from "./blocks/ticket.js";
import { fullReportBlocks } from "./blocks/full-report.js";
import { fullReport } from "../../src/bot/full-report.js";
import { createClient } from "./client.js";
import { toDeliveryError } from "./errors.js";
import { deliveryMetadata, findByKey } from "./reconcile.js";
import { groupText } from "../../src/tickets/group.js";
import { ticketPosts } from "../../src/views/deliveries.js";
import type { Person } from "../../src/domain/roster.js";
import type { Digest } from "../../src/digest/post.js";

export interface SlackNotifierConfig {
  botToken: string;
  apiUrl?: string;
  /** resolves assignees to Slack mentions on the card; without it the card shows who acted. */
  roster?: Roster;
  log?: Logger;
}

/** conversations.invite refusals about one person: they are left out, the others are still invited. */
const NOT_INVITABLE = new Set(["cant_invite_self", "user_not_found", "cant_invite", "user_is_restricted", "user_is_ultra_restricted"]);
/** How many pages of conversations.list (1000 channels each) are searched for a channel by name. */
const LIST_PAGES = 20;

const platformError = (err: unknown) => (err as { code?: string; data?: { error?: string } }).code === webApi.ErrorCode.PlatformError ? (err as { data?: { error?: string } }).data?.error : undefined;

/** Upload refusals that mean the token cannot upload files at all (no files:write): warned about once. */
const NO_FILES_WRITE = new Set(["missing_scope", "not_allowed_token_type"]);

/** Ticket messages of one routing generation (src/views/deliveries.ts reads the timeline): channel and ts. */
export function postedTickets(i: Incident, routeCount = i.routeCount, channel?: string): Array<{ channel: string; ts: string; link?: string }> {
  return ticketPosts(i, "slack", routeCount, channel).flatMap((d) => {
    const [ch, ts] = (d.ref ?? "").split("/");
    return ch && ts ? [{ channel: ch, ts, ...(d.link ? { link: d.link } : {}) }] : [];
  });
}

export class SlackNotifier implements Notifier {
  readonly platforms = ["slack"] as const;
  readonly client: webApi.WebClient;
  private readonly log: Logger;
  private warnedNoFilesWrite = false;
  private botUserId?: string;

  constructor(private readonly cfg: SlackNotifierConfig) {
    this.log = cfg.log ?? silentLogger;
    this.client = createClient(cfg.botToken, cfg.apiUrl, this.log, "queue");
  }

  /**
   * The digest: with a chart PNG, the image is uploaded to the channel with the text as its comment
   * (files.uploadV2: getUploadURLExternal → POST the bytes → completeUploadExternal; needs files:write).
   * If the upload fails for any reason but a rate limit, the text alone (its text chart stands in for
   * the image) goes out with chat.postMessage, so the digest is never lost.
   */
  async postDigest(d: Digest): Promise<void> {
    const channel = d.to.address;
    try {
      if (d.png && (await this.uploadDigestChart(d.png, d.text, channel))) return;
      await this.client.chat.postMessage({ channel, text: esc(d.text), mrkdwn: true, unfurl_links: false });
    } catch (err) {
      throw toDeliveryError(err, `digest to ${channel}`);
    }
  }

  /** true if the chart went out with the text; false to fall back to text. Rate limits are rethrown. */
  private async uploadDigestChart(png: Buffer, text: string, channel: string): Promise<boolean> {
    try {
      await this.client.files.uploadV2({ channel_id: channel, file: png, filename: "incidents.png", title: "Incidents per day", initial_comment: esc(text) });
      return true;
    } catch (err) {
      const e = err as { code?: string; data?: { error?: string }; message?: string };
      if (e.code === webApi.ErrorCode.RateLimitedError) throw err; // the queue retries after Retry-After
      const code = e.data?.error;
      if (code && NO_FILES_WRITE.has(code)) {
        if (!this.warnedNoFilesWrite) {
          this.warnedNoFilesWrite = true;
          this.log.warn({ channel, err: code }, "slack digest: cannot upload the chart (add the files:write scope and reinstall the app); posting the digest as text");
        }
      } else {
        this.log.warn({ channel, err: code ?? e.message ?? String(err) }, "slack digest: chart upload failed; posting the digest as text");
      }
      return false;
    }
  }

  async send(m: Outbound): Promise<SentRef | void> {
    try {
      switch (m.kind) {
        case "ticket":
          return await this.ticket(m.incident, m.to.address, m.key, { person: m.oncall, level: m.level }, m.obligations);
        case "page":
          return await this.page(m);
        case "cross-domain":
          return await this.crossDomain(m);
        case "update":
          return await this.update(m.incident, m.to.address, m.text, m.key, m.route, m.obligations);
        case "reminder":
          return await this.remind(m);
        case "group":
          return await this.group(m);
      }
    } catch (err) {
      throw toDeliveryError(err, `${m.kind} of ${m.incident.id} to ${m.to.address}`);
    }
  }

  /**
   * A public channel named `o.name` (conversations.create, is_private false). On a retry the channel
   * may exist already, created by a worker that died before recording it: it is looked up by name
   * first and taken when this bot created it. name_taken is looked up the same way (another worker's
   * run of the job for this incident may have created it a moment ago: the name carries the incident
   * id); a channel that is not this bot's is `taken`: try the next name.
   */
  async openRoom(o: RoomOpening): Promise<RoomOpened> {
    try {
      if (o.retry) {
        const own = await this.ownChannel(o.name);
        if (own) return { room: own };
      }
      try {
        const r = await this.client.conversations.create({ name: o.name, is_private: false });
        return { room: roomOf(r.channel!.id!, r.channel!.name ?? o.name) };
      } catch (err) {
        if (platformError(err) !== "name_taken") throw err;
        const own = await this.ownChannel(o.name);
        return own ? { room: own } : { taken: true };
      }
    } catch (err) {
      throw toDeliveryError(err, `creating the incident channel #${o.name} for ${o.incident.id}`);
    }
  }

  /** This bot's unarchived public channel called `name`, if there is one. */
  private async ownChannel(name: string): Promise<Room | undefined> {
    this.botUserId ??= (await this.client.auth.test()).user_id;
    let cursor: string | undefined;
    for (let page = 0; page < LIST_PAGES; page++) {
      const r = await this.client.conversations.list({ types: "public_channel", exclude_archived: true, limit: 1000, ...(cursor ? { cursor } : {}) });
      const found = r.channels?.find((c) => c.name === name && c.creator === this.botUserId);
      if (found?.id) return roomOf(found.id, name);
      cursor = r.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /** One conversations.invite per person, so one who cannot be invited never keeps the others out. */
  async inviteToRoom(room: Room, users: string[]): Promise<Invited[]> {
    const out: Invited[] = [];
    for (const user of users) {
      try {
        await this.client.conversations.invite({ channel: room.address, users: user });
        out.push({ user, outcome: "invited" });
      } catch (err) {
        const code = platformError(err);
        if (code === "already_in_channel") out.push({ user, outcome: "already-in-channel" });
        else if (code && NOT_INVITABLE.has(code)) out.push({ user, outcome: "skipped", reason: code });
        else throw toDeliveryError(err, `inviting ${user} to ${room.address}`);
      }
    }
    return out;
  }

  /** Pins the card; already pinned (a retry) is done. */
  async pinInRoom(room: Room, ref: string): Promise<void> {
    const [channel, ts] = ref.split("/");
    try {
      await this.client.pins.add({ channel: channel!, timestamp: ts! });
    } catch (err) {
      if (platformError(err) !== "already_pinned") throw toDeliveryError(err, `pinning the card in ${room.address}`);
    }
  }

  /** The message with `m.key` in its metadata, posted since `since` where `send` would post it. */
  async find(m: Outbound, since: Date): Promise<SentRef | undefined> {
    try {
      if (m.kind === "page" || m.kind === "reminder") {
        // conversations.open returns the same DM channel every time.
        const dm = await this.client.conversations.open({ users: m.to.address });
        const channel = dm.channel!.id!;
        const ts = await findByKey(this.client, channel, m.key, since);
        return ts ? { ref: `${channel}/${ts}` } : undefined;
      }
      const card = m.kind === "update" ? postedTickets(m.incident, m.route ?? m.incident.routeCount, m.to.address)[0] : undefined;
      const channel = card?.channel ?? m.to.address;
      // An update is a reply in the card's thread (the card edit itself is safe to repeat).
      const ts = await findByKey(this.client, channel, m.key, since, card?.ts);
      if (!ts) return undefined;
      return { ref: `${channel}/${ts}`, ...(m.kind === "ticket" ? await this.permalink(channel, ts) : card?.link ? { link: card.link } : {}) };
    } catch (err) {
      throw toDeliveryError(err, `looking for ${m.kind} of ${m.incident.id} in ${m.to.address}`);
    }
  }

  private async card(i: Incident, routeCount: number, oncall?: { person: Person; level: number }, obligations?: ObligationLine[]) {
    return ticketCard(i, { routeCount, ...(this.cfg.roster ? { roster: this.cfg.roster } : {}), ...(oncall ? { oncall } : {}), ...(obligations ? { obligations } : {}) });
  }

  private async ticket(i: Incident, channel: string, key: string, oncall: { person: Person; level: number }, obligations?: ObligationLine[]): Promise<SentRef> {
    const blocks = await this.card(i, i.routeCount, oncall, obligations);
    const posted = await this.client.chat.postMessage({ channel, text: ticketText(i), blocks, unfurl_links: false, metadata: deliveryMetadata(key) });
    const ts = posted.ts!;
    return { ref: `${posted.channel ?? channel}/${ts}`, ...(await this.permalink(posted.channel ?? channel, ts)) };
  }

  /** Best effort: the ticket is posted already, so a failed link lookup must not post it again. */
  private async permalink(channel: string, ts: string): Promise<{ link?: string }> {
    try {
      const r = await this.client.chat.getPermalink({ channel, message_ts: ts });
      return r.permalink ? { link: r.permalink } : {};
    } catch (err) {
      this.log.warn({ channel, err: (err as Error).message }, "slack permalink unavailable");
      return {};
    }
  }

  private async page(m: Extract<Outbound, { kind: "page" }>): Promise<SentRef> {
    const i = m.incident;
    const link = postedTickets(i).find((t) => t.link)?.link;
    const dm = await this.client.conversations.open({ users: m.to.address });
    const channel = dm.channel!.id!;
    const text = `<@${m.to.address}> ${i.classification.severity} AI ${i.classification.primary} incident *${i.id}* needs you (${esc(m.reason)}): ${esc(i.title)}${link ? ` · <${link}|open the ticket>` : ""}`;
    // Acknowledge right from the page: the same action as on the card (the value is the incident id).
    // The routing goes with it: after a reroute, a press on this page is refused like one on the old card.
    const blocks = [section(text), ...fullReportBlocks(fullReport(i)), actions("page", [button("Acknowledge", ACTIONS.ticketAck, ticketValue({ incidentId: i.id, route: i.routeCount }), "primary")])];
    const posted = await this.client.chat.postMessage({ channel, text, blocks, unfurl_links: false, metadata: deliveryMetadata(m.key) });
    return { ref: `${channel}/${posted.ts}` };
  }

  /** A reporting-deadline reminder (or a subscriber's status update) in the person's DM, linking the ticket. */
  private async remind(m: Extract<Outbound, { kind: "reminder" }>): Promise<SentRef> {
    const link = postedTickets(m.incident).find((t) => t.link)?.link;
    const dm = await this.client.conversations.open({ users: m.to.address });
    const channel = dm.channel!.id!;
    const text = `${m.about === "status" ? ":mega:" : ":alarm_clock:"} ${esc(m.text)}${link ? ` · <${link}|open the ticket>` : ""}`;
    const posted = await this.client.chat.postMessage({ channel, text, unfurl_links: false, metadata: deliveryMetadata(m.key) });
    return { ref: `${channel}/${posted.ts}` };
  }

  private async crossDomain(m: Extract<Outbound, { kind: "cross-domain" }>): Promise<SentRef> {
    const i = m.incident;
    const link = postedTickets(i).find((t) => t.link)?.link;
    const text =
      `:link: FYI ${m.domain}: *${i.id}* (${i.classification.severity} AI ${i.classification.primary}, ${i.classification.crossDomain.join(", ")}) also affects ${m.domain}: ` +
      `${esc(i.title)}. ${link ? `<${link}|See the ticket>` : `The ${i.routing.domain} on-call owns it`}.`;
    const posted = await this.client.chat.postMessage({ channel: m.to.address, text, unfurl_links: false, metadata: deliveryMetadata(m.key) });
    return { ref: `${posted.channel ?? m.to.address}/${posted.ts}` };
  }

  /** `route`: the routing whose card is edited (an older one is shown as moved after a reroute). */
  private async update(i: Incident, channel: string, text: string, key: string, route = i.routeCount, obligations?: ObligationLine[]): Promise<SentRef> {
    const card = postedTickets(i, route, channel)[0];
    const metadata = deliveryMetadata(key);
    const room = incidentRooms(i).find((r) => r.platform === "slack" && r.address === channel && r.ref);
    if (room && !card) {
      // The incident channel: its pinned card is edited, and the news is said in the channel itself.
      const [ch, ts] = room.ref!.split("/");
      await this.client.chat.update({ channel: ch!, ts: ts!, text: ticketText(i), blocks: await this.card(i, i.routeCount, undefined, obligations) });
      const posted = await this.client.chat.postMessage({ channel, text: `${i.id}: ${esc(text)}`, unfurl_links: false, metadata });
      return { ref: `${channel}/${posted.ts}` };
    }
    if (!card) {
      // The card was never posted here (delivery still pending): say it in the channel instead.
      const posted = await this.client.chat.postMessage({ channel, text: `${i.id}: ${esc(text)}`, metadata });
      return { ref: `${channel}/${posted.ts}` };
    }
    await this.client.chat.update({ channel: card.channel, ts: card.ts, text: ticketText(i), blocks: await this.card(i, route, undefined, obligations) });
    const posted = await this.client.chat.postMessage({ channel: card.channel, thread_ts: card.ts, text: esc(text), metadata });
    return { ref: `${card.channel}/${posted.ts}`, ...(card.link ? { link: card.link } : {}) };
  }

  /** Over-limit reports: one message per reporter and channel, edited in place as more arrive. */
  private async group(m: Extract<Outbound, { kind: "group" }>): Promise<SentRef> {
    // Reporter-supplied titles and names: escaped, so a title cannot ping the channel.
    const text = esc(groupText(m.reporter, m.members));
    const [channel, ts] = m.ref ? m.ref.split("/") : [];
    if (channel && ts) {
      await this.client.chat.update({ channel, ts, text });
      return { ref: m.ref! };
    }
    const posted = await this.client.chat.postMessage({ channel: m.to.address, text, unfurl_links: false, metadata: deliveryMetadata(m.key) });
    return { ref: `${posted.channel ?? m.to.address}/${posted.ts}` };
  }

  /** After a reroute: marks the previous routing's cards as moved (no live buttons). Best effort. */
  async markSuperseded(i: Incident): Promise<void> {
    for (const card of postedTickets(i, i.routeCount - 1)) {
      try {
        await this.client.chat.update({ channel: card.channel, ts: card.ts, text: ticketText(i), blocks: await this.card(i, i.routeCount - 1) });
      } catch (err) {
        this.log.warn({ incidentId: i.id, err: (err as Error).message }, "could not mark the old ticket card as rerouted");
      }
    }
  }
}

/** A Slack channel as an incident channel; the link opens it in Slack (Slack's documented deep link). */
function roomOf(id: string, name: string): Room {
  return { platform: "slack", address: id, name, link: `https://slack.com/app_redirect?channel=${id}` };
}

/** The notifier alone, for the worker process: it needs only the bot token and the API URL. */
export function createSlackNotifier(cfg: SlackNotifierConfig): SlackNotifier {
  return new SlackNotifier(cfg);
}
