// Preloaded into the web process by the memory bench (`node --expose-gc --import tsx --import
// ./bench/lib/mem-probe.ts src/web.ts`); the process itself is the unmodified src/web.ts. IPC:
//   {type: "mem"}            -> the heap after a full GC (retained memory, not garbage) and RSS
//   {type: "scan", patterns} -> for each pattern, how many distinct strings matching it (e.g. responder
//                               ids) are still in the heap, from a heap snapshot (which collects garbage first)
import { getHeapSnapshot } from "node:v8";

const gc = (globalThis as { gc?: () => void }).gc;

async function scan(patterns: string[]): Promise<{ distinct: number[]; snapshotMB: number }> {
  const res = patterns.map((p) => new RegExp(p, "g"));
  const found = patterns.map(() => new Set<string>());
  let carry = "";
  let bytes = 0;
  for await (const chunk of getHeapSnapshot()) {
    const text = carry + String(chunk);
    bytes += String(chunk).length;
    res.forEach((re, i) => {
      for (const m of text.matchAll(re)) found[i]!.add(m[0]);
    });
    carry = text.slice(-64); // a match split across chunks is found in the next round
  }
  return { distinct: found.map((f) => f.size), snapshotMB: Math.round(bytes / 1048576) };
}

process.on("message", (m: { id?: number; type?: string; patterns?: string[] }) => {
  if (typeof m?.id !== "number") return;
  if (m.type === "mem") {
    gc?.();
    gc?.();
    const u = process.memoryUsage();
    process.send?.({ id: m.id, gc: !!gc, rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, arrayBuffers: u.arrayBuffers });
  } else if (m.type === "scan" && m.patterns) {
    scan(m.patterns).then(
      (r) => process.send?.({ id: m.id, ...r }),
      (e: Error) => process.send?.({ id: m.id, error: e.message }),
    );
  }
});
