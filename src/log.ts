// Structured JSON logs (pino). Secrets never reach a log line: known credential fields are censored,
// and every string logged (the message, and string values of the logged object, also what Bolt and
// the Web API client log at debug, which includes raw event bodies with what people typed) passes
// through the same redaction as stored text. A description field is never logged at all.
import { pino } from "pino";
import { redact } from "./domain/redact.js";

export type Logger = pino.Logger;

export function createLogger(level: string = process.env.LOG_LEVEL ?? "info", destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "ai-incident-triage" },
      redact: {
        paths: [
          ...["token", "password", "secret", "authorization", "description"].flatMap((k) => [k, `*.${k}`]),
          "headers.authorization",
          "req.headers.authorization",
        ],
        censor: "[redacted]",
      },
      // Errors are objects with their stack in a field (one JSON line), the message and stack redacted like any text.
      serializers: { err: (e: unknown) => scrub(e instanceof Error ? { ...pino.stdSerializers.err(e) } : e, 0) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrub(a, 0)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination(2),
  );
}

/** Strings redacted; arrays and plain objects walked a few levels deep; anything else (errors: see the err serializer) as is. */
function scrub(value: unknown, depth: number): unknown {
  if (typeof value === "string") return value.length > 8 ? redact(value).text : value;
  if (depth >= 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

/** For tests and one-shot commands: drops everything. */
export const silentLogger: Logger = pino({ level: "silent" });
