import { describe, expect, it } from "vitest";
import { isPromptfirstError } from "../errors.ts";
import type { RunResult } from "../result/schema.ts";
import { buildRunResult, type CandidateSpec, type CaseSpec, type SuiteSpec } from "./builders.ts";
import { compareRuns } from "./compare-runs.ts";
import { computeVerdict } from "./gates.ts";
import { type CandidateComparison, type Comparison, comparisonSchema, type Verdict } from "./schema.ts";

const NOW = () => new Date("2026-11-25T12:00:00.000Z");

/** A one-suite, one-candidate run with these cases. */
function run(
  cases: CaseSpec[],
  candidate: Partial<CandidateSpec> = {},
  suite: Partial<SuiteSpec> = {},
): RunResult {
  return buildRunResult({
    suites: [{ name: "qa", candidates: [{ name: "p1", cases, ...candidate }], ...suite }],
  });
}

/** Cases `c0…` with these scores (pass = score ≥ 0.5). */
function scored(scores: number[], extra: (i: number) => Partial<CaseSpec> = () => ({})): CaseSpec[] {
  return scores.map((score, i) => ({ id: `c${i}`, score, ...extra(i) }));
}

function only(comparison: Comparison): CandidateComparison {
  expect(comparisonSchema.parse(comparison)).toEqual(comparison);
  return comparison.suites[0]!.candidates[0]!;
}

