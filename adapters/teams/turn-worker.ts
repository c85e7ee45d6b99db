// The Teams part of a worker's conversation steps (src/turns/worker.ts): the bot's step planned as
// connector calls (turns.ts), each sent proactively to the chat the step came from with the bot's own
// credentials (as the ticket notifier does), and the failure notice.
//
// Not sent twice: the calls are recorded before the first is sent and each is marked sent right after
// the connector answers, so a successor sends only what was not. Teams offers no way to look a bot's
// message up afterwards (no search, no client-chosen id), so one window stays: a worker that dies
// after the connector stored a message and before that mark leaves it to be sent once more.
import type { AdapterPort } from "../../src/port.js";
import type { TurnJob } from "../../src/turns/job.js";
import type { TurnHandler } from "../../src/turns/worker.js";
import { cloudAdapter, type TeamsConfig } from "./auth.js";
import { proactively } from "./connector.js";
import { NOT_SAVED } from "./failures.js";
import { TeamsCall, planStep } from "./turns.js";

export function createTeamsTurnHandler(app: AdapterPort, cfg: TeamsConfig): TurnHandler<TeamsCall> {
  const log = app.log.child({ adapter: "teams", part: "turns" });
  const adapter = cloudAdapter(cfg);
  const placeOf = (job: TurnJob) => {
    if (!job.teams) throw new Error(`teams step ${job.key}#${job.seq} names no chat`);
    return job.teams;
  };
  return {
    schema: TeamsCall,
    plan: (job, rerun) => planStep(app, { key: job.key, user: job.user, input: job.input, ...(job.teams?.card ? { card: job.teams.card } : {}) }, rerun),
    async send(job, call, ctx) {
      const place = placeOf(job);
      await proactively(adapter, cfg.appId, place.serviceUrl, async (c) => {
        if (call.op === "teams-update") return void (await c.conversations.updateActivity(place.conversationId, call.activityId, { ...call.activity, id: call.activityId }));
        // The one repeat the connector cannot prevent (see above): logged, so it can be told apart.
        if (ctx.inFlight) log.warn({ key: job.key, seq: job.seq, message: ctx.key }, "teams step re-run: a message an earlier run may have sent is sent again");
        const sent = await c.conversations.sendToConversation(place.conversationId, call.activity);
        log.debug({ message: ctx.key, activityId: sent.id }, "teams step message sent");
      });
    },
    async tellFailure(job) {
      const place = placeOf(job);
      await proactively(adapter, cfg.appId, place.serviceUrl, async (c) => void (await c.conversations.sendToConversation(place.conversationId, { type: "message", text: job.failureText ?? NOT_SAVED })));
    },
  };
}
