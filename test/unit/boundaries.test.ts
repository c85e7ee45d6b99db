// The house rules as a test: the domain is pure, and only the process wiring knows the adapters.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}
const imports = (file: string) => [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^"']*from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);

describe("boundaries", () => {
  it("src/domain imports only zod and itself, and does no I/O", () => {
    for (const f of files("src/domain")) {
      for (const spec of imports(f)) expect(spec === "zod" || spec.startsWith("./"), `${f} imports ${spec}`).toBe(true);
      expect(readFileSync(f, "utf8"), f).not.toMatch(/\b(process\.env|readFileSync|fetch\(|setTimeout\()/);
    }
  });
  it("only the process wiring imports adapters", () => {
    // The CLI entry, the platform set-up and the console chat command: the process wiring.
    const allowed = new Set(["src/cli.ts", "src/platforms.ts", "src/commands/chat.ts"]);
    for (const f of files("src")) {
      if (allowed.has(f)) continue;
      for (const spec of imports(f)) expect(spec.includes("adapters/"), `${f} imports ${spec}`).toBe(false);
    }
  });
});
