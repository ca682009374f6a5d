import type { CandidateResult } from "../result/schema.ts";
import { computePairedDifference } from "../stats/paired.ts";
import type { CandidateGain } from "./schema.ts";

/** A paired difference with the one-sided p-value of a drop, for judging it. */
export interface CandidateGainTest extends CandidateGain {
  /** One-sided p-value against H1: `other` scores lower than `reference`; null with fewer than two pairs. */
  pValueDrop: number | null;
}

/**
 * `other` − `reference` on the cases both scored in the same run (matched by id): the mean of per-case
 * differences with its two-sided interval at `confidence` (Student's t; cluster-robust when every pair carries
 * `cluster`). Undefined when no case was scored by both.
 */
export function computeCandidateGain(
  reference: CandidateResult,
  other: CandidateResult,
  confidence: number,
): CandidateGainTest | undefined {
  const referenceById = new Map(reference.cases.map((c) => [c.id, c] as const));
  const referenceScores: number[] = [];
  const otherScores: number[] = [];
  const clusters: string[] = [];
  let everyClustered = true;
  for (const c of other.cases) {
    const r = referenceById.get(c.id);
    if (!r || r.score === null || c.score === null) continue;
    referenceScores.push(r.score);
    otherScores.push(c.score);
    const cluster = c.cluster ?? r.cluster;
    if (cluster === undefined) everyClustered = false;
    else clusters.push(cluster);
  }
  if (referenceScores.length === 0) return undefined;
  const d = computePairedDifference(referenceScores, otherScores, {
    confidence,
    ...(everyClustered ? { clusters } : {}),
  });
  return {
    n: d.n,
    meanDiff: d.meanDiff,
    ciLow: d.ciLow,
    ciHigh: d.ciHigh,
    clustered: d.clustered,
    pValueDrop: d.pValueDrop,
  };
}
