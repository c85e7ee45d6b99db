// Work after the ack waits for one of a few slots. Under a burst, the web process then keeps reading
// and acknowledging new requests (cheap) instead of starving them behind hundreds of half-done
// walk-throughs; Slack only needs the ack within 3 s, the DM may follow a moment later.
export class AfterAckGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly slots: number) {}

  private acquire(): Promise<void> {
    if (this.active < this.slots) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  /** Wraps a Bolt listener: its `ack` goes out at once, then the rest waits for a slot. */
  wrap<A extends { ack?: (...r: never[]) => Promise<void> }>(listener: (args: A) => Promise<void>): (args: A) => Promise<void> {
    return async (args: A) => {
      const ack = args.ack;
      if (!ack) return listener(args);
      let held = false;
      const gatedAck = (async (...r: never[]) => {
        await ack(...r);
        if (!held) {
          held = true;
          await this.acquire();
        }
      }) as A["ack"];
      try {
        await listener({ ...args, ack: gatedAck });
      } finally {
        if (held) this.release();
      }
    };
  }
}
