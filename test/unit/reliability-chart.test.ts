// The reliability diagram is a valid PNG of the documented size, whatever the bins.
import { describe, expect, it } from "vitest";
import { reliabilityChartPng } from "../../src/charts/reliability.js";

describe("reliability chart", () => {
  it("draws a PNG for some bins and for none", () => {
    for (const bins of [[], [{ from: 0, to: 0.1, n: 10, predicted: 0.05, observed: 0.1 }, { from: 0.9, to: 1, n: 3, predicted: 0.95, observed: 1 }]]) {
      const png = reliabilityChartPng(bins, "test");
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.readUInt32BE(16)).toBe(420);
      expect(png.readUInt32BE(20)).toBe(420);
    }
  });
});
