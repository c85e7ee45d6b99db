// A short message from the bot: information, a warning (nothing changed) or an error.
import type { Reply } from "../../../src/bot/reply.js";
import { card, text, type AdaptiveCard } from "./card.js";
import { plain } from "./inert.js";

export function noticeCard(n: Extract<Reply, { kind: "notice" }>): AdaptiveCard {
  const color = n.level === "error" ? "attention" : n.level === "warning" ? "warning" : undefined;
  // Notices quote what people typed (a refused answer, a removed secret's kind): plain text only.
  return card([text(plain(n.text), color ? { color } : {})]);
}
