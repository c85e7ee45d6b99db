// What a walk-through message turns into once its button was accepted: the question and the answer
// in the flow's words, no live buttons, so an old message cannot be pressed again by mistake. Said
// once here; Slack and Teams each render the pair.
import type { Input } from "../bot/conversation.js";
import type { Flow } from "../domain/flow.js";
import { redact } from "../domain/redact.js";

export interface AnsweredView {
  question: string;
  answer: string;
}

/** `questionId`: the question the pressed message asked, when the input does not name it (Back, Cancel). */
export function answeredView(flow: Flow, input: Input, questionId?: string): AnsweredView {
  const qid = "questionId" in input && typeof input.questionId === "string" ? input.questionId : questionId;
  const q = flow.questions.find((x) => x.id === qid);
  const prompt = q?.prompt ?? qid;
  switch (input.kind) {
    case "answer": {
      if (!q) return { question: prompt ?? "", answer: String(input.value) };
      // The message shows what was kept: the redacted text, never a secret that was typed into it.
      if (q.kind === "text") return { question: q.prompt, answer: redact(String(input.value)).text };
      const values = [input.value].flat().map(String);
      const labels = values.map((v) => q.options.find((o) => o.value === v)?.label ?? v);
      return { question: q.prompt, answer: labels.join(", ") || (q.kind === "many" ? (q.noneLabel ?? "None") : "") };
    }
    case "confirm-inferred":
      if (input.decision === "keep-all") return { question: "Suggested answers", answer: "Kept all the suggested answers" };
      return { question: prompt ?? "Suggested answers", answer: input.decision === "keep" ? "Kept the suggested answer" : "Changing the suggested answer" };
    case "join":
      return { question: "Already reported?", answer: `Joined ${input.incidentId}` };
    case "file-new":
      return { question: "Already reported?", answer: "Filed as a new incident" };
    case "back":
      return { question: prompt ?? "Back", answer: "Went back to the previous question" };
    case "cancel":
      return { question: prompt ?? "Cancelled", answer: "Triage cancelled" };
    default:
      return { question: prompt ?? "", answer: "Answered" };
  }
}
