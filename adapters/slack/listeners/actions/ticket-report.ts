// "Draft report" on a ticket card: the drafts of the reporting obligations that apply go to the
// clicker's DM (they carry the incident's details, so never to the channel). src/bot/report-drafts.ts
// decides who may have them; a refusal is shown only to the clicker.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { actorOf, type SlackDeps } from "../../deps.js";
import { clip, esc } from "../../blocks/kit.js";
import { IncidentRef } from "../../ids.js";

/** Slack cuts a message's text at 40,000 characters; a draft is far shorter, this is a bound. */
const TEXT_MAX = 39_000;

export const ticketReportAction =
  (d: SlackDeps) =>
  async ({ action, body, ack, respond, client }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const whisper = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const ref = IncidentRef.safeParse(action.value);
    if (!ref.success) return void (await whisper(":warning: I could not read that button; nothing was sent."));
    const outcome = await d.app.reports.forActor(ref.data, actorOf(body.user));
    d.log.info({ incidentId: ref.data, action: "draft-report", user: body.user.id, ok: outcome.ok }, "slack ticket action");
    if (!outcome.ok) return void (await whisper(`:no_entry: ${esc(outcome.message)}`));
    const dm = await client.conversations.open({ users: body.user.id });
    const channel = dm.channel!.id!;
    for (const draft of outcome.drafts) {
      const text = `:memo: Draft ${draft.kind} report for *${esc(outcome.incidentId)}*, ${esc(draft.name)}. Decision support, not legal advice: review it before you send it.\n\`\`\`\n${esc(draft.markdown)}\n\`\`\``;
      await client.chat.postMessage({ channel, text: clip(text, TEXT_MAX), mrkdwn: true, unfurl_links: false });
    }
    await whisper(`:memo: Sent you ${outcome.drafts.length === 1 ? "the draft" : `${outcome.drafts.length} drafts`} for ${esc(outcome.incidentId)} in a DM.`);
  };
