// Posts tickets to console "channels": lines on an output stream, in the embedded mode.
import type { Digest } from "../../src/digest/post.js";
import type { Notifier, Outbound } from "../../src/tickets/notifier.js";
import { renderOutbound } from "./render.js";

export class ConsoleNotifier implements Notifier {
  readonly platforms = ["console"] as const;
  constructor(private readonly out: NodeJS.WritableStream) {}
  async send(m: Outbound): Promise<void> {
    this.out.write(`${renderOutbound(m)}\n`);
  }
  async postDigest(d: Digest): Promise<void> {
    this.out.write(`[${d.to.address}] ${d.text}\n`);
  }
}
