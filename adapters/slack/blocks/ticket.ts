// The on-call ticket card: what it is, who owns it, why, and the four actions. Re-rendered in place
// from the incident record whenever it changes, so the card always shows the stored state.
import { redactedCount, type Incident } from "../../../src/domain/incident.js";
import type { Roster } from "../../../src/domain/roster.js";
import { jiraIssue } from "../../../src/domain/outside.js";
import { ACTIONS, escalateValue } from "../ids.js";
import type { ObligationLine } from "../../../src/domain/clocks.js";
import { obligationBlocks } from "./obligations.js";
import { actions, button, capped, context, esc, fields, header, section, sections, type Block } from "./kit.js";
import { ticketMoreBlocks } from "./ticket-more.js";
import { fullReportBlocks } from "./full-report.js";
import { stormNote } from "../../../src/domain/storm.js";

export interface CardContext {
  /** routing generation this card was posted for: an older one was superseded by a reroute. */
  routeCount: number;
  /** permalink of the message the incident was reported from, if any. */
  reportLink?: string;
  roster?: Roster;
  /** the reporting clocks (src/domain/clocks.ts) at send time. */
  obligations?: ObligationLine[];
}

const STATUS = { open: ":red_circle: Open", acknowledged: ":large_orange_circle: Acknowledged", escalated: ":rotating_light: Escalated", resolved: ":white_check_mark: Resolved" };

/** A Slack mention for a roster person id, or their name, or the id as is. */
function who(i: Incident, personId: string | undefined, roster?: Roster): string {
  if (!personId) return "—";
  const p = roster?.people.find((x) => x.id === personId);
  if (p?.slack) return `<@${p.slack}>`;
  // Without the roster: the Slack user who acknowledged (or resolved) as this person.
  const ev = i.timeline.findLast((e) => e.type === "acknowledged" && e.person === personId) ?? i.timeline.findLast((e) => e.type === "resolved");
  if (ev && "by" in ev && ev.by?.platform === "slack") return `<@${ev.by.userId}>`;
  return esc(p?.name ?? personId);
}

const actor = (a: Incident["reporter"]) => (a.platform === "slack" ? `<@${a.userId}>` : esc(a.name ?? a.userId));

/** The last person paged since the current routing (a page's destination address is their Slack id). */
export function pagedUser(i: Incident): string | undefined {
  const since = i.timeline.findLastIndex((e) => e.type === "routed");
  const pages = i.timeline.slice(since + 1).flatMap((e) => (e.type === "delivered" && e.to.includes(":page:slack:") ? [e.to] : []));
  return pages.at(-1)?.split(":").at(-1);
}

export function ticketCard(i: Incident, ctx: CardContext, oncallSlackId?: string): Block[] {
  const c = i.classification;
  const superseded = ctx.routeCount < i.routeCount;
  const paged = oncallSlackId ?? pagedUser(i);
  const blocks: Block[] = [
    header(`${c.severity} · AI ${c.primary} · ${i.id}`),
    section(`*${esc(i.title)}*`),
    fields([
      `*Severity*\n${c.severity}`,
      `*Primary domain*\n${c.primary}${c.provisional ? " _(provisional: intent unknown, security until ruled out)_" : ""}`,
      `*Status*\n${STATUS[i.status]}`,
      `*Assignee*\n${who(i, i.assignee, ctx.roster)}`,
      `*On call*\n${paged ? `<@${paged}>` : "—"} (level ${i.level + 1})`,
      `*Reporter*\n${actor(i.reporter)}`,
    ]),
  ];
  blocks.push(...fullReportBlocks(i));
  if (c.crossDomain.length) blocks.push(section(`*Cross-domain impact:* ${c.crossDomain.join(", ")}${i.routing.cc.length ? ` (copied to ${i.routing.cc.join(", ")})` : ""}`));
  blocks.push(...sections(["*Why*", ...c.rationale.map((x) => `• ${esc(x)}`)], 4));
  if (c.refs.length) blocks.push(...sections(["*Refs*", ...c.refs.map((x) => `• ${esc(x.id)} ${esc(x.name)} (${x.framework})`)], 2));
  if (ctx.reportLink) blocks.push(section(`:link: <${ctx.reportLink}|Reported message>`));
  const notes = ticketNotes(i);
  if (notes.length) blocks.push(context(...notes));
  blocks.push(...obligationBlocks(ctx.obligations, i.id));
  blocks.push(...history(i, superseded));
  if (!superseded && i.status !== "resolved") blocks.push(actions("ticket", ticketButtons(i)));
  blocks.push(...ticketMoreBlocks(i, superseded));
  blocks.push(context(`${i.id} · routed to ${i.routing.queue} · acknowledge within ${i.routing.ackMinutes} min`));
  return capped(blocks);
}

/** Redactions, abuse limits and joined reports: what the on-call should know about the report itself. */
export function ticketNotes(i: Incident): string[] {
  const n = redactedCount(i);
  const joined = i.timeline.filter((e) => e.type === "joined").length;
  const jira = jiraIssue(i.timeline);
  return [
    ...(jira ? [jira.link ? `:ticket: Jira <${jira.link}|${esc(jira.key)}>` : `:ticket: Jira ${esc(jira.key)}`] : []),
    ...(n ? [`:lock: ${n} ${n === 1 ? "secret" : "secrets"} redacted from the report`] : []),
    ...(i.limited ? [":hourglass: Filed over the report limit: nobody was paged"] : []),
    ...(joined ? [`:busts_in_silhouette: ${joined} more ${joined === 1 ? "person" : "people"} reported the same`] : []),
    ...(stormNote(i) ? [`:thunder_cloud_and_rain: ${esc(stormNote(i)!)}`] : []),
  ];
}

function history(i: Incident, superseded: boolean): Block[] {
  const out: string[] = [];
  const reroute = i.timeline.findLast((e) => e.type === "rerouted");
  if (superseded && reroute?.type === "rerouted") out.push(`:twisted_rightwards_arrows: Rerouted to *${reroute.to}* by ${actor(reroute.by)}: ${esc(reroute.reason)}. The ${reroute.to} on-call has the ticket now.`);
  const resolved = i.timeline.findLast((e) => e.type === "resolved");
  if (resolved?.type === "resolved") out.push(`:white_check_mark: Resolved by ${actor(resolved.by)}: ${esc(resolved.note)}`);
  return out.length ? [context(...out)] : [];
}

function ticketButtons(i: Incident) {
  return [
    ...(i.status === "acknowledged" ? [] : [button("Acknowledge", ACTIONS.ticketAck, i.id, "primary")]),
    button("Escalate", ACTIONS.ticketEscalate, escalateValue(i.id, i.escalationGen)),
    button("Reroute", ACTIONS.ticketReroute, i.id),
    button("Resolve", ACTIONS.ticketResolve, i.id),
  ];
}

/** The message's top-level text: what notifications, phones and screen readers show. Escaped like the card. */
export const ticketText = (i: Incident) => `${i.classification.severity} AI ${i.classification.primary} incident ${i.id}: ${esc(i.title)}`;
