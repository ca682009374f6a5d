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

/** What a candidate's summary reads of a case: nothing else of it is kept. */
export type SummarizedCase = Pick<CaseResult, "score" | "pass" | "cluster"> & {
  samples: ReadonlyArray<
    Pick<SampleResult, "status" | "cached" | "costUsd" | "judgeCostUsd" | "latencyMs" | "usage">
  >;
};

// Per case (`#caseFlags`).
const CASE_SCORED = 1;
const CASE_PASSED = 2;
const CASE_CLUSTERED = 4;
// Per sample (`#sampleFlags`).
const SAMPLE_PRESENT = 1;
const SAMPLE_OK = 2;
const SAMPLE_CACHED = 4;
const SAMPLE_COST_KNOWN = 8;
const SAMPLE_JUDGE_COST_KNOWN = 16;

/**
 * Folds a candidate's cases into its summary one case at a time, in any order, so a run need not keep its cases
 * to summarize them. It keeps a few numbers per case and per sample in typed arrays (about 13 bytes a case and
 * 41 a sample), indexed by the case's position: sums are taken in position order at the end, so the summary is
 * exactly `summarizeCandidate` over the cases in that order, to the last bit.
 */
export class CandidateSummaryBuilder {
  readonly #samplesPerCase: number;
  readonly #caseFlags: Uint8Array;
  readonly #scores: Float64Array;
  readonly #clusters: Int32Array;
  readonly #clusterNames: string[] = [];
  readonly #clusterIndex = new Map<string, number>();
  readonly #sampleFlags: Uint8Array;
  readonly #costs: Float64Array;
  readonly #judgeCosts: Float64Array;
  readonly #latencies: Float64Array;
  readonly #inputTokens: Float64Array;
  readonly #outputTokens: Float64Array;

  /** Room for `caseCount` cases (positions 0 to caseCount − 1) of at most `samplesPerCase` samples each. */
  constructor(caseCount: number, samplesPerCase: number) {
    this.#samplesPerCase = samplesPerCase;
    this.#caseFlags = new Uint8Array(caseCount);
    this.#scores = new Float64Array(caseCount);
    this.#clusters = new Int32Array(caseCount);
    const slots = caseCount * samplesPerCase;
    this.#sampleFlags = new Uint8Array(slots);
    this.#costs = new Float64Array(slots);
    this.#judgeCosts = new Float64Array(slots);
    this.#latencies = new Float64Array(slots);
    this.#inputTokens = new Float64Array(slots);
    this.#outputTokens = new Float64Array(slots);
  }

  /** Fold in the case at `position` (its samples in their order); adding a position again replaces it. */
  add(position: number, c: SummarizedCase): void {
    if (!Number.isInteger(position) || position < 0 || position >= this.#caseFlags.length) {
      throw new RangeError(`case position ${position} is outside 0..${this.#caseFlags.length - 1}`);
    }
    if (c.samples.length > this.#samplesPerCase) {
      throw new RangeError(
        `a case with ${c.samples.length} samples where at most ${this.#samplesPerCase} were planned`,
      );
    }
    let flags = 0;
    if (c.score !== null) {
      flags |= CASE_SCORED;
      this.#scores[position] = c.score;
    }
    if (c.pass) flags |= CASE_PASSED;
    if (c.cluster !== undefined) {
      flags |= CASE_CLUSTERED;
      this.#clusters[position] = this.#clusterId(c.cluster);
    }
    this.#caseFlags[position] = flags;
    const first = position * this.#samplesPerCase;
    for (let i = 0; i < this.#samplesPerCase; i++) {
      const s = c.samples[i];
      const slot = first + i;
      if (s === undefined) {
        this.#sampleFlags[slot] = 0;
        continue;
      }
      let sampleFlags = SAMPLE_PRESENT;
      if (s.status === "ok") sampleFlags |= SAMPLE_OK;
      if (s.cached) sampleFlags |= SAMPLE_CACHED;
      if (s.costUsd !== null) sampleFlags |= SAMPLE_COST_KNOWN;
      if (s.judgeCostUsd !== null) sampleFlags |= SAMPLE_JUDGE_COST_KNOWN;
      this.#sampleFlags[slot] = sampleFlags;
      this.#costs[slot] = s.costUsd ?? 0;
      this.#judgeCosts[slot] = s.judgeCostUsd ?? 0;
      this.#latencies[slot] = s.latencyMs;
      this.#inputTokens[slot] = s.usage?.inputTokens ?? 0;
      this.#outputTokens[slot] = s.usage?.outputTokens ?? 0;
    }
  }

