import { describe, expect, it } from "vitest";
import {
  computeLogGamma,
  computeNormalCdf,
  computeNormalQuantile,
  computeRegularizedBeta,
  computeStudentTCdf,
  computeStudentTQuantile,
  computeStudentTTail,
} from "./distributions.ts";

/** Relative closeness, for values spanning many orders of magnitude. */
function expectRelative(actual: number, expected: number, tolerance: number): void {
  if (expected === 0) expect(Math.abs(actual)).toBeLessThan(tolerance);
  else expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(tolerance);
}

// Reference values from SciPy 1.17 (scipy.stats.norm / scipy.stats.t / scipy.special), printed with repr().
describe("normal distribution", () => {
  it.each([
    [-8, 6.22096057427174e-16],
    [-3, 0.0013498980316300933],
    [-1.5, 0.06680720126885807],
    [0, 0.5],
    [0.3, 0.6179114221889526],
    [1.959963984540054, 0.975],
    [5, 0.9999997133484281],
  ])("Φ(%d) = %d", (z, expected) => {
    expectRelative(computeNormalCdf(z), expected, 1e-13);
  });

  it.each([
    [1e-10, -6.361340902404056],
    [0.001, -3.090232306167813],
    [0.02, -2.053748910631823],
    [0.2, -0.8416212335729142],
    [0.5, 0],
    [0.8, 0.8416212335729143],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.999999, 4.753424308817087],
  ])("Φ⁻¹(%d) = %d", (p, expected) => {
    expectRelative(computeNormalQuantile(p), expected, 1e-12);
  });
});

describe("Student's t distribution", () => {
  it.each([
    [2, 4, 0.05805826175840778],
    [1, 1, 0.25],
    [0.5, 3, 0.3257239824240755],
    [3.2, 9, 0.005415651294950661],
    [-1, 7, 0.8246916685898963],
    [10, 2, 0.004926228511662845],
    [2.5, 199, 0.006613629983253852],
    [40, 30, 6.863022597203209e-28],
    [1.7, 1000, 0.04472094347962005],
  ])("P(T > %d | df %d) = %d", (t, df, expected) => {
    expectRelative(computeStudentTTail(t, df), expected, 1e-10);
  });

  it("matches the closed forms for 1 and 2 degrees of freedom", () => {
    for (const t of [-20, -3, -0.7, 0, 0.4, 1.3, 6]) {
      expectRelative(computeStudentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13);
      expectRelative(computeStudentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13);
    }
  });

  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 4, 2.7764451051977934],
    [0.95, 4, 2.1318467863266495],
    [0.8, 4, 0.9409645772351816],
    [0.975, 9, 2.262157162798205],
    [0.95, 199, 1.6525467461665633],
    [0.8, 199, 0.8434311999372966],
    [0.999, 3, 10.214531852407383],
    [0.6, 10, 0.2601848294920803],
    [0.9999999, 5, 39.341819621052615],
    [0.975, 1e6, 1.959966356814107],
    [0.95, 2.5, 2.5582186141359355],
  ])("t quantile %d with df %d = %d", (p, df, expected) => {
    expectRelative(computeStudentTQuantile(p, df), expected, 1e-10);
    expectRelative(computeStudentTQuantile(1 - p, df), -expected, 1e-9);
  });

  it("tends to the normal as df grows", () => {
    expect(computeStudentTQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(1.959963984540054, 13);
    expect(computeStudentTTail(1.959963984540054, Number.POSITIVE_INFINITY)).toBeCloseTo(0.025, 14);
  });

  it("rejects arguments outside the domain", () => {
    expect(() => computeStudentTQuantile(1.2, 3)).toThrow(RangeError);
    expect(() => computeStudentTTail(1, 0)).toThrow(RangeError);
    expect(() => computeNormalQuantile(-0.1)).toThrow(RangeError);
  });
});

describe("special functions", () => {
  it.each([
    [0.1, 2.252712651734206],
    [0.5, 0.5723649429247],
    [3.5, 1.2009736023470743],
    [100, 359.1342053695754],
  ])("ln Γ(%d) = %d", (x, expected) => {
    expectRelative(computeLogGamma(x), expected, 1e-13);
  });

  it.each([
    [0.3, 2, 0.5, 0.03784096948581308],
    [0.9, 5, 3, 0.9743085],
    [0.01, 100, 0.5, 5.66295207564007e-202],
  ])("I_%d(%d, %d) = %d", (x, a, b, expected) => {
    expectRelative(computeRegularizedBeta(x, a, b), expected, 1e-12);
  });
});
