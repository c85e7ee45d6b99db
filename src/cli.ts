#!/usr/bin/env node
// `triage`: the console bot and one-shot commands. Bad usage prints one line on stderr and exits 2.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { classifyText, replay } from "./bot/oneshot.js";
import { loadConfig } from "./config.js";
import { loadDefinitions } from "./definitions.js";
import { UsageError, print, type Command } from "./commands/command.js";
import { classifyCommand } from "./commands/classify.js";
import { startMode } from "./commands/start-mode.js";

export { UsageError };

const json = { json: { type: "boolean" as const } };

const commands: Record<string, Command> = {
  start: {
    summary: "run the bot: the console bot on the embedded store when nothing is configured, else web + workers",
    usage: "triage start [--no-platform]",
    example: "npm start",
    options: { "no-platform": { type: "boolean" } },
    async run(a, cfg) {
      const c = cfg("web");
      const mode = startMode(c, c.ALLOW_NO_PLATFORM || a.values["no-platform"] === true);
      // Said before anything starts, so an operator sees at once what `npm start` became and why.
      if (mode.mode === "console") {
        process.stderr.write(`triage: console bot, because ${mode.why}; set SLACK_* or MicrosoftApp* (and REDIS_URL) for the web process\n`);
        return (await import("./commands/chat.js")).chat(c);
      }
      return (await import("./commands/ops.js")).opsCommands.web!.run(a, () => c);
    },
  },
  chat: {
    summary: "triage an incident in the terminal (works with piped stdin too)",
    usage: "triage chat",
    example: "printf 'the bot leaked its system prompt\\ny\\n...' | triage chat",
    options: {},
    run: async (_a, cfg) => (await import("./commands/chat.js")).chat(cfg()),
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

/**
 * The other commands, by the module that holds them: a module is imported only when one of its
 * commands runs (or for --help), so `triage classify` never loads the store, queue or platform code.
 */
const GROUPS: Array<{ names: string[]; load: () => Promise<Record<string, Command>> }> = [
  { names: ["worker", "web", "tickets"], load: async () => (await import("./commands/ops.js")).opsCommands },
  { names: ["summary", "export"], load: async () => (await import("./commands/summary.js")).summaryCommands },
  { names: ["train", "eval"], load: async () => (await import("./commands/model.js")).modelCommands },
  { names: ["show", "list"], load: async () => (await import("./commands/lookup.js")).lookupCommands },
  { names: ["postmortem"], load: async () => ({ postmortem: (await import("./commands/postmortem.js")).postmortemCommand }) },
  { names: ["report"], load: async () => ({ report: (await import("./commands/report.js")).reportCommand }) },
  { names: ["edit", "command", "commander"], load: async () => (await import("./commands/edit.js")).editCommands },
  { names: ["update", "subscribe", "unsubscribe"], load: async () => (await import("./commands/status.js")).statusCommands },
];

async function allCommands(): Promise<Record<string, Command>> {
  const groups = await Promise.all(GROUPS.map((g) => g.load()));
  return Object.assign({}, commands, ...groups) as Record<string, Command>;
}

async function commandNamed(name: string): Promise<Command | undefined> {
  if (Object.prototype.hasOwnProperty.call(commands, name)) return commands[name];
  const group = GROUPS.find((g) => g.names.includes(name));
  return group ? (await group.load())[name] : undefined;
}

async function help(): Promise<string> {
  const rows = Object.entries(await allCommands()).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
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
  if (!name || name === "--help" || name === "-h" || name === "help") return print(await help());
  const cmd = await commandNamed(name);
  if (!cmd) throw new UsageError(`unknown command '${name}' (try: triage --help)`);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: { ...cmd.options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${name}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (parsed.values.help) return print(`${cmd.summary}\n\nUsage: ${cmd.usage}\n\nExample:\n  ${cmd.example}`);
  return cmd.run(parsed, (role) => loadConfig(process.env, role));
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
