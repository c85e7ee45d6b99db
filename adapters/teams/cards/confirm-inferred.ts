// The answers suggested from the description, each with its confidence, the words it came from and
// Keep / Change of its own; Keep all takes the rest. Changing one asks only that question.
import type { Reply } from "../../../src/bot/reply.js";
import { card, clip, pct, submit, subtle, text, type AdaptiveCard, type Element } from "./card.js";
import { plain } from "./inert.js";
import { navigation, progressLine } from "./step.js";

export function confirmInferredCard(r: Extract<Reply, { kind: "confirm-inferred" }>): AdaptiveCard {
  const { conversationId, rev } = r;
  const body: Element[] = [
    progressLine(r.progress),
    text("From your description I suggest these answers. Keep the right ones; change a wrong one and only that question is asked.", { weight: "bolder" }),
  ];
  for (const it of r.items) {
    const evidence = it.evidence.length ? `from "${it.evidence.map((e) => plain(clip(e, 80))).join('", "')}"` : "no quoted evidence";
    const questionId = it.questionId;
    // The card has no inputs, so these submits have nothing for Teams to validate.
    const buttons = [
      submit("Keep", { action: "suggestion", conversationId, rev, decision: "keep", questionId }),
      ...(it.changeable ? [submit("Change", { action: "suggestion", conversationId, rev, decision: "change", questionId })] : []),
    ];
    body.push({
      type: "Container",
      separator: true,
      items: [
        text(it.prompt, { size: "small", isSubtle: true }),
        text(`**${it.labels.join(", ") || "none"}** (${pct(it.confidence)} confident)`),
        subtle(evidence),
        ...(it.changeable ? [] : [subtle("To change it, first settle the answer it depends on above.")]),
        { type: "ActionSet", actions: buttons },
      ],
    });
  }
  return card(body, [submit(r.items.length > 1 ? "Keep all" : "Keep it", { action: "confirm", conversationId, rev, accept: true }, "positive"), ...navigation(r, r.canBack)]);
}
