// The answers suggested from the description, each with its confidence and the words it came from:
// accept them all, or answer those questions one by one.
import type { Reply } from "../../../src/bot/reply.js";
import { card, clip, pct, submit, subtle, text, type AdaptiveCard, type Element } from "./card.js";
import { navigation, progressLine } from "./step.js";

export function confirmInferredCard(r: Extract<Reply, { kind: "confirm-inferred" }>): AdaptiveCard {
  const { conversationId, rev } = r;
  const body: Element[] = [progressLine(r.progress), text("From your description I suggest these answers. Are they right?", { weight: "bolder" })];
  for (const it of r.items) {
    const evidence = it.evidence.length ? `from "${it.evidence.map((e) => clip(e, 80)).join('", "')}"` : "no quoted evidence";
    body.push({
      type: "Container",
      separator: true,
      items: [text(it.prompt, { size: "small", isSubtle: true }), text(`**${it.labels.join(", ") || "none"}** (${pct(it.confidence)} confident)`), subtle(evidence)],
    });
  }
  return card(body, [
    submit("Yes, that's right", { action: "confirm", conversationId, rev, accept: true }, "positive"),
    submit("Let me answer", { action: "confirm", conversationId, rev, accept: false }),
    ...navigation(r, r.canBack),
  ]);
}
