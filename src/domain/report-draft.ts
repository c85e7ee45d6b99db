// A draft of the report a regime asks for, filled from the incident where the record knows the answer
// and marked "to complete" where it does not, so the person reporting sees at once what is missing.
// Pure: the incident, the regime, the awareness time and the clock come in. Decision support only.
import type { Incident } from "./incident.js";
import type { Regime, ReportField } from "./obligations-file.js";
import { awarenessOf, factsFromAnswers } from "./clocks.js";
import { awareAtOf, deadlineFor, ruleMatches, withinText, type IncidentLike } from "./obligations.js";

export const DISCLAIMER = "Decision support, not legal advice: check the applicability, the deadline and every field before you send anything.";
export const TO_COMPLETE = "to complete";

export interface DraftField {
  id: ReportField;
  label: string;
  /** null: to complete by the reporter. */
  value: string | null;
  /** where the value came from, or what to put there. */
  note: string;
}

export interface ReportDraft {
  regime: { id: string; name: string; reportTo: string; reportedBy: string };
  incidentId: string;
  kind: "initial" | "follow-up";
  generatedAt: string;
  applicability: { status: "applies" | "to confirm"; because: string };
  awareAt: string;
  deadline: { at: string; within: string; source: string; shorterIf: string[] };
  initialReportAllowed: string | null;
  fields: DraftField[];
  warnings: string[];
  disclaimer: string;
}

const LABELS: Record<ReportField, string> = {
  provider: "Provider",
  deployer: "Deployer",
  controller: "Controller",
  systemName: "AI system name",
  systemVersion: "AI system version",
  euDatabaseRegistration: "EU database registration number",
  memberState: "Member State(s) where it occurred",
  awareAt: "Awareness time",
  description: "Description",
  harmCategory: "Harm category",
  dataSubjects: "Data subjects and records concerned",
  likelyConsequences: "Likely consequences",
  causalLink: "Suspected causal link",
  immediateActions: "Immediate actions",
  correctiveMeasures: "Corrective measures",
  contact: "Contact",
};

const list = (v: unknown) => [v ?? []].flat().filter((x): x is string => typeof x === "string" && x !== "");
const blank = (note: string) => ({ value: null, note });

/** One field's value from the record; what the record cannot know (no AI system inventory yet) stays blank. */
function fill(id: ReportField, incident: Incident, awareAt: string, awareGiven: boolean): Omit<DraftField, "id" | "label"> {
  const a = incident.answers;
  switch (id) {
    case "provider":
    case "deployer":
    case "controller":
      return blank("name, address and contact of the organisation");
    case "systemName":
    case "systemVersion":
      return blank("from the AI system inventory or the technical documentation");
    case "euDatabaseRegistration":
      return blank("the system's number in the EU database (Art. 71), if registered");
    case "memberState":
      return blank("where the incident occurred: it decides which authority receives the report");
    case "awareAt":
      return { value: awareAt, note: awareGiven ? "given with --aware-at or set on the incident" : "the time the incident was reported; give --aware-at (or record it with --set-aware-at) if you became aware earlier" };
    case "description": {
      const d = typeof a.description === "string" ? a.description : "";
      const redacted = incident.redactions?.length ? "; secrets were redacted before storing" : "";
      return d ? { value: d, note: `as stored${redacted}` } : blank("what happened");
    }
    case "harmCategory": {
      const harm = list(a.harm);
      return { value: harm.length ? harm.join(", ") : null, note: "harm reported in triage; map it to the regime's category (AI Act Art. 3(49))" };
    }
    case "likelyConsequences": {
      const harm = list(a.harm);
      return { value: harm.length ? `harm reported in triage: ${harm.join(", ")}` : null, note: "likely consequences for the people concerned" };
    }
    case "dataSubjects": {
      const scope = list(a.scope);
      return { value: scope.length ? `scope reported in triage: ${scope.join(", ")}` : null, note: "categories and approximate numbers of data subjects and of records" };
    }
    case "causalLink": {
      const kind = list(a.attackKind)[0] ?? list(a.failureKind)[0];
      const intent = list(a.intent)[0];
      if (!kind && !intent) return blank("how the AI system is (or may be) linked to the harm");
      return { value: `intent: ${intent ?? "unknown"}${kind ? `; kind: ${kind}` : ""}; asset: ${list(a.asset).join(", ") || "unknown"}`, note: "from the triage answers; say how sure the link is" };
    }
    case "immediateActions": {
      const lines = incident.timeline.flatMap((e) =>
        e.type === "acknowledged" ? [`${e.at} acknowledged by ${e.person ?? e.by.name ?? e.by.userId}`]
        : e.type === "escalated" ? [`${e.at} escalated: ${e.reason}`]
        : e.type === "rerouted" ? [`${e.at} rerouted to ${e.to}: ${e.reason}`]
        : [],
      );
      return { value: [`${incident.createdAt} routed to ${incident.routing.queue}`, ...lines].join("; "), note: "from the incident's timeline; add containment steps taken" };
    }
    case "correctiveMeasures": {
      const resolved = incident.timeline.find((e) => e.type === "resolved");
      return resolved ? { value: resolved.note, note: "the resolution note" } : blank("measures taken or planned");
    }
    case "contact":
      return incident.assignee ? { value: incident.assignee, note: "the incident's assignee; give a role address if you can" } : blank("a person or role the authority can reach");
  }
}

export function draftReport(input: { incident: Incident; regime: Regime; kind: "initial" | "follow-up"; awareAt?: string; now: Date }): ReportDraft {
  const { incident, regime } = input;
  // The facts come from the reporting questions' answers and the awareness time on the timeline; a
  // fact not answered (or "don't know") leaves a regime that needs it "to confirm". --aware-at wins.
  const recorded = awarenessOf(incident);
  const awareGiven: string | undefined = input.awareAt ?? (recorded.set ? recorded.awareAt : undefined);
  const like: IncidentLike = { answers: incident.answers, createdAt: incident.createdAt, facts: { ...factsFromAnswers(incident.answers), ...(awareGiven ? { awareAt: awareGiven } : {}) } };
  const awareAt = awareAtOf(like);
  const trigger = regime.when.find((t) => ruleMatches(t, like));
  const d = deadlineFor(regime, like);
  return {
    regime: { id: regime.id, name: regime.name, reportTo: regime.reportTo, reportedBy: regime.reportedByNote ?? regime.reportedBy.join(" or ") },
    incidentId: incident.id,
    kind: input.kind,
    generatedAt: input.now.toISOString(),
    applicability: trigger
      ? { status: "applies", because: trigger.because }
      : { status: "to confirm", because: `the record does not show it; it applies when ${regime.when.map((t) => t.because).join(", or when ")}` },
    awareAt,
    deadline: {
      at: new Date(Date.parse(awareAt) + d.ms).toISOString(),
      within: d.within,
      source: d.source.article,
      shorterIf: regime.shorter.map((s) => `${withinText(s.within)} if ${s.because} (${s.source.article})`),
    },
    initialReportAllowed: regime.initialReport?.allowed ? regime.initialReport.source.article : null,
    fields: regime.reportFields.map((id) => ({ id, label: LABELS[id], ...fill(id, incident, awareAt, awareGiven !== undefined) })),
    warnings: regime.warnings.map((w) => `${w.text} (${w.source.article})`),
    disclaimer: DISCLAIMER,
  };
}
