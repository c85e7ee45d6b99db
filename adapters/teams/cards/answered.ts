// What an answered walk-through card turns into: the question and the answer, no live buttons, so an
// old card cannot be clicked again by mistake.
import { card, subtle, text, type AdaptiveCard } from "./card.js";
import { plain } from "./inert.js";

export function answeredCard(question: string, answer: string): AdaptiveCard {
  return card([subtle(plain(question)), text(`✔ ${plain(answer)}`, { weight: "bolder", color: "good" })]);
}
