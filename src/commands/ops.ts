// Operator commands: run the processes, and list or replay tickets that ran out of retries. The
// process code (Bolt, botbuilder, BullMQ) is imported when a command runs, not when the CLI starts:
// `triage classify` must not pay for the platform SDKs.
import type { Config } from "../config.js";
import { createLogger } from "../log.js";
import { jsonLinesOnly } from "../process-log.js";
import { UsageError, print, type Command } from "./command.js";
import { webMode } from "./start-mode.js";

function needRedis(cfg: Config, what: string): Config & { REDIS_URL: string } {
  if (!cfg.REDIS_URL) throw new UsageError(`${what} needs REDIS_URL (the embedded mode keeps its queue in the running process only)`);
  return { ...cfg, REDIS_URL: cfg.REDIS_URL };
}

/** Runs until SIGTERM/SIGINT, then shuts down gracefully. */
const forever = () => new Promise<number>(() => {});

export const opsCommands: Record<string, Command> = {
  worker: {
    summary: "run the ticket workers (BullMQ): delivery, escalation timers, pages",
    usage: "triage worker",
    example: "REDIS_URL=redis://127.0.0.1:6379 ONCALL_CONFIG=oncall.yaml triage worker",
    options: {},
    async run(_a, cfg) {
      const c = needRedis(cfg("worker"), "triage worker");
      const log = createLogger(c.LOG_LEVEL);
      jsonLinesOnly(log);
      const [{ onShutdown, startWorker, defaultNotifier }, { platformAdapters }] = await Promise.all([import("../runtime.js"), import("../platforms.js")]);
      const w = await startWorker(c, log, defaultNotifier((await platformAdapters(c, log)).notifiers, log));
      onShutdown(w.stop, log);
      return forever();
    },
  },
  web: {
    summary: "run the HTTP endpoints (Slack, Teams, /healthz) and, unless WORKER_MODE=separate, the workers",
    usage: "triage web [--no-platform]",
    example: "REDIS_URL=redis://127.0.0.1:6379 SLACK_BOT_TOKEN=xoxb-... SLACK_SIGNING_SECRET=... PORT=3000 triage web",
    options: { "no-platform": { type: "boolean" } },
    async run(a, cfg) {
      const c = cfg("web");
      const mode = webMode(c, c.ALLOW_NO_PLATFORM || a.values["no-platform"] === true);
      const log = createLogger(c.LOG_LEVEL);
      jsonLinesOnly(log);
      log.info({ mode: "web", platforms: mode.platforms, store: c.REDIS_URL ? "redis" : "embedded", workers: c.REDIS_URL ? c.WORKER_MODE : "in process", why: mode.why }, "starting the web process");
      const [{ serve }, { onShutdown }] = await Promise.all([import("../serve.js"), import("../runtime.js")]);
      const s = await serve(c, log);
      onShutdown(s.stop, log);
      return forever();
    },
  },
  tickets: {
    summary: "tickets that ran out of retries: `tickets failed` lists them, `tickets replay ID` sends one again",
    usage: "triage tickets failed [--json] | triage tickets replay JOB_ID",
    example: "triage tickets replay INC-2026-0042.r1",
    options: { json: { type: "boolean" } },
    async run({ values, positionals }, cfg) {
      const [sub, id, ...extra] = positionals;
      if (sub !== "failed" && sub !== "replay") throw new UsageError("tickets needs 'failed' or 'replay JOB_ID'");
      if (sub === "replay" && (!id || extra.length)) throw new UsageError("tickets replay needs exactly one JOB_ID (see `triage tickets failed`)");
      if (sub === "failed" && id) throw new UsageError("tickets failed takes no arguments");
      const c = needRedis(cfg(), `triage tickets ${sub}`);
      const log = createLogger("warn");
      const [{ createRedisApp }, { NotifierRouter }] = await Promise.all([import("../app.js"), import("../tickets/notifier.js")]);
      const app = createRedisApp(c, { notifier: new NotifierRouter([]), log });
      try {
        if (sub === "replay") {
          if (!(await app.queue.replay(id!))) throw new UsageError(`no failed ticket job '${id}' (see \`triage tickets failed\`)`);
          return print(`requeued ${id}`);
        }
        const failed = await app.queue.failed();
        if (values.json) return print(JSON.stringify(failed));
        if (!failed.length) return print("no failed tickets");
        return print(failed.map((f) => `${f.id}\t${f.queue}\t${f.attempts} attempts\t${f.failedAt}\t${f.error}`).join("\n"));
      } finally {
        await app.close();
      }
    },
  },
};
