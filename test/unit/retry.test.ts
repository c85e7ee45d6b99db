import { describe, expect, it } from "vitest";
import { retryDelay } from "../../src/tickets/jobs.js";
import { DeliveryError } from "../../src/tickets/notifier.js";
import { parseRetryAfter } from "../../src/tickets/webhook-notifier.js";

describe("retry policy", () => {
  it("backs off exponentially from 1 s, capped at 5 minutes", () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, new Error("x")))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(30, new Error("x"))).toBe(300_000);
  });
  it("honours the platform's Retry-After", () => {
    expect(retryDelay(1, new DeliveryError("429", 7000))).toBe(7000);
    expect(retryDelay(5, new DeliveryError("429", 0))).toBe(0);
  });
  it("reads Retry-After as seconds or an HTTP date, and ignores its absence", () => {
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter("", 0)).toBeUndefined();
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:10 GMT", Date.parse("Wed, 21 Oct 2026 07:28:00 GMT"))).toBe(10_000);
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });
});