describe("compareRuns: paired statistics (golden, checked by hand)", () => {
  it("computes the paired t-test on 5 cases and fails a significant 20-point drop", () => {
    const baseScores = [0.9, 0.8, 1.0, 0.6, 0.7];
    const headScores = [0.7, 0.8, 0.6, 0.5, 0.4];
    const comparison = compareRuns(run(scored(baseScores)), run(scored(headScores)), {}, { now: NOW });
    const c = only(comparison);

    // By hand: differences −0.2, 0, −0.4, −0.1, −0.3; mean −0.2; squared deviations 0, .04, .04, .01, .01
    // sum 0.10; s² = 0.10 / 4 = 0.025; SE = √(0.025 / 5) = √0.005; t = −0.2 / √0.005 = −2√2, df 4.
    const se = Math.sqrt(0.005);
    // Quantiles and tails from SciPy 1.17: t.ppf(0.975, 4), t.ppf(0.95, 4), t.ppf(0.8, 4), ttest_rel(h, b).
    const t975 = 2.7764451051977934;
    const t95 = 2.1318467863266495;
    const t80 = 0.9409645772351816;
    const p = c.paired!;
    expect(p.n).toBe(5);
    expect(p.meanBase).toBeCloseTo(0.8, 12);
    expect(p.meanHead).toBeCloseTo(0.6, 12);
    expect(p.meanDiff).toBeCloseTo(-0.2, 12);
    expect(p.stdErr).toBeCloseTo(se, 12);
    expect(p.df).toBe(4);
    expect(p.ciLow).toBeCloseTo(-0.2 - t975 * se, 10);
    expect(p.ciHigh).toBeCloseTo(-0.2 + t975 * se, 10);
    expect(p.pValue).toBeCloseTo(0.04742065558431959, 10);
    expect(p.pValueDrop).toBeCloseTo(0.023710327792159796, 10);
    expect(p.significant).toBe(true);
    expect(p.significantDrop).toBe(true);
    expect(p.withinNoise).toBe(false);
    expect(p.clustered).toBe(false);
    // MDE = max((t95 + t80) × SE, 1 − 0.2^(1/5)) = max(0.21728, 0.2752): five cases cannot resolve less.
    expect(p.minDetectableDrop).toBeCloseTo(1 - 0.2 ** (1 / 5), 12);
    expect(p.minDetectableDrop).toBeGreaterThan((t95 + t80) * se);
    // Extra cases: variance part 5 × (0.21728 / 0.02)² = 590.2 → 591 in all, 586 more.
    expect(p.extraCasesNeeded).toBe(586);

    expect(c.status).toBe("compared");
    expect(c.gates).toEqual({ quality: "fail", cost: "pass", errors: "pass" });
    expect(comparison.verdict.status).toBe("fail");
    expect(comparison.verdict.failed).toBe(true);
    expect(comparison.verdict.gates.quality.reasons[0]).toBe(
      "qa / p1: score fell 20.0 points, more than the 2.0 allowed, and the drop is significant (one-sided p = 0.024): 80.0% → 60.0% on 5 paired case(s), -20.0 points (95% CI -39.6 to -0.4)",
    );
    // c2 (1.0 → 0.6) still passes; c4 (0.7 → 0.4) is the only pass → fail flip.
    expect(c.flips.regressions.map((f) => [f.caseId, f.delta])).toEqual([["c4", expect.closeTo(-0.3, 12)]]);
  });

  it("uses cluster-robust standard errors with clusters − 1 degrees of freedom", () => {
    const clusters = ["a", "a", "b", "b", "c", "c"];
    const base = run(scored([1, 1, 1, 1, 1, 1], (i) => ({ cluster: clusters[i]! })));
    const head = run(scored([0, 1, 1, 1, 0, 0], (i) => ({ cluster: clusters[i]! })));
    const p = only(compareRuns(base, head)).paired!;
    // Differences −1, 0, 0, 0, −1, −1; mean −0.5. Cluster sums of deviations: a 0, b +1, c −1;
    // SE = √(Σ sums² × C / (C − 1)) / n = √(2 × 3 / 2) / 6 = √3 / 6 (the unclustered SE would be √0.05).
    expect(p.clustered).toBe(true);
    expect(p.clusters).toBe(3);
    expect(p.df).toBe(2);
    expect(p.stdErr).toBeCloseTo(Math.sqrt(3) / 6, 12);
    expect(p.ciLow).toBeCloseTo(-0.5 - 4.302652729749462 * (Math.sqrt(3) / 6), 10);
    // SciPy: 2 × t.sf(√3, 2) and t.cdf(−√3, 2).
    expect(p.pValue).toBeCloseTo(0.22540333075851665, 10);
    expect(p.pValueDrop).toBeCloseTo(0.11270166537925833, 10);
    expect(p.significantDrop).toBe(false);
    expect(p.withinNoise).toBe(true);
  });

  it("asks a clustered suite that is too small for more clusters, with the t quantiles of their count", () => {
    // 12 cases in 4 clusters of 3; base all pass, head fails c2 (cluster a) and c9, c10 (cluster d).
    const clusters = ["a", "a", "a", "b", "b", "b", "c", "c", "c", "d", "d", "d"];
    const base = run(
      scored(
        Array.from({ length: 12 }, () => 1),
        (i) => ({ cluster: clusters[i]! }),
      ),
    );
    const headScores = [1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1];
    const head = run(scored(headScores, (i) => ({ cluster: clusters[i]! })));
    const comparison = compareRuns(base, head, { maxScoreDrop: 0.1 });
    const p = only(comparison).paired!;
    // By hand: differences mean −0.25; cluster sums of deviations a −0.25, b +0.75, c +0.75, d −1.25, squares
    // sum 2.75; SE² = 2.75 × 4/3 / 12² = 11/432, df 3. SciPy: t.cdf(−0.25/SE, 3) = 0.10758497128477501.
    const se = Math.sqrt(11 / 432);
    expect(p.stdErr).toBeCloseTo(se, 12);
    expect([p.clustered, p.clusters, p.df]).toEqual([true, 4, 3]);
    expect(p.pValueDrop).toBeCloseTo(0.10758497128477501, 10);
    // MDE = (t.ppf(0.95, 3) + t.ppf(0.8, 3)) × SE = 0.5316649771545809 > 0.1: inconclusive.
    expect(p.minDetectableDrop).toBeCloseTo((2.3533634348018233 + 0.9784723123633042) * se, 10);
    expect(p.minDetectableDrop).toBeCloseTo(0.5316649771545809, 10);
    // With C' clusters like these, SE × √(4 / C') on C' − 1 df (SciPy quantiles): C' = 64 detects
    // (1.6694022217068127 + 0.8473639122756461) × SE × √(4/64) = 0.1004 > 0.1, C' = 65 detects
    // (1.6690130250240895 + 0.8472736087250392) × SE × √(4/65) = 0.0996: 61 more clusters of 3, 183 cases.
    // (Scaling the cases with t held at df 3, as for independent cases, would say 328.)
    expect(p.extraCasesNeeded).toBe(183);
    expect(p.extraClustersNeeded).toBe(61);
    expect(comparison.verdict.gates.quality.status).toBe("inconclusive");
    expect(comparison.verdict.gates.quality.reasons[0]).toBe(
      "qa / p1: 100.0% → 75.0% on 12 paired case(s), -25.0 points (95% CI -75.8 to +25.8); the drop is within noise; with 12 paired case(s) in 4 clusters the suite detects only drops of 53.2 points or more (80% power), not 10.0: about 183 more case(s) in 61 more cluster(s) of about 3 case(s) would make this check meaningful",
    );
    // Unclustered, the same scores say nothing about clusters.
    const flat = only(
      compareRuns(run(scored(Array.from({ length: 12 }, () => 1))), run(scored(headScores)), {
        maxScoreDrop: 0.1,
      }),
    ).paired!;
    expect([flat.clustered, flat.extraClustersNeeded]).toEqual([false, null]);
  });

  it("passes an unchanged suite large enough to resolve the allowed drop, and says what it detects", () => {
    const ones = Array.from({ length: 100 }, () => 1);
    const comparison = compareRuns(run(scored(ones)), run(scored(ones)));
    const p = only(comparison).paired!;
    expect(p.stdErr).toBe(0);
    expect([p.ciLow, p.ciHigh, p.pValue]).toEqual([0, 0, 1]);
    // Nothing changed in 100 cases: a drop hitting each case with probability d would have shown with 80%
    // power unless d < 1 − 0.2^(1/100) = 1.6 points.
    expect(p.minDetectableDrop).toBeCloseTo(1 - 0.2 ** 0.01, 12);
    expect(p.extraCasesNeeded).toBe(0);
    expect(comparison.verdict.gates.quality.status).toBe("pass");
    expect(comparison.verdict.gates.quality.reasons[0]).toBe(
      "qa / p1: 100.0% → 100.0% on 100 paired case(s), 0.0 points (95% CI 0.0 to 0.0) (drops of 1.6 points or more are detected)",
    );
  });

  it("is inconclusive, not a pass, when the suite is too small to detect the allowed drop", () => {
    const ones = Array.from({ length: 50 }, () => 1);
    const comparison = compareRuns(run(scored(ones)), run(scored(ones)));
    const p = only(comparison).paired!;
    // 1 − 0.2^(1/50) = 3.2 points > 2; ln 0.2 / ln 0.98 = 79.7 → 80 cases, 30 more.
    expect(p.minDetectableDrop).toBeCloseTo(1 - 0.2 ** (1 / 50), 12);
    expect(p.extraCasesNeeded).toBe(30);
    expect(comparison.verdict.gates.quality.status).toBe("inconclusive");
    expect(comparison.verdict.status).toBe("inconclusive");
    expect(comparison.verdict.failed).toBe(false);
    expect(comparison.verdict.gates.quality.reasons[0]).toContain(
      "with 50 paired case(s) the suite detects only drops of 3.2 points or more (80% power), not 2.0: about 30 more case(s) would make this check meaningful",
    );
  });

  it("calls a small noisy drop within noise and inconclusive, with the cases needed from its variance", () => {
    // 40 cases, 3 regress and 1 improves: drop 5 points, not significant.
    const base = scored(Array.from({ length: 40 }, (_, i) => (i < 30 ? 1 : 0)));
    const head = scored(Array.from({ length: 40 }, (_, i) => (i < 3 ? 0 : i < 30 ? 1 : i === 30 ? 1 : 0)));
    const comparison = compareRuns(run(base), run(head));
    const p = only(comparison).paired!;
    // d: three −1, one +1, 36 zeros; mean −0.05; Σd² = 4; s² = (4 − 40 × 0.0025) / 39 = 0.1; SE = √(0.1/40) = 0.05.
    expect(p.meanDiff).toBeCloseTo(-0.05, 12);
    expect(p.stdErr).toBeCloseTo(0.05, 12);
    expect(p.withinNoise).toBe(true);
    // SciPy: t.ppf(0.95, 39) = 1.6848751217112248, t.ppf(0.8, 39) = 0.8509350199201249.
    const mde = (1.6848751217112248 + 0.8509350199201249) * 0.05;
    expect(p.minDetectableDrop).toBeCloseTo(mde, 10);
    expect(p.extraCasesNeeded).toBe(Math.ceil(40 * (mde / 0.02) ** 2) - 40);
    expect(comparison.verdict.gates.quality.status).toBe("inconclusive");
    expect(comparison.verdict.gates.quality.reasons[0]).toMatch(
      /-5\.0 points .*; the drop is within noise; /,
    );
  });

  it("never passes zero cases: all changed → not evaluated", () => {
    const base = run([{ id: "a", vars: { q: 1 } }]);
    const head = run([{ id: "a", vars: { q: 2 } }]);
    const comparison = compareRuns(base, head);
    const c = only(comparison);
    expect(comparison.suites[0]!.cases.changed).toEqual(["a"]);
    expect(c.paired!.n).toBe(0);
    expect(c.paired!.excluded).toEqual({ changed: 1, unscored: 0 });
    expect(c.gates.quality).toBe("not evaluated");
    expect(comparison.verdict.gates.quality.status).toBe("not evaluated");
    expect(comparison.verdict.status).toBe("not evaluated");
    // Head's case was still evaluated (cost, errors): the check has evidence, so it does not fail for this.
    expect(comparison.verdict.failed).toBe(false);
  });

  it("never passes an empty comparison", () => {
    const empty = buildRunResult({ suites: [] });
    const comparison = compareRuns(empty, empty);
    expect(comparison.verdict.gates.quality.status).toBe("not evaluated");
    expect(comparison.verdict.gates.cost.status).toBe("not evaluated");
    expect(comparison.verdict.status).toBe("not evaluated");
    // No gate judged anything, so the check does not go green (the CLI exits 1, the Action fails per fail-on).
    expect(comparison.verdict.failed).toBe(true);
    expect(compareRuns(empty, empty, { failOn: "never" }).verdict.failed).toBe(false);
  });

  it("does not fail a change that only removes suites: nothing is left on head to evaluate", () => {
    const base = run([{ id: "a", vars: { q: 1 } }]);
    const comparison = compareRuns(base, buildRunResult({ suites: [] }));
    expect(comparison.suites.map((s) => s.status)).toEqual(["removed"]);
    expect(comparison.verdict.failed).toBe(false);
  });

  it("fails a check with no evidence at all unless fail-on is never; a gate with nothing to judge alone does not", () => {
    const gates: Verdict["gates"] = {
      quality: { status: "pass", reasons: [], findings: [] },
      cost: { status: "not evaluated", reasons: [], findings: [] },
      errors: { status: "pass", reasons: [], findings: [] },
    };
    const verdict = computeVerdict(gates, "any");
    expect(verdict.status).toBe("not evaluated");
    expect(verdict.failed).toBe(false);
    expect(computeVerdict(gates, "cost").failed).toBe(false);
    expect(computeVerdict(gates, "any", false).failed).toBe(true);
    expect(computeVerdict(gates, "never", false).failed).toBe(false);
  });
});

