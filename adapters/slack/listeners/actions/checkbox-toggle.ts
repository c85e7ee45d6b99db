// Ticking a checkbox sends an interaction too; Slack shows an error unless it is acknowledged.
// The choice itself is read from the message state when "Next" is pressed.
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from "@slack/bolt";

export const checkboxToggleAction = async ({ ack }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
  await ack();
};
