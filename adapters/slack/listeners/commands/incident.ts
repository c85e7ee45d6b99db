// `/incident [what happened]` starts a private triage; `/incident summary [7d|30d|90d] [safety|security]`
// gives managers a summary; `/incident help` explains. Acknowledged first, worked on after.
// `/incident show INC-…` and `/incident list [filter]` look incidents up (./lookup.ts); `severity`,
// `intent`, `kind`, `note` and `reopen` edit one after filing (./edit.ts); `update`, `subscribe` and
// `unsubscribe` post a status update or follow one (./status.ts).
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { parseLookup } from "../../../../src/bot/lookup.js";
import { parseSummaryArgs } from "../../../../src/bot/summaries.js";
import { renderReply } from "../../blocks/reply.js";
import { actorOf, turnKey, type SlackDeps } from "../../deps.js";
import { submitTurn } from "../../turns.js";
import { lookupAnswer } from "./lookup.js";
import { parseEdit } from "../../../../src/bot/edit-command.js";
import { commanderAnswer, editAnswer } from "./edit.js";
import { parseCommander } from "../../../../src/bot/commander-command.js";
import { parseStatusCommand } from "../../../../src/bot/status-command.js";
import { statusAnswer } from "./status.js";

export const HELP = [
  "*Report an AI incident*",
  "• `/incident` or `/incident what happened…`: I ask a few questions in a DM and route it to the AI safety or AI security on-call.",
  "• Or use the shortcut *Report an AI incident*, or *Report as AI incident* on any message.",
  "• `/incident summary [7d|30d|90d] [safety|security]`: incident summary (managers only).",
  "• `/incident show INC-…` or `/incident list [open|mine|safety|security]`: look up incidents you may see.",
  "• On-call: `/incident severity INC-… SEV2 why`, `intent INC-… deliberate|suspected|none why`, `kind INC-… kind[,kind] why`, `note INC-… text`, `reopen INC-… why`; `command INC-…` to lead it, `commander INC-… @who` to hand it over.",
  "• `/incident update INC-… text`: a status update (on-call, incident managers, the commander): on the card, in its thread, to subscribers. `/incident subscribe INC-…` (or `unsubscribe`) to get them in a DM.",
  "Safety means an unintentional failure under normal use; security means someone did it on purpose. Not sure? Say so: it goes to security until ruled out.",
].join("\n");

/**
 * The ack thanks the reporter at once (Slack's 3 s), before the walk-through is stored: when storing
 * it then fails, this follows on the same response URL, so the thanks is never the last word.
 */
export const COMMAND_FAILED = ":warning: Sorry, I could not start your report: my storage did not answer. Nothing was saved; please run `/incident` again in a moment.";

export const incidentCommand =
  (d: SlackDeps) =>
  async ({ command, ack, respond, client, context }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const text = command.text.trim();
    const [first = "", ...rest] = text.split(/\s+/);
    if (/^(help|\?)$/i.test(text)) return ack({ response_type: "ephemeral", text: HELP });
    const user = actorOf({ id: command.user_id, name: command.user_name });
    if (first.toLowerCase() === "summary" && rest.length <= 2) {
      await ack();
      const args = parseSummaryArgs(rest.join(" "));
      if (!args) return void (await respond({ response_type: "ephemeral", text: "Usage: `/incident summary [7d|30d|90d] [safety|security]`, e.g. `/incident summary 30d security`." }));
      const outcome = await d.app.summaries.forManager(user, args.period, args.domain);
      const reply = outcome.ok ? renderReply({ kind: "summary", summary: outcome.summary }) : renderReply({ kind: "notice", level: "warning", text: outcome.message });
      return void (await respond({ response_type: "ephemeral", ...reply }));
    }
    const lookup = parseLookup(text);
    if (lookup) {
      await ack();
      return void (await respond({ response_type: "ephemeral", ...(await lookupAnswer(d, user, lookup)) }));
    }
    const lead = parseCommander(text);
    if (lead) {
      await ack();
      return void (await respond({ response_type: "ephemeral", ...(await commanderAnswer(d, user, lead)) }));
    }
    const status = parseStatusCommand(text);
    if (status) {
      await ack();
      return void (await respond({ response_type: "ephemeral", ...(await statusAnswer(d, user, status)) }));
    }
    const edit = parseEdit(text);
    if (edit) {
      await ack();
      return void (await respond({ response_type: "ephemeral", ...(await editAnswer(d, user, edit)) }));
    }
    await ack({ response_type: "ephemeral", text: "Thanks. I'll take it from here in a direct message with you, so the details stay private." });
    const key = turnKey(context.teamId ?? command.team_id, command.user_id);
    const whisper = command.response_url ? { whisper: { responseUrl: command.response_url } } : {};
    await submitTurn(d, client, { platform: "slack", key, user, input: { kind: "start", ...(text ? { text } : {}) }, ...whisper, failureText: COMMAND_FAILED });
  };
