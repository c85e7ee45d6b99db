// What the bot says, independent of any chat platform. Each adapter renders these its own way
// (Block Kit, Adaptive Cards, terminal text); the words of questions come from the flow file.
import type { Incident } from "../domain/incident.js";
import type { Summary } from "../domain/summary.js";

export interface OptionView {
  value: string;
  label: string;
  hint?: string;
}
export interface Progress {
  index: number;
  total: number;
}
export interface SuggestionView {
  value: string | string[];
  labels: string[];
  confidence: number;
  evidence: string[];
}

/** What the responder sees of a possible duplicate before joining it. */
export interface DuplicateView {
  id: string;
  title: string;
  severity: string;
  primary: string;
  status: string;
  createdAt: string;
  /** 0..1, how alike the descriptions are. */
  similarity: number;
}

/** Identifies the step a reply belongs to: answers carrying an older rev are stale. */
export interface StepRef {
  conversationId: string;
  rev: number;
}

export type Reply =
  | (StepRef & {
      kind: "question";
      questionId: string;
      prompt: string;
      help?: string;
      options: OptionView[];
      multi: boolean;
      noneLabel?: string;
      suggestion?: SuggestionView;
      progress: Progress;
      canBack: boolean;
    })
  | (StepRef & { kind: "text-prompt"; questionId: string; prompt: string; help?: string; maxLength: number; progress: Progress; canBack: boolean })
  | (StepRef & {
      kind: "confirm-inferred";
      /**
       * suggestions still waiting, in flow order. Each can be kept; `changeable` is false while its
       * question depends on an answer still open (keep or change that one first).
       */
      items: Array<{ questionId: string; prompt: string; changeable: boolean } & SuggestionView>;
      progress: Progress;
      canBack: boolean;
    })
  | (StepRef & {
      kind: "duplicate";
      /** the open incident this report looks like; joining adds the report to its timeline. */
      incident: DuplicateView;
      canBack: boolean;
    })
  /**
   * `duplicate`: the incident was filed earlier (a repeated answer); `joined`: the report joined it;
   * `queued`: no ticket worker is running, so the on-call hears of it only once one starts.
   */
  | { kind: "triage-result"; incident: Incident; duplicate: boolean; joined?: boolean; queued?: boolean }
  | { kind: "notice"; level: "info" | "warning" | "error"; text: string }
  | { kind: "summary"; summary: Summary };

/** What the reporter is told when the ticket waits for a worker; one sentence for every platform. */
export const queuedText = (id: string) => `Filed ${id}; the on-call will be notified as soon as a ticket worker is running.`;

export const notice = (text: string, level: "info" | "warning" | "error" = "info"): Reply => ({ kind: "notice", level, text });
