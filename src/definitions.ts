// Reads the data files (flow, signals, taxonomy refs, roster) and validates each with its schema.
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { createRequire } from "node:module";
import type { Config } from "./config.js";
import { cachedParse } from "./yaml-cache.js";
import { parseFlow, type Flow } from "./domain/flow.js";
import { parseSignalModel, type SignalModel } from "./domain/pretriage.js";
import { parseIntentModel, type CompiledIntentModel } from "./domain/intent-model.js";
import { parseRefCatalog, type RefCatalog } from "./domain/refs.js";
import { parseRoster, type Roster } from "./domain/roster.js";
import { parseObligations, type Obligations } from "./domain/obligations-file.js";
import { parseInventory, type Inventory } from "./domain/inventory.js";

export interface Definitions {
  flow: Flow;
  signals: SignalModel;
  intent: CompiledIntentModel;
  refs: RefCatalog;
  roster: Roster;
  /** the reporting obligations (OBLIGATIONS_FILE), for the clocks on tickets; absent in hand-built test definitions. */
  obligations?: Obligations;
  /** the AI system inventory (INVENTORY_FILE): suggests whether the system a report names is high-risk. */
  inventory?: Inventory;
}

const MAX_FILE_BYTES = 1_000_000;

/** The YAML parser, loaded on the first file the cache does not already hold in parsed form. */
const yaml = (): typeof import("yaml") => createRequire(import.meta.url)("yaml");

export function readYaml(path: string): unknown {
  const name = relative(process.cwd(), path) || path;
  let text: string;
  let size: number;
  try {
    // Sized before it is read: a huge or endless file (a FIFO, /dev/zero) is never loaded.
    const st = statSync(path);
    size = st.isFile() ? st.size : Number.POSITIVE_INFINITY;
    text = size > MAX_FILE_BYTES ? "" : readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`${name}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (size > MAX_FILE_BYTES || text.length > MAX_FILE_BYTES) throw new Error(`${name}: larger than ${MAX_FILE_BYTES} bytes, or not a regular file`);
  try {
    return cachedParse(text, () => yaml().parse(text, { maxAliasCount: 100 }));
  } catch (e) {
    throw new Error(`${name}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** A JSON data file, size-checked like the YAML ones (the intent model is plain JSON: faster to parse). */
export function readJson(path: string): unknown {
  const name = relative(process.cwd(), path) || path;
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > 4 * MAX_FILE_BYTES) throw Object.assign(new Error(), { code: "larger than 4 MB, or not a regular file" });
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`${name}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not valid JSON: ${(e as Error).message}`);
  }
}

export function loadDefinitions(cfg: Pick<Config, "FLOW_FILE" | "SIGNALS_FILE" | "REFS_FILE" | "ONCALL_CONFIG" | "MODEL_FILE"> & Partial<Pick<Config, "OBLIGATIONS_FILE" | "INVENTORY_FILE">>): Definitions {
  const name = (p: string) => relative(process.cwd(), p) || p;
  return {
    flow: parseFlow(readYaml(cfg.FLOW_FILE), name(cfg.FLOW_FILE)),
    signals: loadSignals(cfg),
    intent: parseIntentModel(readJson(cfg.MODEL_FILE), name(cfg.MODEL_FILE)),
    refs: parseRefCatalog(readYaml(cfg.REFS_FILE), name(cfg.REFS_FILE)),
    roster: parseRoster(readYaml(cfg.ONCALL_CONFIG), name(cfg.ONCALL_CONFIG)),
    ...(cfg.OBLIGATIONS_FILE ? { obligations: loadObligations({ OBLIGATIONS_FILE: cfg.OBLIGATIONS_FILE }) } : {}),
    ...(cfg.INVENTORY_FILE ? { inventory: parseInventory(readYaml(cfg.INVENTORY_FILE), name(cfg.INVENTORY_FILE)) } : {}),
  };
}

/** The lexicon alone: what `triage train` needs before any intent model exists. */
export function loadSignals(cfg: Pick<Config, "SIGNALS_FILE">): SignalModel {
  return parseSignalModel(readYaml(cfg.SIGNALS_FILE), relative(process.cwd(), cfg.SIGNALS_FILE) || cfg.SIGNALS_FILE);
}

/** The reporting obligations: the report command reads them alone; processes get them in Definitions. */
export function loadObligations(cfg: Pick<Config, "OBLIGATIONS_FILE">): Obligations {
  return parseObligations(readYaml(cfg.OBLIGATIONS_FILE), relative(process.cwd(), cfg.OBLIGATIONS_FILE) || cfg.OBLIGATIONS_FILE);
}
