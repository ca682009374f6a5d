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

/** What a paired comparison's size is, for computeExtraSampleNeeded. */
export type SampleSize = Pick<PairedDifference, "n" | "stdErr" | "df"> & {
  /** Number of clusters, when the standard error is cluster-robust (computePairedDifference's `clusters`). */
  clusters?: number | null;
};

/** How much more a suite needs: cases, and for a clustered suite the clusters they come in. */
export interface ExtraSampleNeeded {
  /** More cases (0 when the suite already detects the allowed drop). */
  cases: number;
  /** More clusters of the suite's average cluster size, when clustered; null otherwise. */
  clusters: number | null;
}

/** Slack for floating-point noise when comparing a detectable drop with the allowed one (as the gate does). */
const DRIFT = 1e-12;

/**
 * How many more cases (like the ones the suite has) would bring its minimum detectable drop (MDE, see
 * computeMinDetectableDrop) down to `maxScoreDrop`; 0 when it is there already.
 *
 * Independent cases (no clusters): the standard error shrinks as 1/√n, so the variance part needs
 * n × (MDE / maxScoreDrop)² cases in all; the resolution part needs ln(1 − power) / ln(1 − maxScoreDrop). The t
 * quantiles are held at the current n − 1 degrees of freedom, which slightly overstates the need for tiny suites.
 * With fewer than two pairs there is no variance to scale: the resolution part (and at least two cases) decides.
 *
 * Clustered cases (C ≥ 2 clusters, n cases, m = n / C on average): what a clustered suite lacks is clusters, so
 * the answer is a whole number of more clusters of m cases each. The cluster-robust SE estimates σ_T / (m √C),
 * with σ_T the spread of a cluster's total (Miller 2024, eq. 4, whose C/(C − 1) factor makes it unbiased), so
 * with C' clusters like these it is SE × √(C / C'), on C' − 1 degrees of freedom. The need is the smallest C' ≥ C
 * with (t_{1−α, C'−1} + t_{power, C'−1}) × SE × √(C / C') ≤ maxScoreDrop, and with C' × m ≥ ln(1 − power) /
 * ln(1 − maxScoreDrop) cases for the resolution part; the extra cases are (C' − C) × m, rounded up. The t
 * quantiles follow C': with few clusters they are far above their large-sample values, and holding them at
 * C − 1 degrees of freedom would overstate the need about 1.8-fold with 4 clusters and 9-fold with 2. For
 * confidence and power of at least 0.5 the variance part falls as C' grows, so the smallest C' is found by
 * doubling, then bisection.
 */
export function computeExtraSampleNeeded(
  paired: SampleSize,
  maxScoreDrop: number,
  confidence: number,
  power = DEFAULT_POWER,
): ExtraSampleNeeded {
  const { n } = paired;
  const clusters = paired.clusters ?? null;
  const clustered = clusters !== null && clusters >= 2 && paired.stdErr !== null && paired.df !== null;
  if (maxScoreDrop <= 0) return { cases: 0, clusters: clustered ? 0 : null };
  const resolutionNeed = maxScoreDrop >= 1 ? 1 : Math.log(1 - power) / Math.log(1 - maxScoreDrop);
  if (clustered) {
    const size = n / clusters;
    const stdErr = paired.stdErr!;
    const detectable = (count: number): number =>
      computeVarianceDetectableDrop({
        n: count * size,
        stdErr: stdErr * Math.sqrt(clusters / count),
        df: count - 1,
        confidence,
        power,
      });
    const varianceNeed = findSmallestCount(clusters, (count) => detectable(count) <= maxScoreDrop + DRIFT);
    const resolutionClusters = Math.ceil(resolutionNeed / size - 1e-9);
    const extraClusters = Math.max(0, varianceNeed - clusters, resolutionClusters - clusters);
    const cases = extraClusters === 0 ? 0 : Math.ceil(extraClusters * size - 1e-9);
    return { cases, clusters: extraClusters };
  }
  let varianceNeed = 2;
  if (paired.stdErr !== null && paired.df !== null) {
    const mde = computeVarianceDetectableDrop({ n, stdErr: paired.stdErr, df: paired.df, confidence, power });
    varianceNeed = Math.max(2, n * (mde / maxScoreDrop) ** 2);
  }
  // Guard against floating-point noise turning an exact whole number into the next one.
  const needed = Math.ceil(Math.max(resolutionNeed, varianceNeed) - 1e-9);
  return { cases: Math.max(0, needed - n), clusters: null };
}

/**
 * The number of more cases computeExtraSampleNeeded finds (for a clustered suite: the cases of the more
 * clusters it needs, rounded up).
 */
export function computeExtraCasesNeeded(
  paired: SampleSize,
  maxScoreDrop: number,
  confidence: number,
  power = DEFAULT_POWER,
): number {
  return computeExtraSampleNeeded(paired, maxScoreDrop, confidence, power).cases;
}

/** The largest count bisection searches: far beyond any eval suite, it bounds the search. */
const MAX_COUNT = 2 ** 40;

/**
 * The smallest whole count ≥ `from` for which `enough` holds, for a predicate that holds from some count on
 * (doubling finds an upper bound, bisection the edge); MAX_COUNT when none up to it does.
 */
function findSmallestCount(from: number, enough: (count: number) => boolean): number {
  if (enough(from)) return from;
  let low = from;
  let high = Math.max(from * 2, from + 1);
  while (!enough(high)) {
    if (high >= MAX_COUNT) return MAX_COUNT;
    low = high;
    high = Math.min(high * 2, MAX_COUNT);
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (enough(middle)) high = middle;
    else low = middle;
  }
  return high;
}