describe("compareRuns: matching", () => {
  it("reports cases added, removed and changed, and pairs only the unchanged ones", () => {
    const base = run([
      { id: "same", vars: { q: "x" }, expected: "1", score: 1 },
      { id: "gone", score: 1 },
      { id: "vars", vars: { q: "old" }, score: 1 },
      { id: "exp", vars: { q: "e" }, expected: "old", score: 1 },
    ]);
    const head = run([
      { id: "same", vars: { q: "x" }, expected: "1", score: 0 },
      { id: "vars", vars: { q: "new" }, score: 0 },
      { id: "exp", vars: { q: "e" }, expected: "new", score: 0 },
      { id: "fresh", score: 0 },
    ]);
    const comparison = compareRuns(base, head);
    expect(comparison.suites[0]!.cases).toEqual({
      base: 4,
      head: 4,
      matched: 1,
      added: ["fresh"],
      removed: ["gone"],
      changed: ["vars", "exp"],
    });
    const c = only(comparison);
    expect(c.paired!.n).toBe(1);
    expect(c.paired!.excluded.changed).toBe(2);
    expect(c.flips.regressions.map((f) => f.caseId)).toEqual(["same"]);
    // One pair: no variance, no interval, inconclusive.
    expect(c.paired!.stdErr).toBeNull();
    expect(c.gates.quality).toBe("inconclusive");
    expect(comparison.verdict.gates.quality.reasons[0]).toContain(
      "a single paired case cannot measure noise",
    );
  });

  it("orders flips by score change and keeps outputs, errors and the scorers' reasons", () => {
    const base = run([
      { id: "a", score: 1, output: "A base" },
      { id: "b", score: 0.6, output: "B base" },
      { id: "c", score: 0.9 },
      { id: "d", score: 0.2, output: "D base", reason: "missing the word refund" },
      { id: "e", score: 0 },
      { id: "f", score: 1 },
    ]);
    const head = run([
      { id: "a", score: 0.4, output: "A head", reason: "too vague" },
      { id: "b", score: 0.1, output: "<b>B head</b>" },
      { id: "c", error: "HTTP 500" },
      { id: "d", score: 0.7, output: "D head" },
      { id: "e", score: 1 },
      { id: "f", score: 1 },
    ]);
    const c = only(compareRuns(base, head));
    expect(c.flips.regressions.map((f) => [f.caseId, Number(f.delta.toFixed(6))])).toEqual([
      ["c", -0.9],
      ["a", -0.6],
      ["b", -0.5],
    ]);
    expect(c.flips.improvements.map((f) => [f.caseId, Number(f.delta.toFixed(6))])).toEqual([
      ["e", 1],
      ["d", 0.5],
    ]);
    const a = c.flips.regressions[1]!;
    expect(a.base.output).toBe("A base");
    expect(a.head).toEqual({
      score: 0.4,
      passRate: 0,
      output: "A head",
      scores: [{ name: "score", score: 0.4, pass: false, reason: "too vague" }],
    });
    expect(c.flips.regressions[2]!.head.output).toBe("<b>B head</b>");
    expect(c.flips.regressions[0]!.head).toMatchObject({
      output: null,
      score: null,
      error: "server_error: HTTP 500",
    });
    expect(c.flips.improvements[1]!.base.scores[0]!.reason).toBe("missing the word refund");
    // The errored case is not paired: it is not scored on head.
    expect(c.paired!.n).toBe(5);
    expect(c.paired!.excluded.unscored).toBe(1);
  });

  it("compares new, removed and skipped candidates honestly", () => {
    const cases = scored([1, 1, 0]);
    const base = buildRunResult({
      suites: [
        {
          name: "qa",
          target: 0.6,
          candidates: [
            { name: "kept", cases },
            { name: "dropped", cases },
            { name: "ft", kind: "fine-tune", skipped: "not trained yet" },
            { name: "lost", cases },
          ],
        },
      ],
    });
    const head = buildRunResult({
      suites: [
        {
          name: "qa",
          target: 0.6,
          candidates: [
            { name: "kept", cases },
            { name: "fresh", cases: scored([1, 1, 1]) },
            { name: "ft", kind: "fine-tune", skipped: "not trained yet" },
            { name: "lost", skipped: "no API key" },
          ],
        },
      ],
    });
    const comparison = compareRuns(base, head);
    const byName = Object.fromEntries(comparison.suites[0]!.candidates.map((c) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(["kept", "fresh", "ft", "lost", "dropped"]);
    expect(byName.fresh!.status).toBe("new");
    expect(byName.fresh!.paired).toBeUndefined();
    // No base is no evidence: never a pass, unless min-score judges the new candidate on head alone.
    expect(byName.fresh!.gates.quality).toBe("not evaluated");
    const judged = (minScore: number) =>
      compareRuns(base, head, { minScore }).suites[0]!.candidates.find((c) => c.name === "fresh")!.gates
        .quality;
    expect(judged(0.9)).toBe("pass");
    expect(judged(1)).toBe("pass");
    // One below the minimum fails on head alone.
    const weak = buildRunResult({
      suites: [
        {
          name: "qa",
          candidates: [
            { name: "kept", cases },
            { name: "fresh", cases: scored([1, 0, 0]) },
          ],
        },
      ],
    });
    const weakFresh = compareRuns(base, weak, { minScore: 0.5 }).suites[0]!.candidates.find(
      (c) => c.name === "fresh",
    )!;
    expect(weakFresh.status).toBe("new");
    expect(weakFresh.gates.quality).toBe("fail");
    expect(byName.fresh!.reachesTarget).toEqual({ base: null, head: true });
    expect(byName.kept!.reachesTarget).toEqual({ base: true, head: true });
    expect(byName.dropped!.status).toBe("removed");
    expect(byName.ft!).toMatchObject({ status: "skipped", skipReason: "not trained yet" });
    expect(byName.lost!).toMatchObject({ status: "skipped", skipReason: "no API key" });
    expect(byName.lost!.gates.quality).toBe("not evaluated");
    const reasons = comparison.verdict.gates.quality.reasons;
    expect(reasons).toContain(
      "qa / fresh: new on head, no base to compare with: 100.0% on 3 scored case(s) (set min-score to judge new candidates on head alone)",
    );
    expect(reasons).toContain("qa / dropped: removed on head (base scored 66.7%)");
    expect(reasons).toContain("qa / ft: not evaluated on either side: not trained yet");
    expect(reasons).toContain("qa / lost: not evaluated on head (no API key); base scored 66.7%");
    expect(reasons).toContain("qa: target 60.0% reached on head by kept, fresh");
    // Losing evidence on head is never a pass.
    expect(comparison.verdict.gates.quality.status).not.toBe("pass");
  });

  it("reports suites added and removed", () => {
    const base = buildRunResult({
      suites: [{ name: "old", candidates: [{ name: "p", cases: scored([1]) }] }],
    });
    const head = buildRunResult({
      suites: [
        { name: "old", candidates: [{ name: "p", cases: scored([1]) }] },
        { name: "new", candidates: [{ name: "p", cases: scored([1]) }] },
      ],
    });
    const comparison = compareRuns(head, base);
    expect(comparison.suites.map((s) => [s.name, s.status])).toEqual([
      ["old", "compared"],
      ["new", "removed"],
    ]);
    expect(compareRuns(base, head).suites.map((s) => [s.name, s.status])).toEqual([
      ["old", "compared"],
      ["new", "new"],
    ]);
  });
});

describe("compareRuns: repeats", () => {
  it("scores a case by its sample mean, lists flaky cases and enforces min-pass-rate", () => {
    const samples = (...scores: number[]) => ({ samples: scores.map((score) => ({ score })) });
    const base = run(
      [
        { id: "steady", ...samples(1, 1, 1) },
        { id: "wobbly", ...samples(1, 1, 1) },
        { id: "broken", ...samples(1, 1, 1) },
      ],
      {},
      { repeat: 3 },
    );
    const head = run(
      [
        { id: "steady", ...samples(1, 1, 1) },
        { id: "wobbly", ...samples(1, 0, 1) },
        { id: "broken", ...samples(0, 0, 1) },
      ],
      {},
      { repeat: 3 },
    );
    const comparison = compareRuns(base, head, { minPassRate: 0.8 });
    const c = only(comparison);
    expect(c.flaky).toEqual({ base: [], head: ["wobbly", "broken"] });
    expect(c.paired!.meanHead).toBeCloseTo((1 + 2 / 3 + 1 / 3) / 3, 12);
    expect(c.minPassRateViolations).toEqual([
      { caseId: "wobbly", passRate: 2 / 3, samples: 3 },
      { caseId: "broken", passRate: 1 / 3, samples: 3 },
    ]);
    expect(c.gates.quality).toBe("fail");
    expect(comparison.verdict.gates.quality.reasons[0]).toBe(
      "qa / p1: 2 case(s) pass in fewer than 80.0% of their samples: wobbly, broken",
    );
    // Without min-pass-rate the same drop on 3 cases is merely inconclusive.
    expect(only(compareRuns(base, head)).gates.quality).toBe("inconclusive");
  });
});

describe("compareRuns: quality thresholds", () => {
  it("fails a candidate below min-score even without a drop", () => {
    const cases = scored([1, 0, 0, 1]);
    const comparison = compareRuns(run(cases), run(cases), { minScore: 0.7 });
    expect(comparison.verdict.gates.quality.status).toBe("fail");
    expect(comparison.verdict.gates.quality.reasons[0]).toBe(
      "qa / p1: score 50.0% is below the minimum of 70.0%",
    );
  });

  it("passes a significant drop that stays within the allowed one", () => {
    // 400 cases, 4 regress: drop 1 point, SE = √((4 − 400 × 0.0001)/399/400) ≈ 0.00498.
    const base = scored(Array.from({ length: 400 }, () => 1));
    const head = scored(Array.from({ length: 400 }, (_, i) => (i < 4 ? 0 : 1)));
    const comparison = compareRuns(run(base), run(head), { maxScoreDrop: 0.02 });
    const p = only(comparison).paired!;
    expect(p.significantDrop).toBe(true);
    expect(p.minDetectableDrop!).toBeLessThan(0.02);
    expect(comparison.verdict.gates.quality.status).toBe("pass");
    expect(comparison.verdict.gates.quality.reasons[0]).toContain(
      "a significant drop, but within the 2.0 points allowed",
    );
  });
});

describe("compareRuns: cost and errors gates", () => {
  const cases = scored(Array.from({ length: 100 }, () => 1));
  const withCost = (cost: number | null, volume?: number) =>
    run(cases, { costPerCallUsd: cost }, volume === undefined ? {} : { volume });

  it("fails cost per call up 25% at the default 20% and passes +15%", () => {
    const up25 = compareRuns(withCost(0.002, 50_000), withCost(0.0025, 50_000));
    const c = only(up25);
    expect(c.cost.perCallChangePct).toBeCloseTo(25, 10);
    expect(c.cost.monthlyBaseUsd).toBeCloseTo(100, 10);
    expect(c.cost.monthlyHeadUsd).toBeCloseTo(125, 10);
    expect(c.cost.monthlyDeltaUsd).toBeCloseTo(25, 10);
    expect(c.head!.costPer1kUsd).toBeCloseTo(2.5, 12);
    expect(up25.verdict.gates.cost.status).toBe("fail");
    expect(up25.verdict.gates.cost.reasons[0]).toBe(
      "qa / p1: cost per call rose +25%, more than the 20% allowed ($2.00 → $2.50 per 1k calls)",
    );
    expect(up25.verdict.failed).toBe(true);
    expect(compareRuns(withCost(0.002), withCost(0.0023)).verdict.gates.cost.status).toBe("pass");
    expect(
      compareRuns(withCost(0.002), withCost(0.0025), { maxCostIncrease: 30 }).verdict.gates.cost.status,
    ).toBe("pass");
    // --fail-on quality ignores the cost failure.
    expect(compareRuns(withCost(0.002), withCost(0.0025), { failOn: "quality" }).verdict.failed).toBe(false);
  });

  it("fails a monthly projection above max-monthly-cost", () => {
    const comparison = compareRuns(withCost(0.002, 50_000), withCost(0.002, 50_000), { maxMonthlyCost: 80 });
    expect(comparison.verdict.gates.cost.status).toBe("fail");
    expect(comparison.verdict.gates.cost.reasons[0]).toBe(
      "qa / p1: monthly cost $100 at 50,000 calls exceeds the $80.00 allowed",
    );
  });

  it("makes an unknown price 'unknown', failing only when asked", () => {
    const comparison = compareRuns(withCost(0.002), withCost(null));
    expect(only(comparison).gates.cost).toBe("unknown");
    expect(comparison.verdict.gates.cost.status).toBe("unknown");
    expect(comparison.verdict.gates.cost.reasons[0]).toBe(
      "qa / p1: cost unknown: no price is known for test-model on head",
    );
    expect(comparison.verdict.failed).toBe(false);
    const strict = compareRuns(withCost(0.002), withCost(null), { failOnUnknownCost: true });
    expect(strict.verdict.gates.cost.status).toBe("fail");
    expect(strict.verdict.failed).toBe(true);
  });

  it("fails the errors gate above max-error-rate", () => {
    const head = run(
      Array.from({ length: 20 }, (_, i) => (i < 2 ? { id: `c${i}`, error: "HTTP 503" } : { id: `c${i}` })),
    );
    const base = run(Array.from({ length: 20 }, (_, i) => ({ id: `c${i}` })));
    const comparison = compareRuns(base, head);
    expect(comparison.verdict.gates.errors.status).toBe("fail");
    expect(comparison.verdict.gates.errors.reasons[0]).toBe(
      "qa / p1: error rate 10.0% (2 of 20 calls; base 0.0%) exceeds the 5.0% allowed",
    );
    expect(compareRuns(base, head, { maxErrorRate: 0.1 }).verdict.gates.errors.status).toBe("pass");
  });

  it("reports latency change", () => {
    const c = only(compareRuns(run(cases, { latencyMs: 800 }), run(cases, { latencyMs: 1000 })));
    expect(c.latency).toEqual({ p50ChangePct: 25, p95ChangePct: 25, p50DeltaMs: 200, p95DeltaMs: 200 });
  });

  it("tells p50 from p95 on a skewed latency distribution (linear interpolation between closest ranks)", () => {
    // Given out of order; head also has a cached answer, whose latency is not a call's and does not count.
    const baseMs = [2000, 130, 100, 250, 160, 400, 120, 210, 150, 200];
    const headMs = [170, 5000, 90, 300, 150, 100, 900, 180, 140, 260];
    const timed = (ms: number[]) => ms.map((latencyMs, i) => ({ id: `c${i}`, latencyMs }));
    const head = run([...timed(headMs), { id: "hit", latencyMs: 99_999, cached: true }]);
    const c = only(compareRuns(run([...timed(baseMs), { id: "hit", latencyMs: 1 }]), head));
    // By hand (and numpy.percentile, whose default is this definition): position (n − 1) × q in the sorted
    // list. Base also counts its uncached "hit" (1 ms), so n = 11: p50 at 5 → 160; p95 at 9.5 → 400 + 0.5 ×
    // 1600 = 1200. Head, n = 10: p50 at 4.5 → (170 + 180) / 2 = 175; p95 at 8.55 → 900 + 0.55 × 4100 = 3155.
    expect(c.base!.latencyP50Ms).toBe(160);
    expect(c.base!.latencyP95Ms).toBeCloseTo(1200, 9);
    expect(c.head!.latencyP50Ms).toBe(175);
    expect(c.head!.latencyP95Ms).toBeCloseTo(3155, 9);
    expect(c.latency.p50DeltaMs).toBe(15);
    expect(c.latency.p95DeltaMs).toBeCloseTo(1955, 9);
    expect(c.latency.p50ChangePct).toBeCloseTo(9.375, 9);
    expect(c.latency.p95ChangePct).toBeCloseTo(162.91666666666666, 9);
  });

  it("makes an unknown price on base 'unknown' too, failing only with failOnUnknownCost", () => {
    const comparison = compareRuns(withCost(null, 10_000), withCost(0.002, 10_000));
    const c = only(comparison);
    expect(c.base!.costKnown).toBe(false);
    expect(c.cost.perCallChangePct).toBeNull();
    expect(c.cost.monthlyBaseUsd).toBeNull();
    expect(c.cost.monthlyHeadUsd).toBeCloseTo(20, 10);
    expect(c.cost.monthlyDeltaUsd).toBeNull();
    expect(c.gates.cost).toBe("unknown");
    expect(comparison.verdict.gates.cost).toMatchObject({
      status: "unknown",
      reasons: ["qa / p1: cost change unknown: no price is known for base's test-model"],
    });
    expect(comparison.verdict.status).toBe("unknown");
    expect(comparison.verdict.failed).toBe(false);
    const strict = compareRuns(withCost(null, 10_000), withCost(0.002, 10_000), { failOnUnknownCost: true });
    expect(strict.verdict.gates.cost).toMatchObject({
      status: "fail",
      reasons: [
        "qa / p1: cost change unknown: no price is known for base's test-model, and an unknown cost fails the check",
      ],
    });
    expect(strict.verdict.failed).toBe(true);
    // --fail-on quality leaves the failing cost gate out of the verdict.
    const qualityOnly = { failOnUnknownCost: true, failOn: "quality" } as const;
    expect(compareRuns(withCost(null), withCost(0.002), qualityOnly).verdict.failed).toBe(false);
  });
});

describe("compareRuns: incompatible inputs", () => {
  const ok = run(scored([1]));

  it("refuses results of different RunResult formats, naming both files", () => {
    const future = { ...ok, schemaVersion: 2 } as unknown as RunResult;
    try {
      compareRuns(ok, future, {}, { baseFile: "base.json", headFile: "head.json" });
      expect.unreachable();
    } catch (error) {
      expect(isPromptfirstError(error) && error.code).toBe("RESULT_INVALID");
      expect((error as Error).message).toBe(
        "cannot compare base.json (RunResult schemaVersion 1) with head.json (schemaVersion 2): re-run promptfirst eval with the same promptfirst version for both",
      );
    }
  });

  it("refuses runs of different configs that share no suite, and accepts a changed config hash", () => {
    const other = buildRunResult({
      configFile: "other/promptfirst.yaml",
      suites: [{ name: "billing", candidates: [{ name: "p", cases: scored([1]) }] }],
    });
    expect(() => compareRuns(ok, other)).toThrow(
      "base and head come from different configs (promptfirst.yaml with suites qa; other/promptfirst.yaml with suites billing) and share no suite",
    );
    const changed = { ...ok, config: { ...ok.config, hash: "ffffffffffff" } };
    expect(compareRuns(ok, changed).warnings).toEqual([]);
  });

  it("warns, with exact wording, about another config file, another promptfirst version and another repeat", () => {
    const base = buildRunResult({
      configFile: "promptfirst.yaml",
      toolVersion: "0.1.0",
      suites: [
        { name: "qa", repeat: 1, candidates: [{ name: "p", cases: scored([1, 1]) }] },
        { name: "steady", repeat: 2, candidates: [{ name: "p", cases: scored([1]) }] },
      ],
    });
    const head = buildRunResult({
      configFile: "evals/promptfirst.yaml",
      toolVersion: "0.2.0",
      suites: [
        { name: "qa", repeat: 3, candidates: [{ name: "p", cases: scored([1, 1]) }] },
        { name: "steady", repeat: 2, candidates: [{ name: "p", cases: scored([1]) }] },
      ],
    });
    const comparison = compareRuns(base, head, {}, { now: NOW });
    expect(comparison.warnings).toEqual([
      "base was evaluated with promptfirst.yaml and head with evals/promptfirst.yaml",
      "base was evaluated by promptfirst 0.1.0 and head by 0.2.0: scorers may differ",
      'suite "qa": base ran 1 sample(s) per case and head 3: their noise differs',
    ]);
    expect(comparison.suites.map((s) => [s.name, s.repeat])).toEqual([
      ["qa", { base: 1, head: 3 }],
      ["steady", { base: 2, head: 2 }],
    ]);
    // The same runs read the other way round, and runs that agree, warn accordingly.
    expect(compareRuns(head, base).warnings).toEqual([
      "base was evaluated with evals/promptfirst.yaml and head with promptfirst.yaml",
      "base was evaluated by promptfirst 0.2.0 and head by 0.1.0: scorers may differ",
      'suite "qa": base ran 3 sample(s) per case and head 1: their noise differs',
    ]);
    expect(compareRuns(base, base).warnings).toEqual([]);
  });

  it("rejects thresholds out of range with the value received", () => {
    expect(() => compareRuns(ok, ok, { confidence: 1.5 })).toThrow(/confidence: .*\(got 1\.5\)/);
  });
});
