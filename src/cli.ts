#!/usr/bin/env node
// `triage`: the console bot and one-shot commands. Bad usage prints one line on stderr and exits 2.
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { ConsoleNotifier } from "../adapters/console/notifier.js";
import { runConsoleChat } from "../adapters/console/chat.js";
import { createEmbeddedApp } from "./app.js";
import { classifyText, replay } from "./bot/oneshot.js";
import { SUMMARY_PERIODS } from "./bot/summaries.js";
import { renderSummaryText } from "./bot/summary-text.js";
import { startEmbeddedDigest } from "./digest/runner.js";
import { loadConfig, type Config } from "./config.js";
import { loadDefinitions } from "./definitions.js";
import { createLogger, type Logger } from "./log.js";
import { NotifierRouter } from "./tickets/notifier.js";
import { WebhookNotifier } from "./tickets/webhook-notifier.js";
import { UsageError, print, type Command } from "./commands/command.js";
import { summaryCommands } from "./commands/summary.js";
import { opsCommands } from "./commands/ops.js";
import { modelCommands } from "./commands/model.js";
import { classifyCommand } from "./commands/classify.js";
import { slackConfigured, teamsConfigured } from "./config.js";
import { startWorker } from "./runtime.js";

export { UsageError };

const json = { json: { type: "boolean" as const } };

const commands: Record<string, Command> = {
  start: {
    summary: "run the bot: the console bot on the embedded store when nothing is configured, else web + workers",
    usage: "triage start",
    example: "npm start",
    options: {},
    async run(a, cfg) {
      const c = cfg();
      if (!c.REDIS_URL && !slackConfigured(c) && !teamsConfigured(c)) return chat(c);
      return opsCommands.web!.run(a, () => c);
    },
  },
  chat: {
    summary: "triage an incident in the terminal (works with piped stdin too)",
    usage: "triage chat",
    example: "printf 'the bot leaked its system prompt\\ny\\n...' | triage chat",
    options: {},
    run: (_a, cfg) => chat(cfg()),
  },
  classify: classifyCommand,
  replay: {
    summary: 'run recorded answers ({"answers":{...}}) through the flow, classifier and router',
    usage: "triage replay [--json] FILE|-",
    example: `echo '{"answers":{"description":"bot invented a refund policy","intent":"none","failureKind":"hallucination","asset":"outputs","ciaLost":[],"exploitable":"no","harm":["financial"],"ongoing":"yes","scope":"many-users"}}' | triage replay --json -`,
    options: json,
    async run({ values, positionals }, cfg) {
      if (positionals.length !== 1) throw new UsageError("replay needs exactly one FILE (or - for stdin)");
      const path = positionals[0]!;
      let text: string;
      try {
        text = readFileSync(path === "-" ? 0 : path, "utf8");
      } catch (e) {
        throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      if (text.length > 1_000_000) throw new UsageError(`${path === "-" ? "stdin" : path}: larger than 1000000 characters`);
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (e) {
        throw new UsageError(`${path === "-" ? "stdin" : path}: not valid JSON (${(e as Error).message})`);
      }
      const defs = loadDefinitions(cfg());
      const r = replay(doc, defs);
      if (!r.ok) throw new UsageError(r.error);
      const pre = classifyText(String(r.answers.description), defs);
      const out = { ...r.classification, confidence: 1, inferred: pre.inferred, missing: [], routing: r.routing };
      if (values.json) return print(JSON.stringify(out));
      return print(`${r.classification.severity} ${r.classification.primary} → ${r.routing.queue}${r.routing.cc.length ? ` (cc ${r.routing.cc.join(",")})` : ""}\n${r.classification.rationale.map((x) => `  - ${x}`).join("\n")}`);
    },
  },
};

async function chat(cfg: Config): Promise<number> {
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
  process.stdout.write(`Durable mode: Redis at ${new URL(cfg.REDIS_URL).host}, ticket workers in this process.\n`);
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

function help(): string {
  const rows = Object.entries({ ...commands, ...opsCommands, ...summaryCommands, ...modelCommands }).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    "triage: triage incidents in AI systems (safety or security?) and route them to the right on-call",
    "",
    "Usage: triage COMMAND [options]    (triage COMMAND --help for details)",
    "",
    "Commands:",
    ...rows,
    "",
    "Example:",
    '  triage classify "weights showed up on a torrent site"',
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") return print(help());
  const all = { ...commands, ...opsCommands, ...summaryCommands, ...modelCommands };
  const cmd = all[name];
  if (!cmd) throw new UsageError(`unknown command '${name}' (try: triage --help)`);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: { ...cmd.options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${name}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (parsed.values.help) return print(`${cmd.summary}\n\nUsage: ${cmd.usage}\n\nExample:\n  ${cmd.example}`);
  return cmd.run(parsed, () => loadConfig());
}

/** Runs the CLI with process.argv and sets the exit code; used by `bin/triage.js` and `tsx src/cli.ts`. */
export function runCli(argv = process.argv.slice(2)): Promise<void> {
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const e = err as Error & { code?: string };
      // Usage and configuration mistakes are the user's to fix: one line, exit 2. Anything else is ours.
      const userFacing = e.code === "USAGE" || e.code === "CONFIG_INVALID" || e.code === "FLOW_INVALID" || /^[^\s]+\.(ya?ml|json): /.test(e.message);
      process.stderr.write(`triage: ${userFacing ? e.message.replace(/\n\s*/g, "; ") : (e.stack ?? String(e))}\n`);
      process.exitCode = userFacing ? 2 : 1;
    },
  );
}

if (process.argv[1] && /[\\/]cli\.[tj]s$/.test(process.argv[1])) void runCli();
