// The reporter's last card: the incident id, who owns it and why, and where it was routed.
import { queuedText } from "../../../src/bot/reply.js";
import type { Incident } from "../../../src/domain/incident.js";
import { LIMIT, card, clip, heading, subtle, text, type AdaptiveCard } from "./card.js";
import { plain } from "./inert.js";
import { classificationFacts, rationale } from "./incident-facts.js";

export function resultCard(i: Incident, duplicate: boolean, joined = false, queued = false): AdaptiveCard {
  return card([
    heading(`${joined ? "Joined" : duplicate ? "Already filed" : "Filed"} ${i.id}`),
    subtle(plain(clip(i.title, LIMIT.title))),
    classificationFacts(i),
    ...rationale(i),
    text(
      joined
        ? `Your report was added to ${i.id}; the ${i.routing.domain} on-call already has it. Quote ${i.id} in follow-ups.`
        : queued
          ? `${queuedText(i.id)} Quote ${i.id} in follow-ups.`
          : `The ${i.routing.domain} on-call has been ${i.limited ? "sent the ticket (not paged: too many reports)" : "paged"}. Quote ${i.id} in follow-ups.`,
      { size: "small", isSubtle: true, spacing: "medium" },
    ),
  ]);
}
