// Editing an incident after filing (issue 16, item 2): severity, intent, the attack or failure kinds,
// a note, reopening. Who may: the domain's on-call roster and incident managers (`edit-incident` in
// authz.ts), and the incident's commander (src/domain/commander.ts). Each change is one timeline event with who and why; a refusal changes nothing. Confirming
// or ruling out intent clears "provisional"; an intent that points to the other domain (ruling out an
// adversary on a provisional security incident) goes through the reroute of incident.ts, reason and all.
import { z } from "zod";
import { authorize } from "./authz.js";
import { isCommander } from "./commander.js";
import type { Classification } from "./classify.js";
import { reroute, type ActionResult, type Actor, type Incident, type TimelineEvent } from "./incident.js";
import { timerAfterReopen, timerAfterSeverityChange } from "./escalation-timer.js";
import { levelCount, type Roster } from "./roster.js";
import { AttackKind, FailureKind, Severity } from "./vocabulary.js";

const Reason = z.string().trim().min(3, "a reason of at least 3 characters (why the change?)").max(2000);

export const IncidentEdit = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("severity"), severity: Severity, reason: Reason }),
  z.strictObject({ kind: z.literal("intent"), intent: z.enum(["deliberate", "suspected", "none"]), reason: Reason }),
  /** attack kinds on a security incident, failure kinds on a safety one; the first is the main one. */
  z.strictObject({ kind: z.literal("kinds"), kinds: z.array(z.string()).min(1).max(5), reason: Reason }),
  z.strictObject({ kind: z.literal("note"), text: z.string().trim().min(1).max(2000) }),
  z.strictObject({ kind: z.literal("reopen"), reason: Reason }),
]);
export type IncidentEdit = z.infer<typeof IncidentEdit>;

/**
 * An edit's outcome; `timerDueAt`: the edit needs an acknowledgement timer due then, for the incident's
 * (stored) escalation generation: a sooner one beside the running one after a raised severity (whichever
 * fires first escalates and moves the generation on, so the other does nothing), a fresh one after a
 * reopen (whose generation bump made any older timer stale).
 */
export type EditResult = ActionResult & { timerDueAt?: Date };

const refuse = (code: "NOT_ALLOWED" | "ALREADY_RESOLVED" | "REASON_REQUIRED", message: string): ActionResult => ({ ok: false, code, message });
const nameOf = (a: Actor) => a.name ?? a.userId;

function touch(i: Incident, now: Date, event: TimelineEvent, patch: Partial<Incident>): Incident {
  return { ...i, ...patch, updatedAt: now.toISOString(), timeline: [...i.timeline, event] };
}

