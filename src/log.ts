// Structured JSON logs (pino). Secrets never reach a log line: known credential fields are redacted.
import { pino } from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string = process.env.LOG_LEVEL ?? "info", destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "ai-incident-triage" },
      redact: {
        paths: ["token", "*.token", "password", "*.password", "secret", "*.secret", "authorization", "*.authorization", "headers.authorization", "req.headers.authorization"],
        censor: "[redacted]",
      },
    },
    destination ?? pino.destination(2),
  );
}

/** For tests and one-shot commands: drops everything. */
export const silentLogger: Logger = pino({ level: "silent" });
