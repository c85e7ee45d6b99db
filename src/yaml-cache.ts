// Parsing the 150 KB lexicon as YAML costs a short command (`triage classify`) about a fifth of a
// second, every run. A large YAML file's parsed form is kept as JSON in the user's cache, keyed by a
// hash of the file's text, so an edited file is parsed afresh and an untouched one is read as JSON.
// The cache is only ever an optimisation: the parsed document is validated like any other, and any
// trouble reading or writing the cache falls back to parsing.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Files smaller than this parse faster than a cache lookup is worth (and a hit on every data file
 * lets a short command skip loading the YAML parser at all). */
const MIN_BYTES = 1_000;
/** Bumped when the cached form changes meaning (a YAML parser with other semantics). */
const FORMAT = "1";

function cacheDir(): string | undefined {
  if (process.env.TRIAGE_CACHE_DIR === "off") return undefined;
  return process.env.TRIAGE_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "ai-incident-triage");
}

export function cachedParse(text: string, parse: () => unknown): unknown {
  const dir = text.length >= MIN_BYTES ? cacheDir() : undefined;
  if (!dir) return parse();
  const file = join(dir, `${createHash("sha256").update(FORMAT).update(text).digest("hex")}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // not cached yet (or unreadable): parse, then try to keep it
  }
  const doc = parse();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written aside and renamed: a reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(doc), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // a read-only home or a full disk: parsing each time is still correct
  }
  return doc;
}
