// A free-text question (the description): a multi-line box and Submit; typing a message works too.
import type { Reply } from "../../../src/bot/reply.js";
import { INPUT } from "../submit.js";
import { card, submit, subtle, text, type AdaptiveCard, type Element } from "./card.js";
import { navigation, progressLine } from "./step.js";

export function textPromptCard(q: Extract<Reply, { kind: "text-prompt" }>): AdaptiveCard {
  const { conversationId, rev, questionId } = q;
  const body: Element[] = [progressLine(q.progress), text(q.prompt, { weight: "bolder" })];
  if (q.help) body.push(subtle(q.help));
  body.push(
    { type: "Input.Text", id: INPUT.text, isMultiline: true, maxLength: q.maxLength, placeholder: "Describe it here, or type it as a message", isRequired: true, errorMessage: "Please describe what happened." },
    { type: "ActionSet", actions: [submit("Submit", { action: "answer", conversationId, rev, questionId }, "positive")] },
  );
  return card(body, navigation(q, q.canBack));
}
