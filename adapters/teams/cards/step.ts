// Parts shared by the walk-through cards: the progress line and the Back / Cancel buttons.
import type { Progress, StepRef } from "../../../src/bot/reply.js";
import { submit, subtle, type SubmitAction, type TextBlock } from "./card.js";

export const progressLine = (p: Progress): TextBlock => subtle(`Question ${p.index} of ${p.total}`);

export function navigation(ref: StepRef, canBack: boolean): SubmitAction[] {
  const { conversationId, rev } = ref;
  return [
    ...(canBack ? [submit("Back", { action: "back", conversationId, rev })] : []),
    submit("Cancel", { action: "cancel", conversationId, rev }, "destructive"),
  ];
}
