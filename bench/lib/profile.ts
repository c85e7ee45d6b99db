// Reads a V8 .cpuprofile (node --cpu-prof) and answers where the time went: self time per function and
// per module (a node_modules package, a file of ours, or node internals), plus inclusive time of our own
// functions. `npx tsx bench/lib/profile.ts FILE.cpuprofile [--top 25]` prints it.
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  byModule: Array<{ module: string; selfMs: number; pct: number }>;
  byFunction: Array<{ fn: string; selfMs: number; pct: number }>;
  /** inclusive time of functions in our own code (src/, adapters/). */
  oursInclusive: Array<{ fn: string; totalMs: number; pct: number }>;
}

export function moduleOf(url: string): string {
  if (!url) return "(native/v8)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) return url;
  const m = /\/(src|adapters|bench|test)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  let total = 0;
  let idle = 0;
  const mods = new Map<string, number>();
  const fns = new Map<string, number>();
  const ours = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || "(anonymous)";
    total += t;
    if (name === "(idle)" || name === "(program)" || name === "(garbage collector)") {
      if (name === "(idle)") idle += t;
      mods.set(name, (mods.get(name) ?? 0) + t);
      fns.set(name, (fns.get(name) ?? 0) + t);
      continue;
    }
    const mod = moduleOf(n.callFrame.url);
    mods.set(mod, (mods.get(mod) ?? 0) + t);
    const key = `${name} (${mod}:${n.callFrame.lineNumber + 1})`;
    fns.set(key, (fns.get(key) ?? 0) + t);
    // inclusive time of our own frames on this stack (each counted once per sample stack)
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!;
      const m = moduleOf(f.callFrame.url);
      if (!/^(src|adapters)\//.test(m)) continue;
      const k = `${f.callFrame.functionName || "(anonymous)"} (${m}:${f.callFrame.lineNumber + 1})`;
      if (seen.has(k)) continue;
      seen.add(k);
      ours.set(k, (ours.get(k) ?? 0) + t);
    }
  }
  const busy = total - idle;
  const rank = <K extends string>(m: Map<string, number>, key: K, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => ({ [key]: k, selfMs: Math.round(v), pct: Math.round((v / busy) * 1000) / 10 }) as { [P in K]: string } & { selfMs: number; pct: number });
  return {
    totalMs: Math.round(total),
    idleMs: Math.round(idle),
    byModule: rank(mods, "module", top).filter((r) => r.module !== "(idle)"),
    byFunction: rank(fns, "fn", top).filter((r) => r.fn !== "(idle)"),
    oursInclusive: [...ours].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, v]) => ({ fn, totalMs: Math.round(v), pct: Math.round((v / busy) * 1000) / 10 })),
  };
}

if (process.argv[1] && /profile\.[tj]s$/.test(process.argv[1])) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: tsx bench/lib/profile.ts FILE.cpuprofile [--top N]");
  const i = process.argv.indexOf("--top");
  const s = summarizeProfile(file, i > 0 ? Number(process.argv[i + 1]) : 25);
  console.log(`total ${s.totalMs} ms, idle ${s.idleMs} ms, busy ${s.totalMs - s.idleMs} ms (percentages are of busy time)`);
  console.log("\nself time by module:");
  for (const r of s.byModule) console.log(`  ${String(r.selfMs).padStart(7)} ms ${String(r.pct).padStart(5)}%  ${r.module}`);
  console.log("\nself time by function:");
  for (const r of s.byFunction) console.log(`  ${String(r.selfMs).padStart(7)} ms ${String(r.pct).padStart(5)}%  ${r.fn}`);
  console.log("\ninclusive time of our functions:");
  for (const r of s.oursInclusive) console.log(`  ${String(r.totalMs).padStart(7)} ms ${String(r.pct).padStart(5)}%  ${r.fn}`);
}

