// A tiny RGBA raster: filled rectangles, thick lines and a 5x7 bitmap font for axis labels. Enough for
// a bar chart without a native canvas; every pixel is opaque, so there is no blending to get wrong.
import { encodePng } from "./png.js";

export type Rgba = readonly [number, number, number, number];

// Rows top to bottom, 5 columns each ("1" = ink). Lower-case text is drawn in capitals.
const GLYPHS: Record<string, string> = {
  A: "01110 10001 10001 11111 10001 10001 10001", B: "11110 10001 10001 11110 10001 10001 11110",
  C: "01110 10001 10000 10000 10000 10001 01110", D: "11110 10001 10001 10001 10001 10001 11110",
  E: "11111 10000 10000 11110 10000 10000 11111", F: "11111 10000 10000 11110 10000 10000 10000",
  G: "01110 10001 10000 10111 10001 10001 01111", H: "10001 10001 10001 11111 10001 10001 10001",
  I: "01110 00100 00100 00100 00100 00100 01110", J: "00111 00010 00010 00010 00010 10010 01100",
  K: "10001 10010 10100 11000 10100 10010 10001", L: "10000 10000 10000 10000 10000 10000 11111",
  M: "10001 11011 10101 10101 10001 10001 10001", N: "10001 10001 11001 10101 10011 10001 10001",
  O: "01110 10001 10001 10001 10001 10001 01110", P: "11110 10001 10001 11110 10000 10000 10000",
  Q: "01110 10001 10001 10001 10101 10010 01101", R: "11110 10001 10001 11110 10100 10010 10001",
  S: "01111 10000 10000 01110 00001 00001 11110", T: "11111 00100 00100 00100 00100 00100 00100",
  U: "10001 10001 10001 10001 10001 10001 01110", V: "10001 10001 10001 10001 10001 01010 00100",
  W: "10001 10001 10001 10101 10101 10101 01010", X: "10001 10001 01010 00100 01010 10001 10001",
  Y: "10001 10001 10001 01010 00100 00100 00100", Z: "11111 00001 00010 00100 01000 10000 11111",
  "0": "01110 10001 10011 10101 11001 10001 01110", "1": "00100 01100 00100 00100 00100 00100 01110",
  "2": "01110 10001 00001 00010 00100 01000 11111", "3": "11111 00010 00100 00010 00001 10001 01110",
  "4": "00010 00110 01010 10010 11111 00010 00010", "5": "11111 10000 11110 00001 00001 10001 01110",
  "6": "00110 01000 10000 11110 10001 10001 01110", "7": "11111 00001 00010 00100 01000 01000 01000",
  "8": "01110 10001 10001 01110 10001 10001 01110", "9": "01110 10001 10001 01111 00001 00010 01100",
  "-": "00000 00000 00000 11111 00000 00000 00000", ":": "00000 01100 01100 00000 01100 01100 00000",
  ".": "00000 00000 00000 00000 00000 01100 01100", "/": "00000 00001 00010 00100 01000 10000 00000",
  "%": "11000 11001 00010 00100 01000 10011 00011", "(": "00010 00100 01000 01000 01000 00100 00010",
  ")": "01000 00100 00010 00010 00010 00100 01000", ">": "01000 00100 00010 00001 00010 00100 01000",
  ",": "00000 00000 00000 00000 01100 00100 01000", "+": "00000 00100 00100 11111 00100 00100 00000",
};

export const GLYPH_W = 5;
export const GLYPH_H = 7;

export class Canvas {
  readonly data: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgba = [255, 255, 255, 255]) {
    this.data = new Uint8Array(width * height * 4);
    this.rect(0, 0, width, height, background);
  }

  pixel(x: number, y: number, c: Rgba): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return; // clip silently
    this.data.set(c, (py * this.width + px) * 4);
  }

  rect(x: number, y: number, w: number, h: number, c: Rgba): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.data.set(c, (py * this.width + px) * 4);
  }

  /** A line `thickness` pixels wide: square dabs stepped along the longer axis. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgba, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const half = (thickness - 1) / 2;
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      this.rect(Math.round(x - half), Math.round(y - half), thickness, thickness, c);
    }
  }

  /** Draws `text` with its top-left corner at (x, y); characters without a glyph are blank. */
  text(x: number, y: number, text: string, c: Rgba, scale = 1): void {
    [...text.toUpperCase()].forEach((ch, k) => {
      const rows = GLYPHS[ch]?.split(" ");
      if (!rows) return;
      const gx = x + k * (GLYPH_W + 1) * scale;
      rows.forEach((row, ry) => {
        for (let rx = 0; rx < GLYPH_W; rx++) if (row[rx] === "1") this.rect(gx + rx * scale, y + ry * scale, scale, scale, c);
      });
    });
  }

  static textWidth(text: string, scale = 1): number {
    return text.length ? (text.length * (GLYPH_W + 1) - 1) * scale : 0;
  }

  png(): Buffer {
    return encodePng(this.width, this.height, this.data);
  }
}
