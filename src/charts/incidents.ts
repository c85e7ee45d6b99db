// The summary's chart: incidents per day by domain (stacked bars) and the daily median time to
// acknowledge (a line on its own axis), as a PNG, or as block characters where no image can be sent.
import type { DayBucket, Summary } from "../domain/summary.js";
import { Canvas, type Rgba } from "./draw.js";

const W = 720;
const H = 360;
const PLOT = { left: 52, right: W - 60, top: 52, bottom: H - 34 };
const COLORS = {
  safety: [52, 120, 200, 255],
  security: [228, 118, 36, 255],
  ack: [40, 40, 40, 255],
  axis: [90, 90, 90, 255],
  grid: [228, 228, 228, 255],
  text: [30, 30, 30, 255],
} satisfies Record<string, Rgba>;

/** A round axis maximum (1, 2 or 5 times a power of ten per step) with about `ticks` steps. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 1 };
  const raw = max / ticks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const fixed = Math.max(1, step); // counts are whole numbers: never a fractional step
  return { max: Math.ceil(max / fixed) * fixed, step: fixed };
}

export function incidentsChartPng(s: Summary): Buffer {
  const c = new Canvas(W, H);
  const days = s.perDay;
  const plotW = PLOT.right - PLOT.left;
  const plotH = PLOT.bottom - PLOT.top;
  const counts = niceScale(Math.max(0, ...days.map((d) => d.safety + d.security)));
  const acks = days.map((d) => d.medianAckMinutes).filter((m): m is number => m !== null);
  const minutes = niceScale(Math.max(0, ...acks));
  const yCount = (v: number) => PLOT.bottom - (v / counts.max) * plotH;
  const yAck = (v: number) => PLOT.bottom - (v / minutes.max) * plotH;

  c.text(PLOT.left, 8, `INCIDENTS PER DAY, LAST ${s.window.days} DAYS${s.window.domain ? ` (${s.window.domain})` : ""}`, COLORS.text, 2);
  legend(c, [["SAFETY", COLORS.safety], ["SECURITY", COLORS.security], ["MEDIAN ACK (MIN, RIGHT AXIS)", COLORS.ack]]);

  for (let v = 0; v <= counts.max; v += counts.step) {
    const y = Math.round(yCount(v));
    c.rect(PLOT.left, y, plotW, 1, COLORS.grid);
    c.text(PLOT.left - 6 - labelWidth(String(v)), y - 3, String(v), COLORS.text);
  }
  if (acks.length) {
    for (let v = 0; v <= minutes.max; v += minutes.step) c.text(PLOT.right + 6, Math.round(yAck(v)) - 3, String(v), COLORS.ack);
  }

  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(1, Math.floor(slot * 0.7));
  days.forEach((d, k) => {
    const x = PLOT.left + k * slot + (slot - barW) / 2;
    const ySafety = yCount(d.safety);
    c.rect(x, ySafety, barW, PLOT.bottom - ySafety, COLORS.safety);
    const yTop = yCount(d.safety + d.security);
    c.rect(x, yTop, barW, ySafety - yTop, COLORS.security);
  });
  xLabels(c, days, slot);

  // The ack line breaks over days without an acknowledged incident rather than inventing a value.
  let prev: [number, number] | undefined;
  days.forEach((d, k) => {
    if (d.medianAckMinutes === null) return void (prev = undefined);
    const p: [number, number] = [PLOT.left + (k + 0.5) * slot, yAck(d.medianAckMinutes)];
    if (prev) c.line(prev[0], prev[1], p[0], p[1], COLORS.ack, 2);
    c.rect(p[0] - 2, p[1] - 2, 5, 5, COLORS.ack);
    prev = p;
  });

  c.rect(PLOT.left, PLOT.top, 1, plotH + 1, COLORS.axis);
  c.rect(PLOT.left, PLOT.bottom, plotW, 1, COLORS.axis);
  if (s.total === 0) c.text(PLOT.left + plotW / 2 - 70, PLOT.top + plotH / 2, "NO INCIDENTS", COLORS.axis, 2);
  return c.png();
}

const labelWidth = (t: string) => Canvas.textWidth(t);

function legend(c: Canvas, items: Array<[string, Rgba]>) {
  let x = PLOT.left;
  for (const [label, color] of items) {
    c.rect(x, 32, 10, 10, color);
    c.text(x + 14, 34, label, COLORS.text);
    x += 14 + labelWidth(label) + 18;
  }
}

/** Dates (MM-DD) under as many bars as fit without overlapping. */
function xLabels(c: Canvas, days: DayBucket[], slot: number) {
  const every = Math.max(1, Math.ceil(40 / slot));
  days.forEach((d, k) => {
    if (k % every) return;
    const label = d.date.slice(5);
    c.text(PLOT.left + (k + 0.5) * slot - labelWidth(label) / 2, PLOT.bottom + 8, label, COLORS.text);
  });
}

// ---- text chart ----------------------------------------------------------------------------------

const BLOCKS = "▁▂▃▄▅▆▇█";
const spark = (v: number, max: number) => (v <= 0 ? "·" : BLOCKS[Math.min(7, Math.max(0, Math.ceil((v / max) * 8) - 1))]!);

/**
 * One row per domain and one for the median time to acknowledge, a character per day (per week for
 * windows over 45 days, where the ack row shows the median of the daily medians). Monospace only:
 * wrap it in a code block on chat platforms.
 */
export function incidentsChartText(s: Summary): string {
  const weekly = s.perDay.length > 45;
  const cols = weekly ? chunk(s.perDay, 7) : s.perDay.map((d) => [d]);
  const rows = cols.map((g) => {
    const acks = g.map((d) => d.medianAckMinutes).filter((m): m is number => m !== null).sort((a, b) => a - b);
    return { safety: sum(g, "safety"), security: sum(g, "security"), ack: acks.length ? acks[Math.ceil(acks.length / 2) - 1]! : null };
  });
  const peak = Math.max(1, ...rows.map((r) => Math.max(r.safety, r.security)));
  const ackMax = Math.max(0, ...rows.map((r) => r.ack ?? 0));
  const first = s.perDay[0]?.date ?? s.window.from.slice(0, 10);
  const last = s.perDay.at(-1)?.date ?? first;
  const ackVals = rows.flatMap((r) => (r.ack === null ? [] : [r.ack]));
  return [
    `Incidents per ${weekly ? "week" : "day"}, ${first} → ${last} (peak ${peak})`,
    `safety    ${rows.map((r) => spark(r.safety, peak)).join("")}  ${s.byDomain.safety}`,
    `security  ${rows.map((r) => spark(r.security, peak)).join("")}  ${s.byDomain.security}`,
    `ack p50   ${rows.map((r) => (r.ack === null ? " " : spark(Math.max(r.ack, 1e-9), ackMax || 1))).join("")}  ${ackVals.length ? `${Math.round(Math.min(...ackVals))}–${Math.round(Math.max(...ackVals))} min` : "no acks"}`,
  ].join("\n");
}

const sum = (g: DayBucket[], k: "safety" | "security") => g.reduce((n, d) => n + d[k], 0);
function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