  /**
   * The summary of the candidate's cases: every position counts as a case, and one never added as a case with no
   * sample (unscored, not passed). Mean score with its standard error (clustered when every scored case has a
   * `cluster`), pass rate, cost per call (null when any price is unknown), latency percentiles, errors.
   */
  summarize(): CandidateSummary {
    const values: number[] = [];
    const clusters: string[] = [];
    const cases = this.#caseFlags.length;
    let passed = 0;
    let clustered = true;
    for (let position = 0; position < cases; position++) {
      const flags = this.#caseFlags[position]!;
      if (flags & CASE_PASSED) passed++;
      if (!(flags & CASE_SCORED)) continue;
      values.push(this.#scores[position]!);
      if (flags & CASE_CLUSTERED) clusters.push(this.#clusterNames[this.#clusters[position]!]!);
      else clustered = false;
    }
    clustered &&= values.length > 0;

    let calls = 0;
    let answered = 0;
    let costKnown = true;
    let callCost = 0;
    let judgeKnown = true;
    let judgeCost = 0;
    let inputTokens = 0;
    let outputTokens = 0;
    const latencies: number[] = [];
    for (let slot = 0; slot < this.#sampleFlags.length; slot++) {
      const flags = this.#sampleFlags[slot]!;
      if (!(flags & SAMPLE_PRESENT)) continue;
      calls++;
      if (!(flags & SAMPLE_JUDGE_COST_KNOWN)) judgeKnown = false;
      judgeCost += this.#judgeCosts[slot]!;
      if (!(flags & SAMPLE_OK)) continue;
      answered++;
      if (!(flags & SAMPLE_COST_KNOWN)) costKnown = false;
      callCost += this.#costs[slot]!;
      inputTokens += this.#inputTokens[slot]!;
      outputTokens += this.#outputTokens[slot]!;
      if (!(flags & SAMPLE_CACHED)) latencies.push(this.#latencies[slot]!);
    }
    const errors = calls - answered;
    const costPerCall = costKnown && answered > 0 ? callCost / answered : null;
    return {
      cases,
      scored: values.length,
      calls,
      errors,
      errorRate: calls === 0 ? null : errors / calls,
      meanScore: computeMean(values),
      stdErr: clustered ? computeClusteredStdErr(values, clusters) : computeStdErr(values),
      clustered,
      passRate: cases === 0 ? null : passed / cases,
      costPerCallUsd: costPerCall,
      costPer1kUsd: costPerCall === null ? null : costPerCall * 1000,
      costKnown,
      judgeCostUsd: judgeKnown ? judgeCost : null,
      latencyP50Ms: computeQuantile(latencies, 0.5),
      latencyP95Ms: computeQuantile(latencies, 0.95),
      inputTokens,
      outputTokens,
    };
  }

  #clusterId(name: string): number {
    let id = this.#clusterIndex.get(name);
    if (id === undefined) {
      id = this.#clusterNames.length;
      this.#clusterNames.push(name);
      this.#clusterIndex.set(name, id);
    }
    return id;
  }
}

/**
 * Aggregate a candidate's cases: mean score with its standard error (clustered when every scored case has a
 * `cluster`), pass rate, cost per call (null when any price is unknown), latency percentiles, errors.
 */
export function summarizeCandidate(cases: readonly SummarizedCase[]): CandidateSummary {
  const builder = new CandidateSummaryBuilder(
    cases.length,
    cases.reduce((most, c) => Math.max(most, c.samples.length), 0),
  );
  // forEach skips the holes of a sparse list, which count as cases without samples, as they always have.
  cases.forEach((c, position) => {
    builder.add(position, c);
  });
  return builder.summarize();
}
