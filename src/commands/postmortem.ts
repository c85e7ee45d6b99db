// `triage postmortem INC-…`: a postmortem draft in Markdown from the incident in the store (REDIS_URL,
// like `triage report`), on stdout or into --out FILE. The logic takes its store as a parameter
// (PostmortemIO) so tests run it without Redis.
import { writeFileSync } from "node:fs";
import { renderPostmortemMarkdown } from "../bot/postmortem-markdown.js";
import type { Clock } from "../clock.js";
import { loadDefinitions } from "../definitions.js";
import type { Flow } from "../domain/flow.js";
import { INCIDENT_ID } from "../domain/incident.js";
import type { IncidentStore } from "../store/types.js";
import { UsageError, type Command } from "./command.js";
import { withStore } from "./summary.js";

type Values = Record<string, unknown>;

export interface PostmortemIO {
  incidents: Pick<IncidentStore, "get">;
  clock: Clock;
  flow: Flow;
  out(text: string): void;
  err(text: string): void;
  writeFile(path: string, text: string): void;
}

export function postmortemFlags(values: Values, positionals: string[]) {
  const id = positionals[0]?.toUpperCase();
  if (positionals.length !== 1 || !id || !INCIDENT_ID.test(id)) throw new UsageError("postmortem needs one incident id, such as INC-2026-0042");
  const out = typeof values.out === "string" ? values.out : undefined;
  if (out === "") throw new UsageError("--out needs a file name");
  return { id, out };
}

export async function runPostmortem(values: Values, positionals: string[], io: PostmortemIO): Promise<number> {
  const f = postmortemFlags(values, positionals);
  const incident = await io.incidents.get(f.id);
  if (!incident) throw new UsageError(`${f.id}: no such incident in the store`);
  const md = renderPostmortemMarkdown(incident, io.flow, io.clock.now());
  if (!f.out) {
    io.out(md.trimEnd());
    return 0;
  }
  try {
    io.writeFile(f.out, md);
  } catch (e) {
    throw new UsageError(`--out ${f.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  io.err(`postmortem draft of ${f.id} written to ${f.out}`);
  return 0;
}

export const postmortemCommand: Command = {
  summary: "a postmortem draft in Markdown: summary, classification and its changes, timeline, times, refs, sections to write",
  usage: "triage postmortem INC-YYYY-NNNN [--out FILE.md]",
  example: "REDIS_URL=redis://localhost:6379 triage postmortem INC-2026-0042 --out INC-2026-0042-postmortem.md",
  options: { out: { type: "string" } },
  run: async ({ values, positionals }, cfg) => {
    const c = cfg();
    postmortemFlags(values, positionals);
    const { flow } = loadDefinitions(c);
    return withStore(
      c,
      (io) => runPostmortem(values, positionals, { incidents: io.incidents, clock: io.clock, flow, out: io.out, err: io.err, writeFile: (p, t) => writeFileSync(p, t) }),
      "triage postmortem",
    );
  },
};
