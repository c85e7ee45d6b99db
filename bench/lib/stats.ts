// Latency statistics: nearest-rank percentiles over raw samples (milliseconds), no interpolation.

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, mean: round(mean), p50: round(percentile(s, 50)), p90: round(percentile(s, 90)), p99: round(percentile(s, 99)), max: round(s.at(-1) ?? Number.NaN) };
}

/** 3 significant digits, so JSON and tables stay readable. */
export function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(digits, 4)));
}

export const ratio = (ours: number, base: number) => round(ours / base);

/** Monotonic nanoseconds, comparable across processes on one Linux machine (CLOCK_MONOTONIC). */
export const nowNs = () => process.hrtime.bigint();
export const msSince = (t0: bigint, t1: bigint = nowNs()) => Number(t1 - t0) / 1e6;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
