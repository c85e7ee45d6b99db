#!/usr/bin/env node
// Runs the built CLI when `npm run build` has been run, otherwise the TypeScript source through tsx.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "src", "cli.js");
let cli;
if (existsSync(built)) {
  cli = await import(pathToFileURL(built).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  cli = await import(pathToFileURL(join(root, "src", "cli.ts")).href);
}
await cli.runCli(process.argv.slice(2));
