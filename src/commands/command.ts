// The shape of a `triage` subcommand, and the error that makes the CLI exit 2 with one line.
import type { ParseArgsConfig } from "node:util";
import type { Config, ProcessRole } from "../config.js";

export class UsageError extends Error {
  readonly code = "USAGE";
}

export interface Command {
  summary: string;
  usage: string;
  example: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** `cfg(role)` reads the environment for that process (a worker needs no SLACK_SIGNING_SECRET). */
  run(args: { values: Record<string, unknown>; positionals: string[] }, cfg: (role?: ProcessRole) => Config): Promise<number>;
}

export function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}
