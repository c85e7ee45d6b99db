// The Slack adapter: a Bolt app whose HTTP receiver sits behind our web server's Route (POST
// /slack/events carries commands, interactivity and events), or Socket Mode when an app token is set.
// Transport and acknowledgement live here; the bot and the ticket actions, behind the port, do the work.
import { App as Bolt, HTTPReceiver, type AuthorizeResult } from "@slack/bolt";
import type { AdapterPort } from "../../src/port.js";
import type { Logger } from "../../src/log.js";
import type { Notifier } from "../../src/tickets/notifier.js";
import type { Route } from "../../src/http.js";
import { clientOptions, createClient } from "./client.js";
import { eventDedupe } from "./dedupe.js";
import { MAX_BODY_BYTES, readCapped, timestampAcceptable } from "./guard.js";
import { EVENTS_PATH } from "./ids.js";
import { registerListeners, type InFlight } from "./listeners/index.js";
import { replayGuard } from "./replay.js";
import { slackLogger } from "./logger.js";
import { SlackNotifier, createSlackNotifier } from "./notifier.js";

export { SlackNotifier, createSlackNotifier };
export { createSlackTurnHandler } from "./turn-worker.js";
export type { SlackNotifierConfig } from "./notifier.js";

export interface SlackAdapterConfig {
  signingSecret: string;
  botToken: string;
  /** xapp- token: Socket Mode (no public URL needed); `route` then handles nothing. */
  appToken?: string;
  apiUrl?: string;
  /** the bot's user id and bot id; without them one auth.test is made at the first request. */
  botUserId?: string;
  botId?: string;
}

export interface SlackAdapter {
  route: Route;
  notifier: Notifier;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** resolves when no Slack request is being worked on and in-process jobs are done (tests). */
  idle(): Promise<void>;
}

export function createSlackAdapter(app: AdapterPort, cfg: SlackAdapterConfig): SlackAdapter {
  const log = app.log.child({ adapter: "slack" });
  const logger = slackLogger(log);
  const notifier = createSlackNotifier({ botToken: cfg.botToken, apiUrl: cfg.apiUrl, roster: app.defs.roster, log });
  const authorize = authorizeOnce(cfg, log);
  const common = { authorize, logger, clientOptions: clientOptions(cfg.apiUrl, log, "interactive") };
  const receiver = cfg.appToken ? undefined : new HTTPReceiver({ signingSecret: cfg.signingSecret, endpoints: EVENTS_PATH, processBeforeResponse: false, logger, bodyLimit: MAX_BODY_BYTES });
  const bolt = receiver ? new Bolt({ ...common, receiver }) : new Bolt({ ...common, socketMode: true, appToken: cfg.appToken });
  const inFlight: InFlight = { count: 0 };
  registerListeners(bolt, { app, log, notifier }, eventDedupe(app.seen), inFlight);
  bolt.error(async (err) => void log.error({ err: err.message, code: (err as { code?: string }).code }, "slack listener failed"));

  const replayed = replayGuard(app.seen, cfg.signingSecret, log);
  const route: Route = async (req, res) => {
    if (!receiver || req.method !== "POST" || (req.url ?? "").split("?")[0] !== EVENTS_PATH) return false;
    if (!timestampAcceptable(req.headers)) {
      log.warn({ ts: req.headers["x-slack-request-timestamp"] }, "slack request refused: timestamp outside ±5 minutes");
      req.resume();
      res.writeHead(401).end();
      return true;
    }
    const body = await readCapped(req);
    if (!body) {
      log.warn({ length: req.headers["content-length"] }, "slack request refused: body too large");
      res.writeHead(413, { "content-type": "application/json", connection: "close" }).end(JSON.stringify({ error: `body larger than ${MAX_BODY_BYTES} bytes` }));
      return true;
    }
    if ((await replayed(req.headers, body)) === "replay") {
      log.warn({ ts: req.headers["x-slack-request-timestamp"], retry: req.headers["x-slack-retry-num"] }, "slack request refused: a replay of a request already worked on");
      res.writeHead(200).end();
      return true;
    }
    // Bolt takes a body already read (its `rawBody`), verifies the signature over it, acks at once
    // and runs the listener after.
    (req as typeof req & { rawBody?: Buffer }).rawBody = body;
    receiver.requestListener(req, res);
    return true;
  };

  let connected = false;
  return {
    route,
    notifier,
    start: async () => {
      if (!cfg.appToken || connected) return;
      await bolt.start();
      connected = true;
    },
    stop: async () => {
      if (!connected) return;
      connected = false;
      await bolt.stop();
    },
    idle: async () => {
      // Work starts a few ticks after the ack that the caller has seen: let it begin first.
      for (let quiet = 0; quiet < 3; ) {
        await new Promise((r) => setImmediate(r));
        if (inFlight.count > 0) quiet = 0;
        else quiet++;
        if (inFlight.count > 0) await new Promise((r) => setTimeout(r, 5));
      }
      await app.idle();
    },
  };
}

/** Bolt's own token authorization calls auth.test at construction; this calls it at most once, lazily. */
function authorizeOnce(cfg: SlackAdapterConfig, log: Logger): () => Promise<AuthorizeResult> {
  let ids: Promise<{ botUserId?: string; botId?: string }> | undefined =
    cfg.botUserId ? Promise.resolve({ botUserId: cfg.botUserId, ...(cfg.botId ? { botId: cfg.botId } : {}) }) : undefined;
  return async () => {
    ids ??= createClient(cfg.botToken, cfg.apiUrl, log, "interactive")
      .auth.test()
      .then((r) => ({ ...(r.user_id ? { botUserId: r.user_id } : {}), ...(r.bot_id ? { botId: r.bot_id } : {}) }))
      .catch((err: Error) => {
        ids = undefined; // try again on the next request
        log.warn({ err: err.message }, "slack auth.test failed; bot ids unknown for this request");
        return {};
      });
    return { botToken: cfg.botToken, ...(await ids) };
  };
}
