import { describe, expect, it } from "vitest";
import { computeExtraCasesNeeded, computeMinDetectableDrop, computePairedDifference } from "./paired.ts";

describe("computePairedDifference", () => {
  it("has no interval or p-value with a single pair", () => {
    const d = computePairedDifference([1], [0], { confidence: 0.95 });
    expect(d).toMatchObject({
      n: 1,
      meanDiff: -1,
      stdErr: null,
      ciLow: null,
      pValue: null,
      minDetectableDrop: null,
    });
  });

  it("treats identical differences as certain: p 0 for a shift, 1 for none", () => {
    const shift = computePairedDifference([0.8, 0.6, 0.9], [0.7, 0.5, 0.8], { confidence: 0.95 });
    expect(shift.stdErr).toBeCloseTo(0, 12);
    expect(shift.pValueDrop!).toBeLessThan(1e-6);
    const none = computePairedDifference([1, 0, 1], [1, 0, 1], { confidence: 0.95 });
    expect([none.pValue, none.pValueDrop, none.ciLow, none.ciHigh]).toEqual([1, 0.5, 0, 0]);
  });

  it("falls back to the plain standard error when all pairs share one cluster", () => {
    const d = computePairedDifference([1, 1, 1, 1], [1, 0, 1, 0], {
      confidence: 0.95,
      clusters: ["a", "a", "a", "a"],
    });
    expect(d.clustered).toBe(false);
    expect(d.df).toBe(3);
    expect(d.stdErr).toBeCloseTo(Math.sqrt(1 / 3 / 4), 12);
  });

  it("rejects scores of different lengths", () => {
    expect(() => computePairedDifference([1, 0], [1], { confidence: 0.95 })).toThrow(RangeError);
  });

  it("uses one-sided quantiles for the minimum detectable drop", () => {
    // (t_{0.95, 99} + t_{0.8, 99}) × 0.01, SciPy: 1.6603911560169906 + 0.8452670319534972.
    expect(computeMinDetectableDrop({ n: 100, stdErr: 0.01, df: 99, confidence: 0.95 })).toBeCloseTo(
      (1.6603911560169906 + 0.8452670319534972) * 0.01,
      10,
    );
  });
});

describe("computeExtraCasesNeeded", () => {
  it("scales the variance part as 1/√n and never asks for fewer than the resolution needs", () => {
    // MDE from variance: (t95 + t80) × 0.02 ≈ 0.0501 at n = 100 → 100 × (0.0501 / 0.02)² ≈ 628 in all.
    const extra = computeExtraCasesNeeded({ n: 100, stdErr: 0.02, df: 99 }, 0.02, 0.95);
    const mde = (1.6603911560169906 + 0.8452670319534972) * 0.02;
    expect(extra).toBe(Math.ceil(100 * (mde / 0.02) ** 2) - 100);
    // No variance to scale (one pair): ln 0.2 / ln 0.98 → 80 cases.
    expect(computeExtraCasesNeeded({ n: 1, stdErr: null, df: null }, 0.02, 0.95)).toBe(79);
    expect(computeExtraCasesNeeded({ n: 0, stdErr: null, df: null }, 0.02, 0.95)).toBe(80);
  });
});
