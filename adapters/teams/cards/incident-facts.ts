// How an incident's classification reads on a card: shared by the reporter's result and the tickets.
import type { Incident } from "../../../src/domain/incident.js";
import { bullets, facts, text, type Element, type FactSet } from "./card.js";

const FRAMEWORK: Record<string, string> = { atlas: "MITRE ATLAS", "owasp-llm": "OWASP LLM Top 10", "nist-ai-600-1": "NIST AI 600-1" };

export function classificationFacts(i: Incident): FactSet {
  const c = i.classification;
  return facts([
    ["Owner", `${c.primary === "safety" ? "AI safety (unintentional failure)" : "AI security (deliberate adversary)"}${c.provisional ? ", provisional until intent is known" : ""}`],
    ["Severity", c.severity],
    ["Cross-domain", c.crossDomain.join(", ")],
    ["Routed to", `${i.routing.queue}${i.routing.cc.length ? `, copied to ${i.routing.cc.join(", ")}` : ""}`],
    ["Acknowledge within", `${i.routing.ackMinutes} min`],
  ]);
}

/** The rationale and taxonomy references, at most `max` lines of each. */
export function rationale(i: Incident, max = 8): Element[] {
  const c = i.classification;
  const out: Element[] = [text("Why", { weight: "bolder", spacing: "medium" }), bullets(c.rationale.slice(-max))];
  if (c.refs.length) {
    out.push(text("References", { weight: "bolder", spacing: "medium" }));
    out.push(bullets(c.refs.slice(0, max).map((r) => `${FRAMEWORK[r.framework] ?? r.framework} ${r.id}${r.id === r.name ? "" : `: ${r.name}`}`)));
  }
  return out;
}
