// Time is injected so escalations, expiry and summaries can be tested without sleeping.
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t: number = Date.parse("2026-11-24T09:00:00Z")) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
  set(d: Date | string) {
    this.t = new Date(d).getTime();
  }
}
