// Writes the Teams app icons (appPackage/color.png 192x192, outline.png 32x32) as PNGs from scratch
// with node:zlib, so the package needs no image tools. Run: npx tsx adapters/teams/tools/make-icons.ts
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

type RGBA = [number, number, number, number];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGBA PNG of size x size, each pixel from `paint(x, y)`. */
export function png(size: number, paint: (x: number, y: number) => RGBA): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(paint(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** A shield with an exclamation mark, in unit coordinates (0..1): true where the glyph is. */
function shield(u: number, v: number): "edge" | "mark" | "fill" | undefined {
  const half = v < 0.55 ? 0.36 : 0.36 * Math.sqrt(Math.max(0, 1 - ((v - 0.55) / 0.33) ** 2));
  const dx = Math.abs(u - 0.5);
  if (v < 0.12 || v > 0.88 || dx > half) return undefined;
  const mark = dx < 0.045 && ((v > 0.25 && v < 0.6) || (v > 0.66 && v < 0.74));
  if (mark) return "mark";
  return dx > half - 0.06 || v < 0.18 ? "edge" : "fill";
}

const WHITE: RGBA = [255, 255, 255, 255];
const CLEAR: RGBA = [0, 0, 0, 0];
const ACCENT: RGBA = [0x5b, 0x5f, 0xc7, 255];

const color = png(192, (x, y) => {
  const s = shield((x + 0.5) / 192, (y + 0.5) / 192);
  return s === "edge" || s === "fill" ? WHITE : ACCENT; // the mark shows the accent through the white shield
});
// Outline icons must be white on transparent (Teams tints them).
const outline = png(32, (x, y) => {
  const s = shield((x + 0.5) / 32, (y + 0.5) / 32);
  return s === "edge" || s === "mark" ? WHITE : CLEAR;
});

if (process.argv[1] && /make-icons\.[tj]s$/.test(process.argv[1])) {
  const dir = new URL("../appPackage/", import.meta.url);
  writeFileSync(new URL("color.png", dir), color);
  writeFileSync(new URL("outline.png", dir), outline);
  process.stdout.write("wrote appPackage/color.png (192x192) and appPackage/outline.png (32x32)\n");
}
