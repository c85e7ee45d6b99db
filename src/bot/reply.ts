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
      items: Array<{ questionId: string; prompt: string } & SuggestionView>;
      progress: Progress;
      canBack: boolean;
    })
  | { kind: "triage-result"; incident: Incident; duplicate: boolean }
  | { kind: "notice"; level: "info" | "warning" | "error"; text: string }
  | { kind: "summary"; summary: Summary };

export const notice = (text: string, level: "info" | "warning" | "error" = "info"): Reply => ({ kind: "notice", level, text });
