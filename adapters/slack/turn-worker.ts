// The Slack part of a worker's conversation steps (src/turns/worker.ts): the bot's step planned as
// Slack calls, each call sent with the bot token the worker already holds, and the failure notice.
import type { AdapterPort } from "../../src/port.js";
import type { TurnHandler } from "../../src/turns/worker.js";
import { createClient } from "./client.js";
import { SlackCall, planTurn, sendCall, tellTurnFailed } from "./turns.js";

export interface SlackTurnConfig {
  botToken: string;
  apiUrl?: string;
}

export function createSlackTurnHandler(app: AdapterPort, cfg: SlackTurnConfig): TurnHandler<SlackCall> {
  const log = app.log.child({ adapter: "slack", part: "turns" });
  // People are waiting on these: the interactive client's quick retries, not the ticket queue's.
  const client = createClient(cfg.botToken, cfg.apiUrl, log, "interactive");
  return {
    schema: SlackCall,
    plan: (job, rerun) => planTurn({ app, client, log }, job, rerun),
    send: (job, call, ctx) => sendCall(client, log, job, call, ctx),
    tellFailure: (job) => tellTurnFailed(client, job),
  };
}
