// How test walk-throughs get past the suggested answers when they mean to answer every question
// themselves: change the first suggestion that can be changed (its question is asked next).
import type { Input } from "../../src/bot/conversation.js";
import type { Reply } from "../../src/bot/reply.js";

type Confirm = Extract<Reply, { kind: "confirm-inferred" }>;

export function changeFirst(step: Confirm): Input {
  const item = step.items.find((i) => i.changeable) ?? step.items[0]!;
  return { kind: "confirm-inferred", decision: "change", questionId: item.questionId, rev: step.rev };
}
