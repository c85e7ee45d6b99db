// How a bench runs the project's own processes: like the Procfile, `node dist/src/web.js` and
// `node dist/src/worker.js`, so the figures measure what production runs (no tsx loader thread, no
// on-the-fly transpiling at start). dist/ is built first when it is missing or older than the sources.
// `--tsx` (or BENCH_TSX=1) runs src/*.ts through tsx instead, to bench uncommitted code without a build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export type Role = "web" | "worker";

export const useTsx = (): boolean => process.argv.includes("--tsx") || process.env.BENCH_TSX === "1";

/** How node starts `role` from the repository root: the built file, or the source through tsx's loader. */
export function appEntry(role: Role): { loader: string[]; entry: string } {
  return useTsx() ? { loader: ["--import", "tsx"], entry: `src/${role}.ts` } : { loader: [], entry: `dist/src/${role}.js` };
}

/** Builds dist/ (`npm run build`) unless every entry there is newer than every source file. */
export function ensureBuilt(root: string): void {
  if (useTsx()) return;
  const entries = (["web", "worker"] as const).map((r) => join(root, "dist", "src", `${r}.js`));
  const built = entries.every(existsSync) ? Math.min(...entries.map((f) => statSync(f).mtimeMs)) : 0;
  const sources = Math.max(newest(join(root, "src")), newest(join(root, "adapters")), statSync(join(root, "tsconfig.json")).mtimeMs);
  if (built > sources) return;
  process.stderr.write(built ? "bench: dist/ is older than src/, building\n" : "bench: no dist/, building\n");
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
}

/** The newest modification time of any file under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
