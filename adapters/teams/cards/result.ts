// The reporter's last card: the incident id, who owns it and why, and where it was routed.
import type { Incident } from "../../../src/domain/incident.js";
import { LIMIT, card, clip, heading, subtle, text, type AdaptiveCard } from "./card.js";
import { classificationFacts, rationale } from "./incident-facts.js";

export function resultCard(i: Incident, duplicate: boolean): AdaptiveCard {
  return card([
    heading(`${duplicate ? "Already filed" : "Filed"} ${i.id}`),
    subtle(clip(i.title, LIMIT.title)),
    classificationFacts(i),
    ...rationale(i),
    text(`The ${i.routing.domain} on-call has been paged. Quote ${i.id} in follow-ups.`, { size: "small", isSubtle: true, spacing: "medium" }),
  ]);
}
