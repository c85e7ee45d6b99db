// The triage walk-through in a personal chat: turns go to the platform-neutral TriageBot, replies come
// back as cards, and a card whose button was accepted is edited in place to show the answer. The step
// itself is planned in turns.ts: in this request when embedded, in a worker with Redis.
import type { TurnContext } from "botbuilder";
import type { AdapterPort } from "../../src/port.js";
import { notice, type Reply } from "../../src/bot/reply.js";
import { pickedChoices } from "../../src/views/choices.js";
import type { TeamsConfig } from "./auth.js";
import { cardActivity, renderReply } from "./cards/index.js";
import { messageText } from "./cards/inert.js";
import type { Who } from "./identity.js";
import { personalChat } from "./personal-chat.js";
import type { Inputs, SubmitData } from "./submit.js";
import { submitStep, type StepInput } from "./turns.js";

type StepData = Exclude<SubmitData, { action: "ticket" } | { action: "start" } | { action: "draft-report" } | { action: "postmortem" } | { action: "status" } | { action: "subscribe" }>;

export class Walkthrough {
  constructor(private readonly app: AdapterPort, private readonly cfg: TeamsConfig) {}

  /** Typed text or a command in the personal chat: a step, queued for a worker with Redis (turns.ts). */
  async typed(ctx: TurnContext, who: Who, input: StepInput): Promise<void> {
    await submitStep(this.app, ctx, who, input);
  }

  /**
   * A button of a walk-through card: a step like typed text, with the card to mark answered. Cards of
   * another or an older triage change nothing (judged when the step runs, after the ones before it).
   */
  async submit(ctx: TurnContext, who: Who, data: StepData, inputs: Inputs): Promise<void> {
    const input = this.toInput(data, inputs);
    // Bad input changes nothing and needs no step: said at once, in the turn.
    if ("error" in input) return send(ctx, [notice(input.error, "warning")]);
    await submitStep(this.app, ctx, who, input, { conversationId: data.conversationId, ...("questionId" in data ? { questionId: data.questionId } : {}) });
  }

  /** Asked in a channel or group chat: the questions go to a new personal chat with the reporter. */
  async startPrivately(ctx: TurnContext, who: Who, text: string): Promise<void> {
    if (!(await this.startInPersonalChat(ctx, who, { text }))) {
      await ctx.sendActivity("I could not open a private chat with you. Open a chat with me (Apps → AI Incident Triage) and type **incident** there.");
      return;
    }
    await ctx.sendActivity(`${messageText(who.actor.name ?? "Thanks")}, I have sent you a private chat to walk through this incident.`);
  }

  /** Starts (or continues) the person's triage in their personal chat; false when it cannot be opened. */
  async startInPersonalChat(ctx: TurnContext, who: Who, start: { text: string; link?: string }): Promise<boolean> {
    const chat = await personalChat(ctx, who, this.cfg, this.app.log);
    if (!chat) return false;
    const replies = await this.app.bot.handle({ key: who.key, user: who.actor, input: { kind: "start", ...start } });
    for (const r of replies) await chat.send(cardActivity(renderReply(r)));
    return true;
  }

  private toInput(data: StepData, inputs: Inputs): StepInput | { error: string } {
    const { rev } = data;
    switch (data.action) {
      case "back":
        return { kind: "back", rev };
      case "cancel":
        return { kind: "cancel", rev };
      case "confirm":
        return { kind: "confirm-inferred", decision: "keep-all", rev };
      case "suggestion":
        return { kind: "confirm-inferred", decision: data.decision, questionId: data.questionId, rev };
      case "join":
        return { kind: "join", incidentId: data.incidentId, rev };
      case "file-new":
        return { kind: "file-new", rev };
      case "answer": {
        if (data.value !== undefined) return { kind: "answer", questionId: data.questionId, value: data.value, rev };
        const q = this.app.defs.flow.questions.find((x) => x.id === data.questionId);
        if (q?.kind === "many") {
          const picked = pickedChoices((inputs.choices ?? "").split(","));
          return picked.ok ? { kind: "answer", questionId: data.questionId, value: picked.value, rev } : { error: picked.message };
        }
        return { kind: "answer", questionId: data.questionId, value: inputs.text ?? "", rev };
      }
    }
  }
}

export async function send(ctx: TurnContext, replies: Reply[]): Promise<void> {
  if (replies.length) await ctx.sendActivities(replies.map((r) => cardActivity(renderReply(r))));
}
