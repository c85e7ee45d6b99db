// `triage summary` and `triage export` (manager reports): see issue 6.
import type { Command } from "./command.js";

export const summaryCommands: Record<string, Command> = {};
