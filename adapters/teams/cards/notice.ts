// A short message from the bot: information, a warning (nothing changed) or an error.
import type { Reply } from "../../../src/bot/reply.js";
import { card, text, type AdaptiveCard } from "./card.js";

export function noticeCard(n: Extract<Reply, { kind: "notice" }>): AdaptiveCard {
  const color = n.level === "error" ? "attention" : n.level === "warning" ? "warning" : undefined;
  return card([text(n.text, color ? { color } : {})]);
}
