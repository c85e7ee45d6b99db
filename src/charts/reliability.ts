// The intent reader's reliability diagram: per bin of calibrated p(adversary), the mean predicted
// probability against the share of incidents that had one. On the diagonal is well calibrated; each
// point's size says how many incidents the bin holds.
import type { IntentFigures } from "../domain/intent-eval.js";
import { Canvas, type Rgba } from "./draw.js";

const S = 420;
const PLOT = { left: 56, top: 44, size: S - 100 };
const COLORS = {
  point: [228, 118, 36, 255],
  ideal: [170, 170, 170, 255],
  axis: [90, 90, 90, 255],
  grid: [232, 232, 232, 255],
  text: [30, 30, 30, 255],
} satisfies Record<string, Rgba>;

export function reliabilityChartPng(bins: IntentFigures["reliability"], title: string): Buffer {
  const c = new Canvas(S, S);
  const x = (p: number) => PLOT.left + p * PLOT.size;
  const y = (p: number) => PLOT.top + (1 - p) * PLOT.size;
  c.text(8, 10, title.toUpperCase(), COLORS.text, 2);
  for (let v = 0; v <= 10; v += 2) {
    const t = (v / 10).toFixed(1);
    c.rect(x(0), y(v / 10), PLOT.size, 1, COLORS.grid);
    c.rect(x(v / 10), y(1), 1, PLOT.size, COLORS.grid);
    c.text(x(0) - 6 - Canvas.textWidth(t), y(v / 10) - 3, t, COLORS.text);
    c.text(x(v / 10) - Canvas.textWidth(t) / 2, y(0) + 8, t, COLORS.text);
  }
  c.line(x(0), y(0), x(1), y(1), COLORS.ideal, 1);
  const most = Math.max(1, ...bins.map((b) => b.n));
  let prev: [number, number] | undefined;
  for (const b of bins) {
    const p: [number, number] = [x(b.predicted), y(b.observed)];
    if (prev) c.line(prev[0], prev[1], p[0], p[1], COLORS.point, 2);
    const r = 2 + Math.round(6 * Math.sqrt(b.n / most));
    c.rect(p[0] - r, p[1] - r, 2 * r + 1, 2 * r + 1, COLORS.point);
    prev = p;
  }
  c.rect(x(0), y(1), 1, PLOT.size + 1, COLORS.axis);
  c.rect(x(0), y(0), PLOT.size, 1, COLORS.axis);
  c.text(x(0), y(0) + 24, "PREDICTED P(ADVERSARY)", COLORS.text);
  c.text(8, PLOT.top - 14, "SHARE WITH AN ADVERSARY", COLORS.text);
  return c.png();
}
