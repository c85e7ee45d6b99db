// Parts shared by the walk-through cards: the progress line and the Back / Cancel buttons.
import type { Progress, StepRef } from "../../../src/bot/reply.js";
import { submit, subtle, type SubmitAction, type TextBlock } from "./card.js";

export const progressLine = (p: Progress): TextBlock => subtle(`Question ${p.index} of ${p.total}`);

/**
 * Back and Cancel ignore the card's inputs: Teams refuses any submit while a required input is empty
 * unless the action says so, and Back must work on a question nobody has answered yet.
 */
export function navigation(ref: StepRef, canBack: boolean): SubmitAction[] {
  const { conversationId, rev } = ref;
  const noInputs = { associatedInputs: "none" as const };
  return [
    ...(canBack ? [{ ...submit("Back", { action: "back", conversationId, rev }), ...noInputs }] : []),
    { ...submit("Cancel", { action: "cancel", conversationId, rev }, "destructive"), ...noInputs },
  ];
}
