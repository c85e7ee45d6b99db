// The "Draft report" button on a ticket: the drafts of every reporting obligation that applies to the
// incident, as Markdown for the person who clicked. Who may ask is decided like a ticket action
// (the domain's on-call and the incident managers): a draft carries the incident's details.
import type { Clock } from "../clock.js";
import { authorize } from "../domain/authz.js";
import { obligationClocks } from "../domain/clocks.js";
import type { Actor } from "../domain/incident.js";
import type { Obligations } from "../domain/obligations-file.js";
import { draftReport } from "../domain/report-draft.js";
import type { Roster } from "../domain/roster.js";
import type { IncidentStore } from "../store/types.js";
import { renderReportMarkdown } from "./report-markdown.js";

export interface ReportDraftText {
  regimeId: string;
  name: string;
  kind: "initial" | "follow-up";
  markdown: string;
}

export type DraftsOutcome = { ok: true; incidentId: string; drafts: ReportDraftText[] } | { ok: false; message: string };

export class ReportDrafts {
  constructor(private readonly d: { incidents: IncidentStore; roster: Roster; clock: Clock; obligations?: Obligations }) {}

  async forActor(incidentId: string, actor: Actor): Promise<DraftsOutcome> {
    const incident = await this.d.incidents.get(incidentId);
    if (!incident) return { ok: false, message: `There is no incident ${incidentId}.` };
    const allowed = authorize(this.d.roster, actor, "acknowledge", { domain: incident.routing.domain });
    if (!allowed.ok) return { ok: false, message: `Report drafts are for the ${incident.routing.domain} on-call and the incident managers.` };
    const file = this.d.obligations;
    const now = this.d.clock.now();
    const clocks = file ? obligationClocks(incident, file.regimes, now) : [];
    if (!file || !clocks.length) return { ok: false, message: `No reporting obligation applies to ${incidentId} with its answers.` };
    const drafts = clocks.map((c) => {
      const regime = file.regimes.find((r) => r.id === c.regimeId)!;
      // After an initial report, what is left to send is the follow-up (the complete report).
      const kind = c.reported?.report === "initial" ? ("follow-up" as const) : ("initial" as const);
      return { regimeId: c.regimeId, name: c.name, kind, markdown: renderReportMarkdown(draftReport({ incident, regime, kind, now })) };
    });
    return { ok: true, incidentId, drafts };
  }
}
