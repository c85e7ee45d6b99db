// The Teams bot: turns an activity into a walk-through step, a ticket action or a summary. Work here
// is short (store reads and writes, queue adds): deliveries run as queued jobs, so Teams gets its
// HTTP answer well inside its time limit.
import { TeamsActivityHandler, TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type MessagingExtensionAction, type MessagingExtensionActionResponse } from "botbuilder";
import type { AdapterPort } from "../../src/port.js";
import { notice } from "../../src/bot/reply.js";
import { parseSummaryArgs } from "../../src/bot/summaries.js";
import type { TeamsConfig } from "./auth.js";
import { cardActivity, welcomeCard } from "./cards/index.js";
import { summaryCard } from "./cards/summary.js";
import { parseCommand } from "./commands.js";
import { isPersonal, whoIs, type Who } from "./identity.js";
import { dialog, reportedMessage } from "./message-action.js";
import { lookupInTeams } from "./lookup.js";
import { postmortemInTeams } from "./postmortem.js";
import { commanderInTeams, editInTeams, statusInTeams } from "./edit.js";
import { isReplay } from "./replay.js";
import { NO_PERSONAL_CHAT, personalChat } from "./personal-chat.js";
import { parseSubmit } from "./submit.js";
import { followAction, ticketAction } from "./ticket-actions.js";
import { universalAction } from "./universal-action.js";
import { Walkthrough, send } from "./walkthrough.js";

export class TeamsTriageBot extends TeamsActivityHandler {
  private readonly walk: Walkthrough;

  constructor(
    private readonly app: AdapterPort,
    private readonly cfg: TeamsConfig,
  ) {
    super();
    this.walk = new Walkthrough(app, cfg);
    this.onTurn(async (ctx, next) => {
      const a = ctx.activity;
      app.log.debug({ type: a.type, serviceUrl: a.serviceUrl, conversation: a.conversation?.id, tenant: a.conversation?.tenantId }, "teams activity");
      // After botbuilder's authentication, before any work: a repeat gets its 200 and nothing else.
      if (await isReplay(app.seen, a, app.log)) return;
      await next();
    });
    this.onMessage(async (ctx, next) => {
      await this.message(ctx);
      await next();
    });
    this.onMembersAdded(async (ctx, next) => {
      const a = ctx.activity;
      if (a.membersAdded?.some((m) => m.id === a.recipient.id)) {
        // The serviceUrl and tenant id the roster's destinations.<domain>.teams needs.
        app.log.info({ conversationId: a.conversation.id, serviceUrl: a.serviceUrl, tenantId: a.conversation.tenantId }, "teams: bot installed");
        await ctx.sendActivity(cardActivity(welcomeCard({ inChannel: !isPersonal(a) })));
      }
      await next();
    });
  }

  private async message(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const who = whoIs(a);
    if (!who) {
      await ctx.sendActivity("I cannot tell who sent this message, so I cannot act on it.");
      return;
    }
    if (a.value !== undefined && a.value !== null) return this.submit(ctx, who);
    const personal = isPersonal(a);
    const cmd = parseCommand(a.text ? TurnContext.removeRecipientMention(a) ?? "" : "");
    switch (cmd.kind) {
      case "start":
        return personal ? this.walk.typed(ctx, who, { kind: "start", text: cmd.text }) : this.walk.startPrivately(ctx, who, cmd.text);
      case "summary":
        return this.summary(ctx, who, cmd.args);
      case "lookup":
        return lookupInTeams(this.app, this.cfg, ctx, who, cmd.request);
      case "edit":
        return editInTeams(this.app, ctx, who, cmd.request);
      case "commander":
        return commanderInTeams(this.app, ctx, who, cmd.request);
      case "status":
        return statusInTeams(this.app, ctx, who, cmd.request);
      case "back":
      case "cancel":
        if (personal) return this.walk.typed(ctx, who, { kind: cmd.kind });
        break;
      case "text":
        if (personal) return this.walk.typed(ctx, who, { kind: "text", text: cmd.text });
        break;
    }
    await ctx.sendActivity(cardActivity(welcomeCard({ inChannel: !personal })));
  }

