import { describe, expect, it } from "vitest";
import {
  computeExtraCasesNeeded,
  computeExtraSampleNeeded,
  computeMinDetectableDrop,
  computePairedDifference,
} from "./paired.ts";

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

describe("computeExtraSampleNeeded for clustered suites: more clusters of the average size", () => {
  // Golden values from an independent brute-force search in Python (SciPy 1.17): the smallest C' with
  // (t.ppf(0.95, C'−1) + t.ppf(0.8, C'−1)) × SE × √(C / C') ≤ maxScoreDrop and C' × m ≥ ln 0.2 / ln(1 − drop).
  it("needs 61 more clusters of 3 (183 cases) for 12 cases in 4 clusters, SE 0.08, drop 0.05", () => {
    const size = { n: 12, stdErr: 0.08, df: 3, clusters: 4 };
    expect(computeExtraSampleNeeded(size, 0.05, 0.95)).toEqual({ cases: 183, clusters: 61 });
    expect(computeExtraCasesNeeded(size, 0.05, 0.95)).toBe(183);
    // The edge, by hand from SciPy's quantiles, (t95 + t80) × 0.08 × √(4 / C'): at C' = 65 (df 64)
    // (1.6690130250240895 + 0.8472736087250392) × 0.08 × √(4/65) = 0.04994, just below 5 points; at C' = 64
    // (1.6694022217068127 + 0.8473639122756461) × 0.08 × √(4/64) = 0.05034, above.
    // Holding t at df 3 and scaling the cases, as for independent cases, would ask for 330 more.
  });

  it("rounds up the cases of clusters of a fractional average size (10 cases in 4 clusters)", () => {
    // Same search as above (C' = 65), now of clusters of 2.5 cases: 61 × 2.5 = 152.5 → 153 cases.
    expect(computeExtraSampleNeeded({ n: 10, stdErr: 0.08, df: 3, clusters: 4 }, 0.05, 0.95)).toEqual({
      cases: 153,
      clusters: 61,
    });
  });

  it("asks for whole clusters for the resolution part too (51 cases in 17 clusters, nothing changed)", () => {
    // ln 0.2 / ln 0.98 = 79.66 cases = 26.55 clusters of 3 → 27 clusters: 10 more, 30 cases (not 80 − 51 = 29).
    expect(computeExtraSampleNeeded({ n: 51, stdErr: 0, df: 16, clusters: 17 }, 0.02, 0.95)).toEqual({
      cases: 30,
      clusters: 10,
    });
    expect(computeExtraSampleNeeded({ n: 51, stdErr: 0, df: 50 }, 0.02, 0.95)).toEqual({
      cases: 29,
      clusters: null,
    });
  });

  it("lands exactly where the gate's minimum detectable drop reaches the allowed drop", () => {
    for (const [n, clusters, stdErr, drop] of [
      [12, 4, 0.08, 0.05],
      [30, 3, 0.2, 0.1],
      [40, 8, 0.05, 0.02],
      [9, 2, 0.3, 0.05],
      [100, 25, 0.03, 0.02],
    ] as const) {
      const extra = computeExtraSampleNeeded({ n, stdErr, df: clusters - 1, clusters }, drop, 0.95);
      const mdeWith = (more: number) => {
        const count = clusters + more;
        return computeMinDetectableDrop({
          n: (n / clusters) * count,
          stdErr: stdErr * Math.sqrt(clusters / count),
          df: count - 1,
          confidence: 0.95,
        });
      };
      expect(extra.clusters).not.toBeNull();
      expect(mdeWith(extra.clusters!)).toBeLessThanOrEqual(drop + 1e-12);
      if (extra.clusters! > 0) expect(mdeWith(extra.clusters! - 1)).toBeGreaterThan(drop);
      expect(extra.cases).toBe(Math.ceil(extra.clusters! * (n / clusters) - 1e-9));
    }
  });

  it("needs nothing more when the suite already detects the allowed drop", () => {
    expect(computeExtraSampleNeeded({ n: 400, stdErr: 0.001, df: 39, clusters: 40 }, 0.05, 0.95)).toEqual({
      cases: 0,
      clusters: 0,
    });
  });
});
