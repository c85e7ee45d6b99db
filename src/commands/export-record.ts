// `triage export INC-... --format avid|atlas|aiid`: one incident as a draft public record, printed
// for review. Nothing is sent: the first line of the output says so. Reads the store like the window
// export (REDIS_URL), the inventory (INVENTORY_FILE) and ATLAS's tactics (flows/atlas-tactics.yaml).
import { join } from "node:path";
import { ROOT, type Config } from "../config.js";
import { readYaml } from "../definitions.js";
import { INCIDENT_ID } from "../domain/incident.js";
import { parseInventory, systemById, type Inventory } from "../domain/inventory.js";
import { aiidSubmission } from "../exports/aiid.js";
import { atlasCaseStudy } from "../exports/atlas.js";
import { parseAtlasTactics, type AtlasTactics } from "../exports/atlas-tactics.js";
import { avidReport } from "../exports/avid.js";
import { PREVIEW_NOTE, type ExportResult } from "../exports/input.js";
import { UsageError } from "./command.js";
import type { ReportIO } from "./report-io.js";

export const RECORD_FORMATS = ["avid", "atlas", "aiid"] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];
export const isRecordFormat = (f: unknown): f is RecordFormat => RECORD_FORMATS.includes(f as RecordFormat);

export interface RecordFiles {
  inventory: Inventory;
  tactics: AtlasTactics;
}

export function loadRecordFiles(cfg: Config): RecordFiles {
  const tacticsFile = join(ROOT, "flows", "atlas-tactics.yaml");
  return {
    inventory: parseInventory(readYaml(cfg.INVENTORY_FILE), cfg.INVENTORY_FILE),
    tactics: parseAtlasTactics(readYaml(tacticsFile), tacticsFile),
  };
}

/** Checks the flags before anything connects, so a typo fails fast with exit 2. */
export function recordFlags(values: Record<string, unknown>, id: string, files: RecordFiles) {
  if (!INCIDENT_ID.test(id)) throw new UsageError(`export: '${id}' is not an incident id such as INC-2026-0042`);
  const format = values.format;
  if (!isRecordFormat(format)) throw new UsageError(`export ${id}: --format avid, atlas or aiid`);
  if (values.since !== undefined || values.domain !== undefined) throw new UsageError("export INC-...: --since and --domain are for window exports");
  const systemId = typeof values.system === "string" ? values.system : undefined;
  const system = systemId === undefined ? undefined : systemById(files.inventory, systemId);
  if (systemId !== undefined && !system) {
    throw new UsageError(`--system ${systemId}: not in the inventory (known: ${files.inventory.systems.map((s) => s.id).join(", ") || "none"})`);
  }
  const url = typeof values.url === "string" ? values.url : undefined;
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) throw new UsageError(`--url ${url}: an http(s) URL of a public report`);
  return { format, system, url };
}

export async function runRecordExport(values: Record<string, unknown>, id: string, files: RecordFiles, io: ReportIO): Promise<number> {
  const { format, system, url } = recordFlags(values, id, files);
  const incident = await io.incidents.get(id);
  if (!incident) throw new UsageError(`export: no incident ${id} in this store`);
  const input = { incident, organisation: files.inventory.organisation, now: io.clock.now(), ...(system ? { system } : {}), ...(url ? { url } : {}) };
  const result: ExportResult<unknown> =
    format === "atlas" ? atlasCaseStudy(input, files.tactics) : format === "avid" ? avidReport(input, files.tactics) : aiidSubmission(input);
  if (!result.ok) throw new UsageError(`export ${id} --format ${format}: ${result.message}`);
  // The note goes to stderr as well as being the first line: a person piping stdout to a file still sees it.
  io.err(`${format} ${PREVIEW_NOTE}`);
  io.out(`// ${format} ${PREVIEW_NOTE}\n${JSON.stringify(result.record, null, 2)}`);
  return 0;
}
