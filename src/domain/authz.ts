// Who may do what: one table, read by the lifecycle (ticket actions), the conversation (triage steps,
// joining a duplicate) and summaries. Roles come from the roster, per incident domain; everyone who
// can reach the bot on a platform is a reporter. Adapters never decide: they pass the actor along.
import { z } from "zod";
import type { Actor } from "./actor.js";
import { personByIdentity, type Person, type Roster } from "./roster.js";
import type { Domain } from "./vocabulary.js";

export const Role = z.enum(["reporter", "oncall", "incident-manager", "manager"]);
export type Role = z.infer<typeof Role>;

export const AuthzAction = z.enum(["start-triage", "answer-own-triage", "join-duplicate", "acknowledge", "escalate", "reroute", "resolve", "view-summary", "view-incident", "edit-incident", "post-status", "subscribe"]);
export type AuthzAction = z.infer<typeof AuthzAction>;
export type TicketActionName = Extract<AuthzAction, "acknowledge" | "escalate" | "reroute" | "resolve">;

const EVERYONE: readonly Role[] = Role.options;
const RESPONDERS: readonly Role[] = ["oncall", "incident-manager"];

/**
 * The matrix. `oncall` means on the roster (any level) of the incident's domain: the other domain's
 * on-call is only a reporter there. Managers read summaries but do not act on tickets (unless also
 * on a roster). Triage steps are further limited to the walk-through's own reporter.
 */
export const MATRIX: Readonly<Record<AuthzAction, readonly Role[]>> = {
  "start-triage": EVERYONE,
  "answer-own-triage": EVERYONE,
  "join-duplicate": EVERYONE,
  acknowledge: RESPONDERS,
  escalate: RESPONDERS,
  reroute: RESPONDERS,
  resolve: RESPONDERS,
  "view-summary": ["manager"],
  /** reading one incident or a list (`/incident show`, `list`): also its own reporter (OWN_OR_ROLE). */
  "view-incident": ["oncall", "incident-manager", "manager"],
  /** severity, intent, kinds, notes, reopening (src/domain/edits.ts). */
  "edit-incident": RESPONDERS,
  /** a status update (src/domain/status.ts); the commander may too, as for edits. */
  "post-status": RESPONDERS,
  /** following an incident's status updates: whoever may see it (also its own reporter, OWN_OR_ROLE). */
  subscribe: ["oncall", "incident-manager", "manager"],
};

/** Actions on a walk-through that need its owner: nobody answers, joins or restarts for someone else. */
const OWN: ReadonlySet<AuthzAction> = new Set(["start-triage", "answer-own-triage", "join-duplicate"]);

/** Actions the owner may take whatever their role: a reporter reads back their own incident. */
const OWN_OR_ROLE: ReadonlySet<AuthzAction> = new Set(["view-incident", "subscribe"]);

export interface AuthzContext {
  /** the incident's domain, for ticket actions. */
  domain?: Domain;
  /** who started the walk-through, for triage steps; who reported the incident, for view-incident. */
  owner?: Actor;
}

export type AuthzResult = { ok: true; person?: Person; roles: Role[] } | { ok: false; roles: Role[]; message: string };

export const sameActor = (a: Actor, b: Actor) => a.platform === b.platform && a.userId === b.userId;

export function rolesOf(roster: Roster, actor: Actor, domain?: Domain): { roles: Role[]; person?: Person } {
  const person = personByIdentity(roster, actor.platform, actor.userId);
  const roles: Role[] = ["reporter"];
  if (person && domain && roster.domains[domain].levels.some((lvl) => lvl.includes(person.id))) roles.push("oncall");
  if (person && roster.incidentManagers.includes(person.id)) roles.push("incident-manager");
  if (person && roster.managers.includes(person.id)) roles.push("manager");
  return person ? { roles, person } : { roles };
}

export function authorize(roster: Roster, actor: Actor, action: AuthzAction, ctx: AuthzContext = {}): AuthzResult {
  const { roles, person } = rolesOf(roster, actor, ctx.domain);
  if (OWN.has(action) && ctx.owner && !sameActor(actor, ctx.owner)) {
    return { ok: false, roles, message: "This triage belongs to someone else; only the person who started it can answer it." };
  }
  const owns = OWN_OR_ROLE.has(action) && ctx.owner !== undefined && sameActor(actor, ctx.owner);
  if (!owns && !roles.some((r) => MATRIX[action].includes(r))) return { ok: false, roles, message: refusal(action, ctx.domain) };
  return person ? { ok: true, roles, person } : { ok: true, roles };
}

function refusal(action: AuthzAction, domain?: Domain): string {
  if (action === "view-summary") return "Summaries are for the managers listed in the on-call roster.";
  if (action === "edit-incident") return `Only the ${domain ?? "domain's"} on-call roster or an incident manager can edit this incident.`;
  if (action === "post-status") return `Only the ${domain ?? "domain's"} on-call roster, an incident manager or the commander can post a status update on this incident.`;
  if (action === "view-incident" || action === "subscribe") return `Only its reporter, the ${domain ?? "domain's"} on-call roster, incident managers and managers can see this incident.`;
  return `Only the ${domain ?? "domain's"} on-call roster or an incident manager can ${action} this incident.`;
}