/** Self time of functions named `name`, grouped by their caller chain (`depth` frames up). */
export function callers(file: string, name: string, depth = 6, top = 10): Array<{ stack: string; ms: number }> {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]!)!;
    if (n.callFrame.functionName !== name) continue;
    const frames: string[] = [];
    for (let cur = parent.get(n.id); cur !== undefined && frames.length < depth; cur = parent.get(cur)) {
      const f = byId.get(cur)!;
      frames.push(`${f.callFrame.functionName || "(anon)"}@${moduleOf(f.callFrame.url)}:${f.callFrame.lineNumber + 1}`);
    }
    const k = frames.join(" < ");
    out.set(k, (out.get(k) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  return [...out].sort((a, b) => b[1] - a[1]).slice(0, top).map(([stack, ms]) => ({ stack, ms: Math.round(ms) }));
}

if (process.argv[1] && /profile\.[tj]s$/.test(process.argv[1]) && process.argv.includes("--callers")) {
  const name = process.argv[process.argv.indexOf("--callers") + 1]!;
  console.log(`\ncallers of ${name}:`);
  const di = process.argv.indexOf("--depth");
  for (const r of callers(process.argv[2]!, name, di > 0 ? Number(process.argv[di + 1]) : 6)) console.log(`  ${String(r.ms).padStart(6)} ms  ${r.stack}`);
}

/** Where busy time goes, by what the code was doing: each sample goes to the first group found walking up from the leaf. */
export const GROUPS: Array<[string, RegExp]> = [
  ["startup (module loading, config)", /^(node:internal\/modules|tsx$|esbuild$|yaml$|src\/definitions\.ts|src\/serve\.ts|src\/app\.ts|node:internal\/deps\/cjs-module-lexer)/],
  ["zod validation", /^zod$/],
  ["pino logging", /^(pino|sonic-boom|thread-stream|fast-redact)/],
  ["Slack Web API client (fetch, p-queue, forms)", /^(@slack\/web-api|undici|p-queue|p-retry|axios|form-data|node:internal\/deps\/undici)/],
  ["Bolt (parse, verify, middleware)", /^@slack\/bolt$/],
  ["BullMQ", /^bullmq$/],
  ["ioredis (commands, parser, socket)", /^(ioredis|redis-parser|cluster-key-slot|standard-as-callback)/],
  ["pre-triage", /^src\/domain\/pretriage\.ts/],
  ["stores (JSON, records)", /^src\/store\//],
  ["ticket processor / notifiers", /^(src\/tickets\/|adapters\/slack\/notifier\.ts|src\/runtime\.ts)/],
  ["Block Kit rendering", /^adapters\/slack\/blocks\//],
  ["bot + flow engine + domain", /^(src\/bot\/|src\/domain\/)/],
  ["Slack adapter (listeners, turns)", /^adapters\/slack\//],
  ["node http server/client", /^node:(_http_|internal\/http)/],
];

export function byActivity(file: string, skipMs = 0): { busyMs: number; groups: Array<{ group: string; ms: number; pct: number }> } {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, number>();
  let t = 0;
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    t += dt;
    if (t < skipMs) continue;
    const leaf = byId.get(p.samples[i]!)!;
    const name = leaf.callFrame.functionName;
    if (name === "(idle)") continue;
    busy += dt;
    let group = name === "(garbage collector)" ? "garbage collector" : name === "(program)" ? "(program)" : "";
    for (let cur: number | undefined = leaf.id; !group && cur !== undefined; cur = parent.get(cur)) {
      const m = moduleOf(byId.get(cur)!.callFrame.url);
      group = GROUPS.find(([, re]) => re.test(m))?.[0] ?? "";
    }
    group ||= "other (node internals, event loop)";
    out.set(group, (out.get(group) ?? 0) + dt);
  }
  return { busyMs: Math.round(busy), groups: [...out].sort((a, b) => b[1] - a[1]).map(([group, ms]) => ({ group, ms: Math.round(ms), pct: Math.round((ms / busy) * 1000) / 10 })) };
}

if (process.argv[1] && /profile\.[tj]s$/.test(process.argv[1]) && process.argv.includes("--activity")) {
  const si = process.argv.indexOf("--skip-ms");
  const r = byActivity(process.argv[2]!, si > 0 ? Number(process.argv[si + 1]) : 0);
  console.log(`\nbusy ${r.busyMs} ms by activity:`);
  for (const g of r.groups) console.log(`  ${String(g.ms).padStart(7)} ms ${String(g.pct).padStart(5)}%  ${g.group}`);
}
