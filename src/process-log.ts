// Server processes (web, worker) write JSON lines only. Libraries do not all agree: botbuilder
// console.error()s a refused Teams request with its stack, BullMQ console.warn()s about Redis settings,
// and an uncaught error prints Node's multi-line trace. Here those go through pino instead, so a log
// pipeline can parse every line. Not for the console bot or one-shot commands, which talk to a person.
import { format } from "node:util";
import type { Logger } from "./log.js";

export function jsonLinesOnly(log: Logger): void {
  const lib = log.child({ source: "console" });
  const via = (level: "info" | "warn" | "error") => (...args: unknown[]) => {
    const err = args.find((a): a is Error => a instanceof Error);
    const text = args.filter((a) => a !== err).map((a) => (typeof a === "string" ? a : format("%o", a))).join(" ");
    if (err) lib[level]({ err }, text || err.message);
    else lib[level](text);
  };
  console.log = via("info");
  console.info = via("info");
  console.warn = via("warn");
  console.error = via("error");
  process.on("uncaughtException", (err) => {
    log.fatal({ err }, "uncaught exception");
    process.exit(1);
  });
  process.on("unhandledRejection", (reason) => {
    log.fatal({ err: reason instanceof Error ? reason : new Error(String(reason)) }, "unhandled rejection");
    process.exit(1);
  });
}
