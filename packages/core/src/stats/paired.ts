import { computeClusteredStdErr, computeMean, computeStdErr } from "./describe.ts";
import { computeStudentTQuantile, computeStudentTTail } from "./distributions.ts";

/** Power the minimum detectable drop is computed for: the usual 80% (Miller 2024, §power analysis). */
export const DEFAULT_POWER = 0.8;

/** Options of a paired comparison. */
export interface PairedDifferenceOptions {
  /** Level of the two-sided confidence interval, and 1 − α of the one-sided test for a drop. */
  confidence: number;
  /** Power of the minimum detectable drop (default 0.8). */
  power?: number;
  /**
   * The cluster of each pair (same order as the scores), when every case carries one: the standard error is
   * then cluster-robust and the degrees of freedom are the number of clusters − 1.
   */
  clusters?: readonly string[];
}

/** Base vs head on the cases both ran: the mean of per-case differences (head − base) and its uncertainty. */
export interface PairedDifference {
  /** Number of pairs. */
  n: number;
  meanBase: number;
  meanHead: number;
  /** Mean of the per-case differences head − base (negative: head scores lower). */
  meanDiff: number;
  /** Standard error of `meanDiff`; null with fewer than two pairs (or two clusters). */
  stdErr: number | null;
  /** Degrees of freedom of the t distribution: pairs − 1, or clusters − 1 when clustered. */
  df: number | null;
  clustered: boolean;
  /** Number of distinct clusters, when clustered. */
  clusters: number | null;
  /** Two-sided confidence interval of `meanDiff` at `confidence` (Student's t). */
  ciLow: number | null;
  ciHigh: number | null;
  /** Two-sided p-value of the paired t-test (H0: no difference). */
  pValue: number | null;
  /** One-sided p-value of the paired t-test against H1: head scores lower than base (the quality gate's test). */
  pValueDrop: number | null;
  /** Smallest true drop this comparison detects with the given power (see computeMinDetectableDrop). */
  minDetectableDrop: number | null;
}

/**
 * Compare paired scores: the mean of per-case differences, its standard error (central limit theorem;
 * cluster-robust when clusters are given, Miller 2024 eq. 4), a two-sided Student-t confidence interval, the
 * two-sided p-value and the one-sided p-value for a drop, and the minimum detectable drop. When every difference
 * is the same the standard error is 0: the interval is the point itself and the p-values are 0 or 1.
 */
export function computePairedDifference(
  base: readonly number[],
  head: readonly number[],
  options: PairedDifferenceOptions,
): PairedDifference {
  if (base.length !== head.length) throw new RangeError("base and head scores differ in length");
  if (options.clusters && options.clusters.length !== base.length)
    throw new RangeError("clusters and scores differ in length");
  const n = base.length;
  const power = options.power ?? DEFAULT_POWER;
  const diffs = head.map((h, i) => h - base[i]!);
  const meanDiff = computeMean(diffs) ?? 0;
  const clusterCount = options.clusters ? new Set(options.clusters).size : 0;
  const clustered = options.clusters !== undefined && clusterCount >= 2;
  const stdErr = clustered ? computeClusteredStdErr(diffs, options.clusters!) : computeStdErr(diffs);
  const df = stdErr === null ? null : clustered ? clusterCount - 1 : n - 1;
  const result: PairedDifference = {
    n,
    meanBase: computeMean(base) ?? 0,
    meanHead: computeMean(head) ?? 0,
    meanDiff,
    stdErr,
    df,
    clustered,
    clusters: clustered ? clusterCount : null,
    ciLow: null,
    ciHigh: null,
    pValue: null,
    pValueDrop: null,
    minDetectableDrop: null,
  };
  if (stdErr === null || df === null) return result;
  const alpha = 1 - options.confidence;
  const half = computeStudentTQuantile(1 - alpha / 2, df) * stdErr;
  result.ciLow = meanDiff - half;
  result.ciHigh = meanDiff + half;
  if (stdErr === 0) {
    result.pValue = meanDiff === 0 ? 1 : 0;
    result.pValueDrop = meanDiff < 0 ? 0 : meanDiff > 0 ? 1 : 0.5;
  } else {
    const t = meanDiff / stdErr;
    result.pValue = Math.min(1, 2 * computeStudentTTail(Math.abs(t), df));
    result.pValueDrop = computeStudentTTail(-t, df);
  }
  result.minDetectableDrop = computeMinDetectableDrop({
    n,
    stdErr,
    df,
    confidence: options.confidence,
    power,
  });
  return result;
}

