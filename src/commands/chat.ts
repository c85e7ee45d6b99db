// `triage chat` (and `npm start` with nothing configured): the console bot, on the embedded store or,
// with REDIS_URL, on Redis with the ticket workers in this process. Loaded only by those commands.
import { userInfo } from "node:os";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import { runConsoleChat } from "../../adapters/console/chat.js";
import { createEmbeddedApp } from "../app.js";
import { SUMMARY_PERIODS } from "../bot/summaries.js";
import { renderSummaryText } from "../bot/summary-text.js";
import type { Config } from "../config.js";
import { startEmbeddedDigest } from "../digest/runner.js";
import { createLogger, type Logger } from "../log.js";
import { startWorker } from "../runtime.js";
import { NotifierRouter } from "../tickets/notifier.js";
import { WebhookNotifier } from "../tickets/webhook-notifier.js";
import { describeTarget, parseRedisTarget } from "../redis-target.js";

export async function chat(cfg: Config): Promise<number> {
  const log = createLogger(cfg.LOG_LEVEL === "info" ? "warn" : cfg.LOG_LEVEL);
  const notifier = new ConsoleNotifier(process.stdout);
  const { app, stop, settle } = cfg.REDIS_URL ? await durableChat({ ...cfg, REDIS_URL: cfg.REDIS_URL }, log, notifier) : embeddedChat(cfg, log, notifier);
  const name = safeUser();
  await runConsoleChat({
    bot: app.bot,
    input: process.stdin,
    output: process.stdout,
    user: { platform: "console", userId: name, name },
    settle,
    // Whoever holds the terminal holds the data already: the console does not ask for a manager.
    summary: async (period, domain) => renderSummaryText(await app.summaries.build(app.clock.now(), SUMMARY_PERIODS[period], domain)),
  });
  await stop();
  return 0;
}

/** The default: everything in this process, in memory. */
function embeddedChat(cfg: Config, log: Logger, notifier: ConsoleNotifier) {
  const app = createEmbeddedApp(cfg, { notifier, log });
  const digest = startEmbeddedDigest({ app, log, send: (d) => notifier.postDigest(d) });
  process.stdout.write("Embedded mode: in-memory store and queue, nothing is kept after exit (set REDIS_URL for durable storage).\n");
  return {
    app,
    settle: () => app.idle(),
    async stop() {
      await digest.stop();
      await app.idle();
      await app.close();
    },
  };
}

/** With REDIS_URL: the same chat on the durable store, with ticket workers in this process. */
async function durableChat(cfg: Config & { REDIS_URL: string }, log: Logger, notifier: ConsoleNotifier) {
  const routed = new NotifierRouter([notifier, new WebhookNotifier()]);
  const worker = await startWorker(cfg, log, routed);
  process.stdout.write(`Durable mode: Redis at ${describeTarget(parseRedisTarget(cfg.REDIS_URL))}, ticket workers in this process.\n`);
  // A filed incident's ticket is out once nothing is left undelivered (or after a few seconds).
  const settle = async () => {
    for (let i = 0; i < 50 && (await worker.app.incidents.undelivered(new Date(Date.now() + 60_000))).length; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { app: worker.app, settle, stop: () => worker.stop() };
}

function safeUser(): string {
  try {
    return userInfo().username || "console";
  } catch {
    return "console";
  }
}

