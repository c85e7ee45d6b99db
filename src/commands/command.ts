// The shape of a `triage` subcommand, and the error that makes the CLI exit 2 with one line.
import type { ParseArgsConfig } from "node:util";
import type { Config } from "../config.js";

export class UsageError extends Error {
  readonly code = "USAGE";
}

export interface Command {
  summary: string;
  usage: string;
  example: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(args: { values: Record<string, unknown>; positionals: string[] }, cfg: () => Config): Promise<number>;
}

export function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}
