// Diagnostic preload for the web process (`--import ./bench/lib/http-probe.ts`): records, for every
// HTTP request, when node's server emitted it and when its response finished, on the monotonic clock,
// so a slow ack can be split into "before our handler saw it" and "inside the handler". IPC:
// {type: "http"} -> {requests: [[receivedNs, finishedNs], ...]}.
import { Server } from "node:http";

const requests: Array<[string, string]> = [];
const emit = Server.prototype.emit;
Server.prototype.emit = function (this: Server, event: string, ...args: unknown[]) {
  if (event === "request") {
    const received = process.hrtime.bigint();
    const res = args[1] as { once(e: string, f: () => void): void };
    res.once("finish", () => requests.push([received.toString(), process.hrtime.bigint().toString()]));
  }
  return (emit as (this: Server, ...a: unknown[]) => boolean).apply(this, [event, ...args]);
} as typeof Server.prototype.emit;

process.on("message", (m: { id?: number; type?: string }) => {
  if (m?.type === "http" && typeof m.id === "number") process.send?.({ id: m.id, requests: requests.splice(0) });
});
