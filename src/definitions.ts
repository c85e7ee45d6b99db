// Reads the data files (flow, signals, taxonomy refs, roster) and validates each with its schema.
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { parse } from "yaml";
import type { Config } from "./config.js";
import { parseFlow, type Flow } from "./domain/flow.js";
import { parseSignalModel, type SignalModel } from "./domain/pretriage.js";
import { parseRefCatalog, type RefCatalog } from "./domain/refs.js";
import { parseRoster, type Roster } from "./domain/roster.js";

export interface Definitions {
  flow: Flow;
  signals: SignalModel;
  refs: RefCatalog;
  roster: Roster;
}

const MAX_FILE_BYTES = 1_000_000;

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
    return parse(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new Error(`${name}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

export function loadDefinitions(cfg: Pick<Config, "FLOW_FILE" | "SIGNALS_FILE" | "REFS_FILE" | "ONCALL_CONFIG">): Definitions {
  const name = (p: string) => relative(process.cwd(), p) || p;
  return {
    flow: parseFlow(readYaml(cfg.FLOW_FILE), name(cfg.FLOW_FILE)),
    signals: parseSignalModel(readYaml(cfg.SIGNALS_FILE), name(cfg.SIGNALS_FILE)),
    refs: parseRefCatalog(readYaml(cfg.REFS_FILE), name(cfg.REFS_FILE)),
    roster: parseRoster(readYaml(cfg.ONCALL_CONFIG), name(cfg.ONCALL_CONFIG)),
  };
}
