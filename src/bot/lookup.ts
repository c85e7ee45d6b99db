// Look-up: one incident by id, or a short list (open, mine, safety, security), for the person asking.
// Who may see what is the domain's (src/domain/visibility.ts); this file reads the store and says it.
import type { Clock } from "../clock.js";
import type { Flow } from "../domain/flow.js";
import { INCIDENT_ID, type Actor, type Incident } from "../domain/incident.js";
import { personByIdentity, type Person, type Roster } from "../domain/roster.js";
import { LookupFilter, matchesFilter, mayView, notVisible } from "../domain/visibility.js";
import type { IncidentStore } from "../store/types.js";
import { incidentDetail, incidentRow, type IncidentDetail } from "./incident-view.js";
import { renderPostmortemMarkdown } from "./postmortem-markdown.js";

export type LookupRequest = { kind: "show"; id: string } | { kind: "list"; filter: LookupFilter };

export const LOOKUP_USAGE = "`show INC-2026-0042` or `list [open|mine|safety|security]`";

/**
 * "show INC-…" or "list [filter]": a request, an error saying what is wrong, or undefined when the
 * text is not a look-up at all (then it is a report: "/incident show-stopper in the chatbot…").
 */
export function parseLookup(text: string): LookupRequest | { error: string } | undefined {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [verb = "", ...rest] = words;
  if (verb.toLowerCase() === "show" && rest.length === 1) {
    const id = rest[0]!.toUpperCase();
    return INCIDENT_ID.test(id) ? { kind: "show", id } : { error: `'${rest[0]}' is not an incident id. Usage: ${LOOKUP_USAGE}` };
  }
  if (verb.toLowerCase() === "list" && rest.length <= 1) {
    const f = LookupFilter.safeParse((rest[0] ?? "open").toLowerCase());
    return f.success ? { kind: "list", filter: f.data } : { error: `'${rest[0]}' is not a list filter. Usage: ${LOOKUP_USAGE}` };
  }
  return undefined;
}

/** Who asks: a person on a platform, or the operator at the command line (`all`: they hold the store). */
export type Viewer = { actor: Actor } | { all: true; person?: Person };

export interface IncidentList {
  filter: LookupFilter;
  rows: string[];
  ids: string[];
  /** matching incidents left out to keep the answer short. */
  more: number;
}

export type LookupOutcome = { ok: true; kind: "show"; detail: IncidentDetail; incident: Incident } | { ok: true; kind: "list"; list: IncidentList } | { ok: false; message: string };

/** Rows in one answer: a chat message stays readable and inside every platform's limits. */
export const LIST_MAX = 20;
/** Resolved incidents this recent still show in `mine`, `safety` and `security`. */
const RECENT_DAYS = 7;

export class Lookup {
  constructor(private readonly d: { incidents: IncidentStore; roster: Roster; clock: Clock; flow: Flow }) {}

  async run(viewer: Viewer, req: LookupRequest): Promise<LookupOutcome> {
    return req.kind === "show" ? this.show(viewer, req.id) : this.list(viewer, req.filter);
  }

  async show(viewer: Viewer, id: string): Promise<LookupOutcome> {
    const incident = await this.d.incidents.get(id);
    // The same answer for "no such id" and "not yours": ids are sequential, so a difference would leak.
    if (!incident && "all" in viewer) return { ok: false, message: `${id}: no such incident in the store.` };
    if (!incident || !this.visible(viewer, incident)) return { ok: false, message: notVisible(id) };
    return { ok: true, kind: "show", incident, detail: incidentDetail(incident, this.d.flow) };
  }

  /** A postmortem draft in Markdown, for whoever may see the incident (the ticket's Postmortem button). */
  async postmortem(viewer: Viewer, id: string): Promise<{ ok: true; id: string; markdown: string } | { ok: false; message: string }> {
    const out = await this.show(viewer, id);
    if (!out.ok) return out;
    if (out.kind !== "show") throw new Error("unreachable");
    return { ok: true, id, markdown: renderPostmortemMarkdown(out.incident, this.d.flow, this.d.clock.now()) };
  }

  /**
   * Unresolved incidents of any age (through the status indexes) and those created in the last week,
   * filtered, then only the ones the viewer may see; newest first.
   */
  async list(viewer: Viewer, filter: LookupFilter): Promise<LookupOutcome> {
    const now = this.d.clock.now();
    // Windows are [from, to): one millisecond more keeps an incident filed this very millisecond.
    const to = new Date(now.getTime() + 1);
    const scope = filter === "safety" || filter === "security" ? { domain: filter } : {};
    const reads = [
      ...(["open", "acknowledged", "escalated"] as const).map((status) => this.d.incidents.list({ from: new Date(0), to, status, ...scope })),
      ...(filter === "open" ? [] : [this.d.incidents.list({ from: new Date(now.getTime() - RECENT_DAYS * 86_400_000), to, ...scope })]),
    ];
    const byId = new Map<string, Incident>();
    for (const i of (await Promise.all(reads)).flat()) byId.set(i.id, i);
    const actor = "actor" in viewer ? viewer.actor : undefined;
    const person = "actor" in viewer ? personByIdentity(this.d.roster, viewer.actor.platform, viewer.actor.userId) : viewer.person;
    const found = [...byId.values()]
      .filter((i) => matchesFilter(i, filter, actor, person) && this.visible(viewer, i))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    const shown = found.slice(0, LIST_MAX);
    return { ok: true, kind: "list", list: { filter, rows: shown.map(incidentRow), ids: shown.map((i) => i.id), more: found.length - shown.length } };
  }

  private visible(viewer: Viewer, i: Incident): boolean {
    return "all" in viewer || mayView(this.d.roster, viewer.actor, i);
  }
}

const LIST_TITLES: Record<LookupFilter, string> = {
  open: "Open incidents",
  mine: "Your incidents",
  safety: "AI safety incidents",
  security: "AI security incidents",
};

export function listTitle(l: IncidentList): string {
  const n = l.rows.length + l.more;
  return `${LIST_TITLES[l.filter]} (${n})`;
}

/** What a list says when it is empty, or its last line when rows were left out. */
export function listFooter(l: IncidentList): string | undefined {
  if (l.rows.length === 0) return l.filter === "open" ? "No open incidents you can see." : "No incidents you can see (unresolved, or created in the last 7 days).";
  return l.more > 0 ? `…and ${l.more} more; narrow it with list mine, safety or security.` : undefined;
}

export function listText(l: IncidentList): string {
  const footer = listFooter(l);
  return [listTitle(l), ...l.rows.map((r) => `  ${r}`), ...(footer ? [footer] : [])].join("\n");
}
