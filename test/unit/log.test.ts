// Log lines never carry a secret: messages and string fields are redacted like stored text, and a
// description field is censored outright (Bolt logs whole event bodies at debug).
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";

function capture() {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger("debug", out), text: () => lines.join("") };
}

const DSN = "postgres://app:p@ss@word@db.internal:5432/x";

describe("logs", () => {
  it("redact secrets in the message, in nested fields and in what Bolt logs as a JSON string", () => {
    const { log, text } = capture();
    log.debug(JSON.stringify({ event: { type: "message", text: `it printed ${DSN}` } }));
    log.info({ err: `connect failed for redis://:R3dis-only-pass@cache.internal`, nested: { list: ["'password' => 'php-h@sh-pw1'"] } }, "oops");
    const out = text();
    for (const fragment of ["p@ss", "ss@word", "R3dis-only-pass", "php-h@sh-pw1"]) expect(out).not.toContain(fragment);
    expect(out).toContain("[REDACTED:url-password]@db.internal");
  });

  it("never log a description field, at any depth the censor knows", () => {
    const { log, text } = capture();
    log.info({ description: "the model leaked the roadmap", answers: { description: "the model leaked the roadmap" } }, "filed");
    expect(text()).not.toContain("roadmap");
  });
});