export function editIncident(i: Incident, roster: Roster, actor: Actor, e: IncidentEdit, now: Date): EditResult {
  const auth = authorize(roster, actor, "edit-incident", { domain: i.routing.domain });
  if (!auth.ok && !isCommander(roster, actor, i)) return refuse("NOT_ALLOWED", `Only the ${i.routing.domain} on-call roster, an incident manager or the commander can edit ${i.id}.`);
  if (i.status === "resolved" && e.kind !== "note" && e.kind !== "reopen") return refuse("ALREADY_RESOLVED", `${i.id} is resolved; reopen it first (reopen ${i.id} <why>).`);
  const at = now.toISOString();
  const c = i.classification;
  const same = (message: string): ActionResult => ({ ok: true, incident: i, changed: false, message });
  const edited = (field: "severity" | "intent" | "kinds", from: string, to: string, reason: string, patch: Partial<Incident>, message: string): ActionResult => ({
    ok: true,
    changed: true,
    message,
    incident: touch(i, now, { type: "edited", at, by: actor, field, from, to, reason }, patch),
  });
  switch (e.kind) {
    case "note":
      return { ok: true, changed: true, message: `${nameOf(actor)} added a note to ${i.id}: ${e.text}`, incident: touch(i, now, { type: "note", at, by: actor, text: e.text }, {}) };
    case "reopen": {
      if (i.status !== "resolved") return same(`${i.id} is not resolved; nothing to reopen.`);
      const incident = touch(i, now, { type: "reopened", at, by: actor, reason: e.reason }, { status: "open", escalationGen: i.escalationGen + 1 });
      delete incident.resolvedAt;
      // Open again means someone must take it again: a full acknowledgement wait from now.
      const due = timerAfterReopen(incident, levelCount(roster, i.routing.domain), now);
      return { ok: true, changed: true, incident, message: `${nameOf(actor)} reopened ${i.id}: ${e.reason}`, ...(due ? { timerDueAt: due } : {}) };
    }
    case "severity": {
      if (c.severity === e.severity) return same(`${i.id} is already ${e.severity}.`);
      const classification: Classification = { ...c, severity: e.severity, rationale: [...c.rationale, `Severity changed from ${c.severity} to ${e.severity} by ${nameOf(actor)}: ${e.reason}`] };
      const minutes = roster.domains[i.routing.domain].escalationMinutes;
      const routing = { ...i.routing, ackMinutes: minutes[e.severity] };
      const r = edited("severity", c.severity, e.severity, e.reason, { classification, routing }, `${i.id} severity ${c.severity} → ${e.severity} (${nameOf(actor)}: ${e.reason})`);
      if (!r.ok) return r;
      // A raised severity shortens the running wait (src/domain/escalation-timer.ts); a lowered one keeps it.
      // The generation stays: a page or timer of this escalation still pending must not find itself stale.
      const due = timerAfterSeverityChange(r.incident, c.severity, e.severity, minutes, levelCount(roster, i.routing.domain), now);
      return due ? { ...r, timerDueAt: due } : r;
    }
    case "intent": {
      const from = String(i.answers.intent ?? "unknown");
      const owner = e.intent === "none" ? "safety" : "security";
      if (from === e.intent && !c.provisional) return same(`${i.id} already has intent ${e.intent}.`);
      const why = `Intent ${e.intent === "none" ? "ruled out" : "confirmed"} (${from} → ${e.intent}) by ${nameOf(actor)}: ${e.reason}`;
      const event: TimelineEvent = { type: "edited", at, by: actor, field: "intent", from, to: e.intent, reason: e.reason };
      if (owner !== i.routing.domain) {
        // The other domain's: the existing reroute moves it (new ticket, old card retired, timers reset).
        const moved = reroute(i, roster, actor, why, now);
        if (!moved.ok) return moved;
        const m = moved.incident;
        return { ...moved, incident: { ...m, answers: { ...m.answers, intent: e.intent }, timeline: [...m.timeline, event] } };
      }
      const classification: Classification = { ...c, provisional: false, rationale: [...c.rationale, why] };
      return { ok: true, changed: true, message: `${i.id}: ${why}`, incident: touch(i, now, event, { classification, answers: { ...i.answers, intent: e.intent } }) };
    }
    case "kinds": {
      const field = i.routing.domain === "security" ? "attackKind" : "failureKind";
      const allowed: readonly string[] = field === "attackKind" ? AttackKind.options : FailureKind.options;
      const bad = e.kinds.filter((k) => !allowed.includes(k));
      if (bad.length) return refuse("REASON_REQUIRED", `${bad.join(", ")}: not ${field === "attackKind" ? "an attack" : "a failure"} kind. One or more of ${allowed.join(", ")}.`);
      const kinds = [...new Set(e.kinds)];
      const from = (i.kinds ?? [String(i.answers[field] ?? "none")]).join(", ");
      if (from === kinds.join(", ")) return same(`${i.id} already has ${from}.`);
      return edited("kinds", from, kinds.join(", "), e.reason, { answers: { ...i.answers, [field]: kinds[0]! }, kinds }, `${i.id} ${field === "attackKind" ? "attack" : "failure"} kind ${from} → ${kinds.join(", ")} (${nameOf(actor)}: ${e.reason})`);
    }
  }
}