/** What the minimum detectable drop depends on. */
export interface DetectableDropInput {
  n: number;
  stdErr: number;
  df: number;
  confidence: number;
  power?: number;
}

/**
 * The smallest true drop the one-sided test at α = 1 − confidence detects with the given power:
 *
 *   MDE = (t_{1−α, df} + t_{power, df}) × SE
 *
 * the power-analysis formula of Miller, "Adding Error Bars to Evals" (2024, §power analysis: (z_{α/2} + z_β)
 * × SE for a two-sided test), with the one-sided α our gate tests and Student's t for small samples; SE is the
 * standard error of the paired difference observed on this suite, so the figure reflects its size and variance.
 *
 * It is never below the suite's resolution 1 − (1 − power)^{1/n}: a true drop of d that hits each case with
 * probability d leaves all n cases unchanged with probability (1 − d)^n, so a suite where nothing changed
 * cannot rule out smaller drops (the "rule of three" argument, Hanley & Lippman-Hand 1983, at 80% power
 * instead of 95% confidence). Without it, a small suite of deterministic answers would claim to detect any drop.
 */
export function computeMinDetectableDrop(input: DetectableDropInput): number {
  const power = input.power ?? DEFAULT_POWER;
  return Math.max(computeVarianceDetectableDrop(input), computeResolutionDrop(input.n, power));
}

function computeVarianceDetectableDrop(input: DetectableDropInput): number {
  const power = input.power ?? DEFAULT_POWER;
  const alpha = 1 - input.confidence;
  return (
    (computeStudentTQuantile(1 - alpha, input.df) + computeStudentTQuantile(power, input.df)) * input.stdErr
  );
}

function computeResolutionDrop(n: number, power: number): number {
  return n < 1 ? 1 : 1 - (1 - power) ** (1 / n);
}

/**
 * How many more cases (like the ones the suite has) would bring its minimum detectable drop down to
 * `maxScoreDrop`; 0 when it is there already. The standard error shrinks as 1/√n, so the variance part needs
 * n × (MDE / maxScoreDrop)² cases in all; the resolution part needs ln(1 − power) / ln(1 − maxScoreDrop). The
 * t quantiles are held at their current degrees of freedom, which slightly overstates the need for tiny suites.
 * With fewer than two pairs there is no variance to scale: the resolution part (and at least two cases) decides.
 */
export function computeExtraCasesNeeded(
  paired: Pick<PairedDifference, "n" | "stdErr" | "df">,
  maxScoreDrop: number,
  confidence: number,
  power = DEFAULT_POWER,
): number {
  const { n } = paired;
  if (maxScoreDrop <= 0) return 0;
  const resolutionNeed = maxScoreDrop >= 1 ? 1 : Math.log(1 - power) / Math.log(1 - maxScoreDrop);
  let varianceNeed = 2;
  if (paired.stdErr !== null && paired.df !== null) {
    const mde = computeVarianceDetectableDrop({ n, stdErr: paired.stdErr, df: paired.df, confidence, power });
    varianceNeed = Math.max(2, n * (mde / maxScoreDrop) ** 2);
  }
  // Guard against floating-point noise turning an exact whole number into the next one.
  const needed = Math.ceil(Math.max(resolutionNeed, varianceNeed) - 1e-9);
  return Math.max(0, needed - n);
}
