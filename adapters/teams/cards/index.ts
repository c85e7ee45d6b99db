// One Adaptive Card per Reply kind.
import type { Reply } from "../../../src/bot/reply.js";
import { CARD_CONTENT_TYPE, type AdaptiveCard } from "./card.js";
import { confirmInferredCard } from "./confirm-inferred.js";
import { duplicateCard } from "./duplicate.js";
import { noticeCard } from "./notice.js";
import { questionCard } from "./question.js";
import { resultCard } from "./result.js";
import { summaryCard } from "./summary.js";
import { textPromptCard } from "./text-prompt.js";

export function renderReply(r: Reply): AdaptiveCard {
  switch (r.kind) {
    case "question":
      return questionCard(r);
    case "text-prompt":
      return textPromptCard(r);
    case "confirm-inferred":
      return confirmInferredCard(r);
    case "duplicate":
      return duplicateCard(r);
    case "triage-result":
      return resultCard(r.incident, r.duplicate, r.joined, r.queued);
    case "notice":
      return noticeCard(r);
    case "summary":
      return summaryCard(r.summary);
  }
}

/** A message activity carrying one card; `summary` is what Teams shows in notifications. */
export function cardActivity(content: AdaptiveCard, summary?: string) {
  return { type: "message" as const, attachments: [{ contentType: CARD_CONTENT_TYPE, content }], ...(summary ? { summary } : {}) };
}

export { answeredCard } from "./answered.js";
export { crossDomainCard, pageCard, renderTicket, ticketCard, type TicketCardInput } from "./ticket.js";
export { welcomeCard } from "./welcome.js";
export type { AdaptiveCard } from "./card.js";
