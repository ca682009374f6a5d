/** Arithmetic mean; `null` for an empty list. */
export function computeMean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample variance (n − 1 denominator); `null` with fewer than two values. */
export function computeVariance(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = computeMean(values)!;
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return sum / (values.length - 1);
}

/**
 * Standard error of the mean from the central limit theorem, sqrt(s² / n); `null` with fewer than two values.
 * (Miller, "Adding Error Bars to Evals", 2024, eq. 1.)
 */
export function computeStdErr(values: readonly number[]): number | null {
  const variance = computeVariance(values);
  return variance === null ? null : Math.sqrt(variance / values.length);
}

/**
 * Cluster-robust standard error of the mean, for cases that are not independent (several questions about one
 * document, codes of one chapter): sqrt(Σ_c (Σ_{i∈c} (x_i − x̄))²) / n, with the small-sample factor
 * C/(C − 1) (Miller 2024, eq. 4). Falls back to the plain standard error when every case is its own cluster;
 * `null` with fewer than two clusters.
 */
export function computeClusteredStdErr(
  values: readonly number[],
  clusters: readonly string[],
): number | null {
  if (values.length !== clusters.length) throw new RangeError("values and clusters differ in length");
  const n = values.length;
  if (n < 2) return null;
  const mean = computeMean(values)!;
  const sums = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = clusters[i]!;
    sums.set(key, (sums.get(key) ?? 0) + (values[i]! - mean));
  }
  const c = sums.size;
  if (c < 2) return null;
  if (c === n) return computeStdErr(values);
  let total = 0;
  for (const s of sums.values()) total += s * s;
  return Math.sqrt((total * c) / (c - 1)) / n;
}

/** Quantile by linear interpolation between closest ranks (q in [0, 1]); `null` for an empty list. */
export function computeQuantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const weight = position - lower;
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}
