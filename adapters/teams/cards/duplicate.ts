// "This looks like INC-2026-0042": join the open incident (nobody is paged again) or file a new one.
import type { Reply } from "../../../src/bot/reply.js";
import { LIMIT, card, clip, facts, submit, text, type AdaptiveCard } from "./card.js";
import { plain } from "./inert.js";
import { navigation } from "./step.js";

export function duplicateCard(r: Extract<Reply, { kind: "duplicate" }>): AdaptiveCard {
  const { conversationId, rev } = r;
  const d = r.incident;
  return card(
    [
      text(`This looks like ${d.id}, already reported`, { weight: "bolder" }),
      text(`> ${plain(clip(d.title, LIMIT.title))}`),
      facts([
        ["Incident", `${d.id} · ${d.severity} · AI ${d.primary}`],
        ["Status", d.status],
        ["Reported", `${d.createdAt.slice(11, 16)} UTC`],
      ]),
      text("Join it to add your report to its timeline: its on-call already has it, so nobody is paged again.", { size: "small", isSubtle: true }),
    ],
    [
      submit(`Join ${d.id}`, { action: "join", conversationId, rev, incidentId: d.id }, "positive"),
      submit("File a new one", { action: "file-new", conversationId, rev }),
      ...navigation(r, r.canBack),
    ],
  );
}
