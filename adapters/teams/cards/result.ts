// The reporter's last card, rendered from the ResultView (src/views/result.ts): the incident id, who
// owns it and why, where it was routed, and what happens next.
import type { Incident } from "../../../src/domain/incident.js";
import { resultView } from "../../../src/views/result.js";
import { LIMIT, bullets, card, clip, facts, heading, subtle, text, type AdaptiveCard } from "./card.js";
import { plain } from "./inert.js";

export function resultCard(i: Incident, duplicate: boolean, joined = false, queued = false): AdaptiveCard {
  const v = resultView(i, { duplicate, joined, queued });
  return card([
    heading(v.heading),
    subtle(plain(clip(v.title, LIMIT.title))),
    facts(v.facts.map((f) => [f.label, f.value])),
    ...v.sections.flatMap((s) => [text(s.title, { weight: "bolder", spacing: "medium" }), bullets(s.lines)]),
    text(plain(v.told), { size: "small", isSubtle: true, spacing: "medium" }),
  ]);
}
