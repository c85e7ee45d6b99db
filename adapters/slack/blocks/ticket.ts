// The on-call ticket card as Block Kit: renders a TicketView (src/views/ticket.ts), which says what the
// card shows and which buttons it offers; nothing is decided here. Re-rendered in place from the
// incident record whenever it changes, so the card always shows the stored state.
import type { Incident } from "../../../src/domain/incident.js";
import type { Person, Roster } from "../../../src/domain/roster.js";
import { historyText, ticketView, type PersonView, type TicketActionView, type TicketHistory, type TicketNote, type TicketView } from "../../../src/views/ticket.js";
import { ACTIONS, ticketValue } from "../ids.js";
import type { ObligationLine } from "../../../src/domain/clocks.js";
import { obligationBlocks } from "./obligations.js";
import { actions, button, capped, context, esc, fields, header, section, sections, type Block } from "./kit.js";
import { ticketMoreBlocks } from "./ticket-more.js";
import { fullReportBlocks } from "./full-report.js";

export interface CardContext {
  /** routing generation this card was posted for: an older one was superseded by a reroute. */
  routeCount: number;
  /** permalink of the message the incident was reported from, if any (by default the incident's link). */
  reportLink?: string;
  roster?: Roster;
  /** who is on call for this message, when the ticket job knows it. */
  oncall?: { person: Person; level: number };
  /** the reporting clocks (src/domain/clocks.ts) at send time. */
  obligations?: ObligationLine[];
}

const STATUS_ICON = { open: ":red_circle:", acknowledged: ":large_orange_circle:", escalated: ":rotating_light:", resolved: ":white_check_mark:" } as const;
const NOTE_ICON: Record<TicketNote["kind"], string> = { jira: ":ticket:", redacted: ":lock:", limited: ":hourglass:", joined: ":busts_in_silhouette:", storm: ":thunder_cloud_and_rain:", room: ":speech_balloon:" };
const OP_ID = { acknowledge: ACTIONS.ticketAck, escalate: ACTIONS.ticketEscalate, reroute: ACTIONS.ticketReroute, resolve: ACTIONS.ticketResolve } as const;

/** A Slack mention where we know their Slack id, else their name (escaped). */
const who = (p: PersonView | undefined) => (!p ? "—" : p.slack ? `<@${p.slack}>` : esc(p.name));
const actor = (a: Incident["reporter"]) => (a.platform === "slack" ? `<@${a.userId}>` : esc(a.name ?? a.userId));

export function ticketCard(i: Incident, ctx: CardContext): Block[] {
  const view = ticketView(i, { route: ctx.routeCount, ...(ctx.roster ? { roster: ctx.roster } : {}), ...(ctx.oncall ? { oncall: ctx.oncall } : {}), ...(ctx.obligations ? { obligations: ctx.obligations } : {}) });
  return renderTicket(ctx.reportLink ? { ...view, link: ctx.reportLink } : view);
}

export function renderTicket(v: TicketView): Block[] {
  const blocks: Block[] = [
    header(`${v.severity} · AI ${v.primary} · ${v.id}`),
    section(`*${esc(v.title)}*`),
    fields([
      `*Severity*\n${v.severity}`,
      `*Primary domain*\n${v.primary}${v.provisional ? " _(provisional: intent unknown, security until ruled out)_" : ""}`,
      `*Status*\n${STATUS_ICON[v.status]} ${v.statusText}`,
      `*Assignee*\n${who(v.assignee)}`,
      `*On call*\n${v.oncall ? `${who(v.oncall)} (level ${v.oncall.level + 1})` : "—"}`,
      `*Reporter*\n${actor(v.reporter)}`,
    ]),
  ];
  if (v.statusLine) blocks.push(section(`:mega: ${esc(v.statusLine)}`));
  blocks.push(...fullReportBlocks(v.report));
  if (v.crossDomain.length) blocks.push(section(`*Cross-domain impact:* ${v.crossDomain.join(", ")}${v.cc.length ? ` (copied to ${v.cc.join(", ")})` : ""}`));
  for (const s of v.sections) blocks.push(...sections([`*${esc(s.title)}*`, ...s.lines.map((x) => `• ${esc(x)}`)], 4));
  if (v.link) blocks.push(section(`:link: <${v.link}|Reported message>`));
  if (v.notes.length) blocks.push(context(...v.notes.map(noteLine)));
  blocks.push(...obligationBlocks(v.obligations, v.id));
  if (v.history.length) blocks.push(context(...v.history.map(historyLine)));
  if (v.actions.length) blocks.push(actions("ticket", v.actions.map(ticketButton)));
  blocks.push(...ticketMoreBlocks(v));
  blocks.push(context(`${v.id} · routed to ${v.queue} · acknowledge within ${v.ackMinutes} min`));
  return capped(blocks);
}

/** A note on the report, escaped; the Jira issue links to itself when its address is known. */
function noteLine(n: TicketNote): string {
  // "Jira <link|KEY>": the issue key is the link's text.
  if (n.kind === "jira" && n.link) return `${NOTE_ICON.jira} Jira <${n.link}|${esc(n.text.replace(/^Jira /, ""))}>`;
  // "Incident channel <link|#inc-...>": the channel's name is the link's text.
  if (n.link) return `${NOTE_ICON[n.kind]} ${esc(n.label)} <${n.link}|${esc(n.text)}>`;
  return `${NOTE_ICON[n.kind]} ${esc(n.text)}`;
}

/** A history line with people's words escaped and the actor mentioned where we can. */
function historyLine(h: TicketHistory): string {
  const safe: TicketHistory = h.kind === "rerouted" ? { ...h, reason: esc(h.reason) } : { ...h, note: esc(h.note) };
  return `${h.kind === "rerouted" ? ":twisted_rightwards_arrows:" : ":white_check_mark:"} ${historyText(safe, actor(h.by), (d) => `*${d}*`)}`;
}

const ticketButton = (a: TicketActionView) => button(a.label, OP_ID[a.op], ticketValue(a), a.primary ? "primary" : undefined);

/** The message's top-level text: what notifications, phones and screen readers show. Escaped like the card. */
export const ticketText = (i: Incident) => `${i.classification.severity} AI ${i.classification.primary} incident ${i.id}: ${esc(i.title)}`;
