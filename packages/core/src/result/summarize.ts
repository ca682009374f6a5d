import { computeClusteredStdErr, computeMean, computeQuantile, computeStdErr } from "../stats/describe.ts";
import type { CandidateSummary, CaseResult, SampleResult } from "./schema.ts";

/** Fold a case's samples into its score (sample mean), pass rate and status. */
export function summarizeCase(
  samples: SampleResult[],
): Pick<CaseResult, "score" | "passRate" | "pass" | "status"> {
  const scores = samples.flatMap((s) => (s.score === null ? [] : [s.score]));
  const passed = samples.filter((s) => s.pass).length;
  return {
    score: computeMean(scores),
    passRate: samples.length === 0 ? 0 : passed / samples.length,
    pass: samples.length > 0 && passed === samples.length,
    status: samples.length > 0 && samples.every((s) => s.status === "error") ? "error" : "ok",
  };
}

/**
 * Aggregate a candidate's cases: mean score with its standard error (clustered when every scored case has a
 * `cluster`), pass rate, cost per call (null when any price is unknown), latency percentiles, errors.
 */
export function summarizeCandidate(cases: CaseResult[]): CandidateSummary {
  const scored = cases.filter((c) => c.score !== null);
  const values = scored.map((c) => c.score!);
  const clustered = scored.length > 0 && scored.every((c) => c.cluster !== undefined);
  const samples = cases.flatMap((c) => c.samples);
  const answered = samples.filter((s) => s.status === "ok");
  const errors = samples.length - answered.length;
  const costKnown = answered.every((s) => s.costUsd !== null);
  const callCost = answered.reduce((sum, s) => sum + (s.costUsd ?? 0), 0);
  const judgeKnown = samples.every((s) => s.judgeCostUsd !== null);
  const judgeCost = samples.reduce((sum, s) => sum + (s.judgeCostUsd ?? 0), 0);
  const costPerCall = costKnown && answered.length > 0 ? callCost / answered.length : null;
  const latencies = answered.filter((s) => !s.cached).map((s) => s.latencyMs);
  return {
    cases: cases.length,
    scored: scored.length,
    calls: samples.length,
    errors,
    errorRate: samples.length === 0 ? null : errors / samples.length,
    meanScore: computeMean(values),
    stdErr: clustered
      ? computeClusteredStdErr(
          values,
          scored.map((c) => c.cluster!),
        )
      : computeStdErr(values),
    clustered,
    passRate: cases.length === 0 ? null : cases.filter((c) => c.pass).length / cases.length,
    costPerCallUsd: costPerCall,
    costPer1kUsd: costPerCall === null ? null : costPerCall * 1000,
    costKnown,
    judgeCostUsd: judgeKnown ? judgeCost : null,
    latencyP50Ms: computeQuantile(latencies, 0.5),
    latencyP95Ms: computeQuantile(latencies, 0.95),
    inputTokens: answered.reduce((sum, s) => sum + (s.usage?.inputTokens ?? 0), 0),
    outputTokens: answered.reduce((sum, s) => sum + (s.usage?.outputTokens ?? 0), 0),
  };
}