  /** An Action.Execute (Universal Actions): answered with the card this person should see now. */
  protected override async onAdaptiveCardInvoke(ctx: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    return universalAction(this.app, ctx, invoke);
  }

  /** "Report as AI incident" on a message: the triage of that message opens in the personal chat. */
  protected override async handleTeamsMessagingExtensionFetchTask(ctx: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return this.reportMessage(ctx, action);
  }

  /** The same, from a client that submits the action without fetching a dialog first. */
  protected override async handleTeamsMessagingExtensionSubmitAction(ctx: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return this.reportMessage(ctx, action);
  }

  private async reportMessage(ctx: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    const who = whoIs(ctx.activity);
    const reported = reportedMessage(action);
    if (!who || !reported) return dialog("I could not read that message; nothing was reported.");
    // Not cut here: the bot cuts text over the limit and tells the reporter (src/bot/long-text.ts).
    const opened = await this.walk.startInPersonalChat(ctx, who, reported);
    return dialog(opened ? "I have sent you a private chat to triage this message." : "I could not open a private chat with you. Open a chat with me (Apps → AI Incident Triage), then try again.");
  }

  private async submit(ctx: TurnContext, who: Who): Promise<void> {
    const parsed = parseSubmit(ctx.activity.value);
    if (!parsed) return send(ctx, [notice("I could not read that button press; nothing was changed.", "warning")]);
    const { data, inputs } = parsed;
    if (data.action === "ticket") return ticketAction(this.app, ctx, who, data, inputs);
    if (data.action === "status" || data.action === "subscribe") return followAction(this.app, ctx, who, data, inputs);
    if (data.action === "draft-report") return this.draftReport(ctx, who, data.incidentId);
    if (data.action === "postmortem") return postmortemInTeams(this.app, this.cfg, ctx, who, data.incidentId);
    if (data.action === "start") {
      return isPersonal(ctx.activity) ? this.walk.typed(ctx, who, { kind: "start" }) : this.walk.startPrivately(ctx, who, "");
    }
    return this.walk.submit(ctx, who, data, inputs);
  }

  /** The report drafts of a ticket, for the presser alone: in their personal chat, never the channel. */
  private async draftReport(ctx: TurnContext, who: Who, incidentId: string): Promise<void> {
    const out = await this.app.reports.forActor(incidentId, who.actor);
    if (!out.ok) return void (await ctx.sendActivity(out.message));
    const chat = await personalChat(ctx, who, this.cfg, this.app.log);
    if (!chat) return void (await ctx.sendActivity(NO_PERSONAL_CHAT));
    for (const d of out.drafts) {
      await chat.send({ type: "message", textFormat: "markdown", text: `Draft ${d.kind} report for ${out.incidentId}, ${d.name}. Decision support, not legal advice: review it before you send it.\n\n${d.markdown}` });
    }
    if (!isPersonal(ctx.activity)) await ctx.sendActivity(`Sent you ${out.drafts.length === 1 ? "the draft" : `${out.drafts.length} drafts`} for ${out.incidentId} in our chat.`);
  }

  private async summary(ctx: TurnContext, who: Who, args: string): Promise<void> {
    const parsed = parseSummaryArgs(args);
    if (!parsed) return send(ctx, [notice("Usage: summary [7d|30d|90d] [safety|security], e.g. summary 30d security", "warning")]);
    const out = await this.app.summaries.forManager(who.actor, parsed.period, parsed.domain);
    if (!out.ok) return void (await ctx.sendActivity(out.message));
    // The figures are for the manager alone (Slack answers ephemerally; Teams has no such message):
    // they go to the personal chat, and a channel hears one line with none of them.
    const chat = await personalChat(ctx, who, this.cfg, this.app.log);
    if (!chat) return void (await ctx.sendActivity(NO_PERSONAL_CHAT));
    await chat.send(cardActivity(summaryCard(out.summary), "Incident summary"));
    if (!isPersonal(ctx.activity)) await ctx.sendActivity("Sent you the summary in our chat.");
  }
}
