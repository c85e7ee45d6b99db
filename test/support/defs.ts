// Loads the repository's real flow, signals, refs and example roster once for unit tests.
import { loadConfig } from "../../src/config.js";
import { loadDefinitions, type Definitions } from "../../src/definitions.js";

let cached: Definitions | undefined;
export function defs(): Definitions {
  cached ??= loadDefinitions(loadConfig({}));
  return cached;
}
