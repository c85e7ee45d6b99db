// One embedded app (memory store, jobs in process) behind the real Bolt HTTP receiver, ticketing to a
// strict fake Slack: the set-up the Slack e2e files share. The fake's posting limit is off (their
// clicks come faster than any person's); the limit and our pacing under it are tested in the storm,
// delivery and over-limit integration tests.
import { createSlackAdapter, createSlackNotifier, type SlackAdapter } from "../../adapters/slack/index.js";
import { createEmbeddedApp, type App } from "../../src/app.js";
import type { Clock } from "../../src/clock.js";
import { ManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config.js";
import type { Roster } from "../../src/domain/roster.js";
import { startWeb, type WebHandle } from "../../src/http.js";
import { silentLogger } from "../../src/log.js";
import { adapterPort } from "../../src/port.js";
import { defs } from "./defs.js";
import { FakeSlack } from "./fake-slack.js";
import { SlackRequests } from "./slack-sign.js";

export interface EmbeddedSlack {
  fake: FakeSlack;
  app: App;
  slack: SlackAdapter;
  web: WebHandle;
  req: SlackRequests;
  /** Waits for the adapter's in-flight work, then stops the web server, adapter, app and fake. */
  stop(): Promise<void>;
}

export async function startEmbeddedSlack(o: { secret: string; token: string; roster: Roster; clock?: Clock; env?: Record<string, string> }): Promise<EmbeddedSlack> {
  const fake = await FakeSlack.start(o.token, { postLimit: false });
  try {
    const notifier = createSlackNotifier({ botToken: o.token, apiUrl: fake.apiUrl, roster: o.roster });
    const app = createEmbeddedApp(loadConfig({ CHANNEL_POST_INTERVAL_MS: "0", ...o.env }), { notifier, log: silentLogger, clock: o.clock ?? new ManualClock(), defs: { ...defs(), roster: o.roster } });
    const slack = createSlackAdapter(adapterPort(app), { signingSecret: o.secret, botToken: o.token, apiUrl: fake.apiUrl, botUserId: "U0BOT", botId: "B0BOT" });
    const web = await startWeb(app, 0, silentLogger, [slack.route]);
    const req = new SlackRequests(`http://127.0.0.1:${web.port}/slack/events`, o.secret, (id) => fake.responseUrl(id));
    return {
      fake,
      app,
      slack,
      web,
      req,
      async stop() {
        await slack.idle();
        await web.stop();
        await slack.stop();
        await app.close();
        await fake.stop();
      },
    };
  } catch (err) {
    await fake.stop();
    throw err;
  }
}
