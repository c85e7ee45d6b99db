// No import circles in src/ and adapters/, type imports included (issue 14: app -> processor ->
// notifier -> digest/post -> app, authz <-> incident and two smaller ones were broken). A circle makes
// load order matter and hides which module depends on which; BullMQ runs the same check before its
// tests. The wiring rule beside it (only the process wiring imports adapters) is in boundaries.test.ts.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** Each file's relative imports and re-exports (static, type-only ones too), as repository paths. */
export function importGraph(roots: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of roots.flatMap(files)) {
    const text = readFileSync(f, "utf8");
    const specs = [...text.matchAll(/^\s*(?:import|export)\b[^"';]*?\bfrom\s+["'](\.[^"']+)["']/gm), ...text.matchAll(/^\s*import\s+["'](\.[^"']+)["']/gm)].map((m) => m[1]!);
    graph.set(
      f,
      specs.map((s) => normalize(join(dirname(f), s)).replace(/\.js$/, ".ts")).filter((p) => existsSync(p)),
    );
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe("import circles", () => {
  it("there are none in src/ and adapters/", () => {
    const graph = importGraph(["src", "adapters"]);
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles(graph)).toEqual([]);
  });

  it("the check finds one when there is one", () => {
    const g = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "d.ts"]],
      ["d.ts", []],
      ["e.ts", ["e.ts"]],
    ]);
    expect(cycles(g)).toEqual([["a.ts", "b.ts", "c.ts"], ["e.ts"]]);
  });
});
