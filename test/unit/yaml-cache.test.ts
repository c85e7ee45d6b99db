// The parsed-YAML cache: the same document as parsing, a changed text parsed afresh, and parsing
// whenever the cache cannot be used.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cachedParse } from "../../src/yaml-cache.js";

const dirs: string[] = [];
const saved = process.env.TRIAGE_CACHE_DIR;
afterEach(() => {
  process.env.TRIAGE_CACHE_DIR = saved;
  if (saved === undefined) delete process.env.TRIAGE_CACHE_DIR;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const big = (word: string) => `items:\n${Array.from({ length: 2000 }, (_, i) => `  - { id: ${i}, p: "${word} ${i}", w: 1.5 }`).join("\n")}\n`;

describe("parsed-YAML cache", () => {
  it("gives the parsed document, from the cache on the second read, and parses a changed text afresh", () => {
    const dir = mkdtempSync(join(tmpdir(), "triage-cache-"));
    dirs.push(dir);
    process.env.TRIAGE_CACHE_DIR = dir;
    let parses = 0;
    const read = (text: string) => cachedParse(text, () => (parses++, parse(text)));
    const a = big("attack");
    expect(read(a)).toEqual(parse(a));
    expect(read(a)).toEqual(parse(a));
    expect(parses).toBe(1);
    expect(readdirSync(dir)).toHaveLength(1);
    const b = big("attacker");
    expect(read(b)).toEqual(parse(b));
    expect(parses).toBe(2);
  });

  it("parses every time when off, for small files, and when the cache cannot be written", () => {
    let parses = 0;
    const count = (text: string) => () => (parses++, parse(text));
    process.env.TRIAGE_CACHE_DIR = "off";
    cachedParse(big("x"), count(big("x")));
    cachedParse(big("x"), count(big("x")));
    expect(parses).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), "triage-cache-"));
    dirs.push(dir);
    process.env.TRIAGE_CACHE_DIR = dir;
    cachedParse("a: 1\n", count("a: 1\n"));
    expect(readdirSync(dir)).toHaveLength(0);
    // A file where the cache directory should be: nothing can be written, the answer is still right.
    const blocked = join(dir, "blocked");
    writeFileSync(blocked, "");
    process.env.TRIAGE_CACHE_DIR = blocked;
    expect(cachedParse(big("y"), () => parse(big("y")))).toEqual(parse(big("y")));
  });
});
