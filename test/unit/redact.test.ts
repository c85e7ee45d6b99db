// Secret redaction against the corpus of fake secrets and look-alikes in test/fixtures/secrets.yaml.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MARKER, describeHits, redact } from "../../src/domain/redact.js";

interface Corpus {
  redact: Array<{ kind: string; secret: string; text: string }>;
  keep: Array<{ why: string; text: string }>;
}
/** Pieces of a secret, split where URL and quoting syntax could cut it, that its context does not hold. */
const fragments = (secret: string, context: string) =>
  secret.split(/[@:/#'"\\!\s]+/).filter((f) => f.length >= 3 && !context.replace("{{secret}}", "").includes(f));

const corpus = parse(readFileSync(new URL("../fixtures/secrets.yaml", import.meta.url), "utf8")) as Corpus;

describe("redact", () => {
  it.each(corpus.redact.map((r) => [r.kind, r.secret.slice(0, 12), r] as const))("removes %s (%s…)", (_k, _s, r) => {
    const text = r.text.replace("{{secret}}", r.secret);
    const out = redact(text);
    expect(out.text).not.toContain(r.secret);
    // Not even a fragment: what follows an inner '@', ':', '/' or '#' of a password is the secret too.
    const left = out.text.replace(MARKER, "");
    for (const part of fragments(r.secret, r.text)) expect(left).not.toContain(part);
    expect(out.hits.map((h) => h.kind)).toContain(r.kind);
    // The words around the secret survive, and each hit points at its marker.
    const context = r.text.split("{{secret}}")[0]!.split(/\s+/)[0]!;
    if (!context.startsWith("-----")) expect(out.text.startsWith(context.slice(0, 8))).toBe(true);
    for (const h of out.hits) expect(out.text.slice(h.offset)).toMatch(new RegExp(`^\\[REDACTED:${h.kind}\\]`));
  });

  it.each(corpus.keep.map((k) => [k.why, k.text] as const))("keeps %s", (_why, text) => {
    expect(redact(text)).toEqual({ text, hits: [] });
  });

  it("redacts several secrets in one text and says what they were, never what they held", () => {
    const out = redact("key AKIAIOSFODNN7EXAMPLE and password=hunter2hunter2 and again AKIAIOSFODNN7EXAMPLE");
    expect(out.text).toBe("key [REDACTED:aws-access-key] and password=[REDACTED:password] and again [REDACTED:aws-access-key]");
    expect(out.hits.map((h) => h.kind)).toEqual(["aws-access-key", "password", "aws-access-key"]);
    expect(describeHits(out.hits)).toBe("3 secrets (an AWS access key, a password)");
  });

  it("is idempotent and leaves markers typed by people alone", () => {
    const once = redact("postgres://u:p4ss@db/x [REDACTED:jwt] ghp_JcHRaZAEEzgcxhDK40L9NhpTBAKyd2GkdlNt");
    expect(redact(once.text)).toEqual({ text: once.text, hits: [] });
    expect(once.hits).toHaveLength(2);
  });
});
