// Issue 14: adapters get a narrow port (src/port.ts), not the App, and touch no store. Read from the
// import lines of every adapter file: no App, no store, queue, processor or Redis client; the few
// application modules they may name for types (the bot's Input, a TicketAction) are type-only imports,
// so no behaviour of the core reaches an adapter except through the port.
import { readdirSync, readFileSync } from "node:fs";
import { join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}
/** Each import of a file: what it names (resolved to a path from the repository root when relative) and whether it is type-only. */
function imports(file: string): Array<{ spec: string; typeOnly: boolean }> {
  return [...readFileSync(file, "utf8").matchAll(/^\s*(import|export)(\s+type)?[^"';]*?from\s+["']([^"']+)["']/gm)].map((m) => {
    const spec = m[3]!;
    return { spec: spec.startsWith(".") ? relative(".", normalize(join(file, "..", spec))).replace(/\.js$/, "") : spec, typeOnly: m[2] !== undefined };
  });
}

const FORBIDDEN = [/^src\/app$/, /^src\/store\//, /^src\/redis/, /^src\/tickets\/(processor|bullmq-queue|memory-queue|jobs|retry)$/, /^ioredis$/, /^bullmq$/];
/** The core's classes with behaviour: an adapter may name their types, never import them to run. */
const TYPES_ONLY = [/^src\/bot\/conversation$/, /^src\/tickets\/actions$/, /^src\/bot\/summaries$/];

describe("adapters and the port", () => {
  const adapterFiles = files("adapters").filter((f) => !f.includes("/tools/"));

  it("no adapter imports the App, a store, the queue or a Redis client", () => {
    for (const f of adapterFiles) {
      for (const { spec } of imports(f)) expect(FORBIDDEN.some((re) => re.test(spec)), `${f} imports ${spec}`).toBe(false);
    }
  });

  it("what adapters name of the bot and the ticket actions is types only (summaries: its argument parser too)", () => {
    for (const f of adapterFiles) {
      for (const { spec, typeOnly } of imports(f)) {
        if (!TYPES_ONLY.some((re) => re.test(spec)) || typeOnly) continue;
        // parseSummaryArgs is pure text parsing: the one value an adapter may take from summaries.
        const line = readFileSync(f, "utf8").split("\n").find((l) => l.startsWith("import {") && l.includes(`${spec.split("/").at(-1)}.js`))!;
        const names = /\{([^}]*)\}/.exec(line)![1]!.split(",").map((n) => n.trim()).filter((n) => n && !n.startsWith("type "));
        expect(names, `${f} imports ${spec} for more than types`).toEqual(spec.endsWith("summaries") ? ["parseSummaryArgs"] : []);
      }
    }
  });

  it("the port itself carries no store: only functions over the application", () => {
    const port = readFileSync("src/port.ts", "utf8");
    const iface = port.slice(port.indexOf("export interface AdapterPort"), port.indexOf("export function adapterPort"));
    for (const word of ["IncidentStore", "ConversationStore", "JobQueue", "Redis", "App"]) expect(iface).not.toMatch(new RegExp(`\\b${word}\\b`));
  });

  it("the check sees a forbidden import when there is one", () => {
    // Guards the guard: the regex reads the kind of line adapters have, so a real breach cannot slip by.
    const spec = relative(".", normalize(join("adapters/slack/x.ts", "..", "../../src/store/redis"))).replace(/\.js$/, "");
    expect(FORBIDDEN.some((re) => re.test(spec))).toBe(true);
  });
});
