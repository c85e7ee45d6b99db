// The chart PNG must be a valid file any viewer opens: decoded here chunk by chunk, CRCs checked
// against zlib's own CRC-32, and the image data inflated to exactly h*(1+w*4) bytes.
import { crc32 as zlibCrc32, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { incidentsChartPng, incidentsChartText, niceScale } from "../../src/charts/incidents.js";
import { Canvas } from "../../src/charts/draw.js";
import { crc32, encodePng } from "../../src/charts/png.js";
import { ackMinutes } from "../../src/domain/roster.js";
import { summarize } from "../../src/domain/summary.js";
import { CURRENT, PREVIOUS, WINDOW, incident } from "../fixtures/summary/build.js";
import { testRoster } from "../support/roster.js";

const roster = testRoster();
const opts = { now: WINDOW.to, ackTargets: (d: "safety" | "security", s: "SEV1" | "SEV2" | "SEV3" | "SEV4") => ackMinutes(roster, d, s) };

function decode(png: Buffer) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString("ascii");
    const data = png.subarray(at + 8, at + 8 + len);
    expect(png.readUInt32BE(at + 8 + len), `CRC of ${type}`).toBe(zlibCrc32(png.subarray(at + 4, at + 8 + len)));
    chunks.push({ type, data });
    at += 12 + len;
  }
  expect(chunks[0]!.type).toBe("IHDR");
  expect(chunks.at(-1)).toEqual({ type: "IEND", data: Buffer.alloc(0) });
  const ihdr = chunks[0]!.data;
  const w = ihdr.readUInt32BE(0);
  const h = ihdr.readUInt32BE(4);
  expect([...ihdr.subarray(8)]).toEqual([8, 6, 0, 0, 0]); // 8-bit RGBA, no interlace
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data)));
  expect(raw.length).toBe(h * (1 + w * 4));
  const pixel = (x: number, y: number) => [...raw.subarray(y * (1 + w * 4) + 1 + x * 4, y * (1 + w * 4) + 1 + x * 4 + 4)];
  return { w, h, raw, pixel };
}

describe("PNG encoder", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(Buffer.from("IEND"))).toBe(zlibCrc32(Buffer.from("IEND")));
  });

  it("round-trips pixels", () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 1, 2, 3, 4]);
    const { w, h, pixel } = decode(encodePng(2, 2, rgba));
    expect([w, h]).toEqual([2, 2]);
    expect([pixel(0, 0), pixel(1, 0), pixel(0, 1), pixel(1, 1)]).toEqual([[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [1, 2, 3, 4]]);
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow(/expected 16 RGBA bytes/);
  });

  it("draws clipped rectangles, lines and text on the canvas", () => {
    const c = new Canvas(20, 10);
    c.rect(-5, -5, 8, 8, [0, 0, 0, 255]);
    c.line(0, 9, 19, 9, [255, 0, 0, 255]);
    c.text(10, 0, "1", [0, 0, 255, 255]);
    const { pixel } = decode(c.png());
    expect(pixel(2, 2)).toEqual([0, 0, 0, 255]);
    expect(pixel(4, 4)).toEqual([255, 255, 255, 255]);
    expect(pixel(19, 9)).toEqual([255, 0, 0, 255]);
    expect(pixel(12, 0)).toEqual([0, 0, 255, 255]); // the top of the "1"
    expect(Canvas.textWidth("10")).toBe(11);
  });
});

describe("incidents chart", () => {
  const s = summarize(CURRENT.map(incident), PREVIOUS.map(incident), WINDOW, opts);

  it("is a 720x360 PNG with bars in both domain colours and the ack line", () => {
    const { w, h, pixel } = decode(incidentsChartPng(s));
    expect([w, h]).toEqual([720, 360]);
    const colours = new Set<string>();
    for (let y = 0; y < h; y += 2) for (let x = 0; x < w; x += 2) colours.add(pixel(x, y).join(","));
    expect(colours).toContain("52,120,200,255"); // safety
    expect(colours).toContain("228,118,36,255"); // security
    expect(colours).toContain("40,40,40,255"); // median ack
  });

  it("draws an empty window and a 90-day window", () => {
    expect(decode(incidentsChartPng(summarize([], [], WINDOW, opts))).w).toBe(720);
    const long = summarize(CURRENT.map(incident), [], { from: new Date(WINDOW.to.getTime() - 90 * 86_400_000), to: WINDOW.to }, opts);
    expect(decode(incidentsChartPng(long)).h).toBe(360);
  });

  it("text: a character per day, both domains on one scale, the ack median row", () => {
    expect(incidentsChartText(s)).toBe(
      [
        "Incidents per day, 2026-11-17 → 2026-11-23 (peak 1)",
        "safety    ·███·█·  4",
        "security  ██··█·█  4",
        "ack p50   ▁▄   █▂  4–50 min",
      ].join("\n"),
    );
  });

  it("text: per week over 45 days", () => {
    const long = summarize(CURRENT.map(incident), [], { from: new Date(WINDOW.to.getTime() - 90 * 86_400_000), to: WINDOW.to }, opts);
    const lines = incidentsChartText(long).split("\n");
    expect(lines[0]).toMatch(/^Incidents per week, 2026-08-26 → 2026-11-23 \(peak 4\)$/);
    expect(lines[1]).toBe(`safety    ${"·".repeat(12)}█  4`);
  });

  it("nice axis scales", () => {
    expect(niceScale(0)).toEqual({ max: 1, step: 1 });
    expect(niceScale(7)).toEqual({ max: 8, step: 2 });
    expect(niceScale(9)).toEqual({ max: 10, step: 2 });
    expect(niceScale(48.6)).toEqual({ max: 50, step: 10 });
    expect(niceScale(3)).toEqual({ max: 3, step: 1 });
  });
});
