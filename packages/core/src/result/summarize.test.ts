import { describe, expect, it } from "vitest";
import { computeClusteredStdErr, computeMean, computeQuantile, computeStdErr } from "../stats/describe.ts";
import type { CandidateSummary, CaseResult, SampleResult } from "./schema.ts";
import { CandidateSummaryBuilder, summarizeCandidate, summarizeCase } from "./summarize.ts";

/**
 * The summary as it was defined before the builder: every figure straight from the list of cases. The builder
 * keeps a few numbers per case instead of the cases and must agree with this to the last bit.
 */
function summarizeFromCases(cases: CaseResult[]): CandidateSummary {
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

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function createRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Mix {
  cases: number;
  repeat: number;
  /** Share of cases with a cluster (1: all, 0: none). */
  clustered: number;
  errors: number;
  cached: number;
  unknownCost: number;
  unknownJudgeCost: number;
  /** Share of cases that planned no call (no samples). */
  empty: number;
}

/** Cases with awkward floating-point costs, scores and latencies, so any change of summation order shows. */
function generateCases(seed: number, mix: Mix): CaseResult[] {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: mix.cases }, (_, i): CaseResult => {
    const count = random() < mix.empty ? 0 : mix.repeat;
    const samples = Array.from({ length: count }, (_, sample): SampleResult => {
      const error = random() < mix.errors;
      const score = error ? null : pick([0, 1, 0.1, 1 / 3, 0.7, random(), null]);
      const result: SampleResult = {
        sample,
        status: error ? "error" : "ok",
        output: error ? null : `output ${i}`,
        scores: [],
        score,
        pass: score !== null && score >= 0.5,
        costUsd: error || random() < mix.unknownCost ? null : random() * 1e-3 + 1e-7,
        judgeCostUsd: random() < mix.unknownJudgeCost ? null : pick([0, 0.1, random() * 1e-4]),
        latencyMs: random() * 2000 + 0.1,
        cached: !error && random() < mix.cached,
        attempts: 1,
      };
      if (!error) {
        result.usage = {
          inputTokens: Math.floor(random() * 5000),
          outputTokens: Math.floor(random() * 900),
          cachedInputTokens: 0,
        };
      }
      return result;
    });
    const c: CaseResult = { id: `case-${i}`, vars: {}, samples, ...summarizeCase(samples) };
    if (random() < mix.clustered) c.cluster = `topic-${Math.floor(random() * 7)}`;
    return c;
  });
}

const BASE: Mix = {
  cases: 400,
  repeat: 1,
  clustered: 1,
  errors: 0.05,
  cached: 0.2,
  unknownCost: 0,
  unknownJudgeCost: 0,
  empty: 0,
};

describe("CandidateSummaryBuilder", () => {
  it.each<[string, Partial<Mix>]>([
    ["clustered cases, one sample each", {}],
    ["no clusters", { clustered: 0 }],
    ["some cases without a cluster (plain standard error)", { clustered: 0.8 }],
    ["repeats: three samples a case", { repeat: 3 }],
    ["repeats with errors and cases that planned no call", { repeat: 4, errors: 0.3, empty: 0.1 }],
    ["a price unknown on some calls", { unknownCost: 0.01 }],
    ["a judge cost unknown on some samples", { unknownJudgeCost: 0.02 }],
    ["every call failed", { errors: 1 }],
    ["every call cached (no latency)", { cached: 1, errors: 0 }],
    ["one case", { cases: 1 }],
    ["no case", { cases: 0 }],
  ])("summarizes %s exactly as the list of cases does, whatever order they are added in", (_, mix) => {
    for (const seed of [1, 2, 3]) {
      const m = { ...BASE, ...mix };
      const cases = generateCases(seed, m);
      const expected = summarizeFromCases(cases);
      const builder = new CandidateSummaryBuilder(cases.length, m.repeat);
      // Out of order, as a run finishes them: reversed odd positions, then the even ones.
      const order = [
        ...[...cases.keys()].filter((i) => i % 2 === 1),
        ...[...cases.keys()].filter((i) => i % 2 === 0),
      ].reverse();
      for (const position of order) builder.add(position, cases[position]!);
      // Byte for byte, as the results file holds it.
      expect(JSON.stringify(builder.summarize())).toBe(JSON.stringify(expected));
      expect(JSON.stringify(summarizeCandidate(cases))).toBe(JSON.stringify(expected));
    }
  });

  it("keeps costs in case order: the same costs added in another order would sum to other bits", () => {
    const sample = (costUsd: number): SampleResult => ({
      sample: 0,
      status: "ok",
      output: "",
      scores: [],
      score: 1,
      pass: true,
      costUsd,
      judgeCostUsd: 0,
      latencyMs: 1,
      cached: false,
      attempts: 1,
    });
    const costs = [0.1, 0.2, 0.3];
    const cases = costs.map((cost, i): CaseResult => {
      const samples = [sample(cost)];
      return { id: `c${i}`, vars: {}, samples, ...summarizeCase(samples) };
    });
    // The premise: summation order changes the result for these costs.
    expect(0.1 + 0.2 + 0.3).not.toBe(0.3 + 0.2 + 0.1);
    const builder = new CandidateSummaryBuilder(cases.length, 1);
    for (const position of [2, 1, 0]) builder.add(position, cases[position]!);
    expect(builder.summarize().costPerCallUsd).toBe((0.1 + 0.2 + 0.3) / 3);
  });

  it("counts a position never added as a case without samples, as a sparse list of cases does", () => {
    const cases = generateCases(7, { ...BASE, cases: 5, errors: 0 });
    const sparse: CaseResult[] = [];
    sparse[0] = cases[0]!;
    sparse[4] = cases[4]!;
    const builder = new CandidateSummaryBuilder(5, 1);
    builder.add(4, cases[4]!);
    builder.add(0, cases[0]!);
    const summary = builder.summarize();
    expect(summary).toEqual(summarizeFromCases(sparse));
    expect(summary).toMatchObject({ cases: 5, calls: 2 });
  });

  it("replaces a case added again at the same position", () => {
    const [first, second] = generateCases(11, { ...BASE, cases: 2, repeat: 2, errors: 0.5 });
    const builder = new CandidateSummaryBuilder(1, 2);
    builder.add(0, first!);
    builder.add(0, second!);
    expect(builder.summarize()).toEqual(summarizeFromCases([second!]));
  });

  it("refuses a position outside its cases and more samples than planned", () => {
    const [c] = generateCases(5, { ...BASE, cases: 1, repeat: 2 });
    expect(() => new CandidateSummaryBuilder(3, 2).add(3, c!)).toThrow(RangeError);
    expect(() => new CandidateSummaryBuilder(3, 2).add(-1, c!)).toThrow(RangeError);
    expect(() => new CandidateSummaryBuilder(3, 1).add(0, c!)).toThrow(/2 samples where at most 1/);
  });
});
