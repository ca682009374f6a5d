import { describe, expect, it } from "vitest";
import { comparisonSchema } from "../compare/schema.ts";
import { applyPromptFirst } from "./evaluate.ts";
import { promptFirstReportSchema } from "./schema.ts";
import { buildCases, buildDataReport, buildRuleRun, evaluateRule, TODAY } from "./test-fixtures.ts";

/** 100 cases; the prompt passes 70 of them (i % 10 < 7). */
const PROMPT_70 = buildCases(100, (i) => i % 10 < 7);
/** The prompt's 70 plus the 24 it fails from case 20 on: 94%, +24 points. */
const FINE_TUNE_94 = buildCases(100, (i) => i % 10 < 7 || i >= 20);
/** The prompt's 70 plus 2: 72%, +2 points. */
const FINE_TUNE_72 = buildCases(100, (i) => i % 10 < 7 || i === 7 || i === 17);

describe("evaluatePromptFirst", () => {
  it("is not applicable to a suite without fine-tune candidates, and validates", () => {
    const run = buildRuleRun([{ name: "qa", target: 0.8, prompts: [{ name: "p", cases: PROMPT_70 }] }]);
    const { report } = evaluateRule(run);
    expect(promptFirstReportSchema.parse(report)).toEqual(report);
    expect(report.status).toBe("not applicable");
    expect(report.suites[0]!.status).toBe("not applicable");
    expect(report.suites[0]!.recommendation.kind).toBe("improve");
  });

  describe("1: a prompt baseline on the same cases", () => {
    it("is violated when a fine-tune has no prompt candidate to beat: measure first", () => {
      const run = buildRuleRun([
        {
          name: "coding",
          target: 0.9,
          fineTunes: [{ name: "coder-ft", model: "acme/coder-lora", cases: FINE_TUNE_94 }],
        },
      ]);
      const suite = evaluateRule(run).report.suites[0]!;
      expect(suite.status).toBe("violated");
      expect(suite.bestPrompt).toBeNull();
      expect(suite.reasons[0]).toContain(
        "coder-ft is a fine-tune candidate, but the suite has no prompt candidate",
      );
      expect(suite.reasons[0]).toContain("add a prompt baseline first");
      expect(suite.findings[0]).toMatchObject({ rule: 1, severity: "violation" });
      expect(suite.recommendation.kind).toBe("measure-first");
    });

    it("does not count a prompt candidate that was not scored", () => {
      const run = buildRuleRun([
        {
          name: "coding",
          prompts: [{ name: "p", skipped: "no key" }],
          fineTunes: [{ name: "coder-ft" }],
        },
      ]);
      const suite = evaluateRule(run).report.suites[0]!;
      expect(suite.status).toBe("violated");
      expect(suite.reasons[0]).toContain("no prompt candidate was scored on the suite's cases (p)");
    });
  });

  describe("2: the best prompt already reaches the target", () => {
    const run = buildRuleRun([
      {
        name: "support",
        target: 0.65,
        prompts: [
          { name: "prompt-v2", cases: buildCases(100, (i) => i % 10 < 5) },
          { name: "prompt-v3", model: "gpt-6-luna", cases: PROMPT_70 },
        ],
        fineTunes: [{ name: "support-ft" }],
      },
    ]);

    it("is violated under enforce, naming the figures, and fails the gate", () => {
      const { report, comparison } = evaluateRule(run);
      const suite = report.suites[0]!;
      expect(suite.status).toBe("violated");
      expect(suite.bestPrompt).toMatchObject({ candidate: "prompt-v3", score: 0.7, reachesTarget: true });
      expect(suite.reasons[0]).toMatch(
        /^the best prompt, prompt-v3 on gpt-6-luna, already reaches the 65\.0% target at 70\.0% \(SE 4\.6\): the fine-tune is not needed/,
      );
      expect(suite.recommendation.kind).toBe("prompt");
      const applied = applyPromptFirst(comparison, report, [], "enforce", "any");
      expect(applied.verdict.gates.promptFirst?.status).toBe("fail");
      expect(applied.verdict.failed).toBe(true);
      expect(comparisonSchema.parse(applied)).toEqual(applied);
    });

    it("is a warning under warn: shown, never failing", () => {
      const { report, comparison } = evaluateRule(run, { mode: "warn" });
      const suite = report.suites[0]!;
      expect(suite.status).toBe("warning");
      expect(suite.findings[0]).toMatchObject({ rule: 2, severity: "warning" });
      const applied = applyPromptFirst(comparison, report, [], "warn", "any");
      expect(applied.verdict.gates.promptFirst?.status).toBe("warn");
      expect(applied.verdict.status).toBe("warn");
      expect(applied.verdict.failed).toBe(false);
    });

    it("keeps a check with no evidence failing: no case evaluated on head is never a pass", () => {
      const { report, comparison } = evaluateRule(run, { mode: "off" });
      const empty = {
        ...comparison,
        suites: comparison.suites.map((suite) => ({
          ...suite,
          candidates: suite.candidates.map((c) => ({
            ...c,
            head: c.head && { ...c.head, scored: 0, calls: 0 },
          })),
        })),
      };
      for (const mode of ["off", "warn", "enforce"] as const) {
        expect(applyPromptFirst(empty, report, [], mode, "any").verdict.failed).toBe(true);
        expect(applyPromptFirst(empty, report, [], mode, "never").verdict.failed).toBe(false);
      }
      expect(applyPromptFirst(comparison, report, [], "off", "any").verdict.failed).toBe(false);
    });

    it("leaves the gate out under off", () => {
      const { report, comparison } = evaluateRule(run, { mode: "off" });
      const applied = applyPromptFirst(comparison, report, [], "off", "any");
      expect(applied.verdict.gates.promptFirst).toBeUndefined();
      expect(applied.promptFirst).toBeUndefined();
      expect(applied.thresholds.promptFirst).toBe("off");
      expect(applied.verdict.failed).toBe(comparison.verdict.failed);
    });

    it("fails the check only for the gates --fail-on selects", () => {
      const { report, comparison } = evaluateRule(run);
      expect(applyPromptFirst(comparison, report, [], "enforce", "prompt-first").verdict.failed).toBe(true);
      expect(applyPromptFirst(comparison, report, [], "enforce", "quality").verdict.failed).toBe(false);
      expect(applyPromptFirst(comparison, report, [], "enforce", "never").verdict.failed).toBe(false);
    });
  });

  describe("3: a trained fine-tune must beat the best prompt by the minimum gain, the interval above 0", () => {
    it("holds for +24 points on 100 paired cases", () => {
      const run = buildRuleRun([
        {
          name: "coding",
          target: 0.9,
          prompts: [{ name: "p", cases: PROMPT_70 }],
          fineTunes: [{ name: "coder-ft", model: "acme/coder-lora", cases: FINE_TUNE_94 }],
        },
      ]);
      const suite = evaluateRule(run).report.suites[0]!;
      expect(suite.status).toBe("holds");
      const ft = suite.fineTunes[0]!;
      expect(ft.gain?.n).toBe(100);
      expect(ft.gain?.meanDiff).toBeCloseTo(0.24, 12);
      expect(ft.gain?.ciLow).toBeGreaterThan(0.05);
      expect(ft.beatsPrompt).toBe(true);
      expect(ft.requiredScore).toBeCloseTo(0.9, 12);
      expect(suite.reasons.join("\n")).toContain(
        "coder-ft scores 94.0% (SE 2.4) against p's 70.0% (SE 4.6): +24.0 points",
      );
      expect(suite.recommendation.kind).toBe("fine-tune");
      expect(suite.recommendation.text).toMatch(
        /^use coder-ft: \+24\.0 points over p \(95% CI \+15\.\d to \+32\.\d/,
      );
    });

    it("is violated for +2 points, less than the 5 required", () => {
      const run = buildRuleRun([
        {
          name: "coding",
          target: 0.9,
          prompts: [{ name: "p", cases: PROMPT_70 }],
          fineTunes: [{ name: "coder-ft", model: "acme/coder-lora", cases: FINE_TUNE_72 }],
        },
      ]);
      const suite = evaluateRule(run).report.suites[0]!;
      expect(suite.status).toBe("violated");
      expect(suite.fineTunes[0]!.beatsPrompt).toBe(false);
      expect(suite.reasons[0]).toMatch(
        /^coder-ft gains only \+2\.0 points over p .*must gain at least 5\.0 points/,
      );
      expect(suite.recommendation.kind).toBe("improve");
    });

    it("is violated for a big gain whose interval crosses 0", () => {
      const prompt = [1, 0, 1, 0, 1, 0].map((score, i) => ({ id: `c${i}`, score }));
      const fineTune = [1, 1, 0, 1, 1, 1].map((score, i) => ({ id: `c${i}`, score }));
      const run = buildRuleRun([
        {
          name: "coding",
          prompts: [{ name: "p", cases: prompt }],
          fineTunes: [{ name: "coder-ft", model: "acme/coder-lora", cases: fineTune }],
        },
      ]);
      const suite = evaluateRule(run).report.suites[0]!;
      const gain = suite.fineTunes[0]!.gain!;
      expect(gain.meanDiff).toBeCloseTo(1 / 3, 12);
      expect(gain.ciLow).toBeLessThan(0);
      expect(suite.status).toBe("violated");
      expect(suite.reasons[0]).toContain("coder-ft gains +33.3 points over p, but the interval");
      expect(suite.reasons[0]).toContain("does not stay above 0: the gain may be noise — add cases");
    });
  });

  describe("4: cost", () => {
    const data = buildDataReport("training/coding.jsonl", { costUsd: 30 });

    it("computes payback and cost per point for a cheaper fine-tune (checked by hand)", () => {
      // Prompt: $0.001 a call × 100,000 calls = $100 a month. Fine-tune: $0.0004 × 100,000 = $40. Saving $60 a
      // month pays back the $30 of training in 0.5 months; per point: ($30 + 12 × −$60) ÷ 24 points = −$28.75.
      const run = buildRuleRun([
        {
          name: "coding",
          volume: 100_000,
          prompts: [{ name: "p", cases: PROMPT_70, costPerCallUsd: 0.001 }],
          fineTunes: [
            { name: "coder-ft", model: "acme/coder-lora", cases: FINE_TUNE_94, costPerCallUsd: 0.0004 },
          ],
        },
      ]);
      const costs = evaluateRule(run, { dataReports: [data] }).report.suites[0]!.fineTunes[0]!.costs;
      expect(costs.trainingUsd).toBe(30);
      expect(costs.trainingSource).toBe("data report");
      expect(costs.promptMonthlyUsd).toBeCloseTo(100, 9);
      expect(costs.monthlyInferenceUsd).toBeCloseTo(40, 9);
      expect(costs.monthlyDeltaUsd).toBeCloseTo(-60, 9);
      expect(costs.paybackMonths).toBeCloseTo(0.5, 9);
      expect(costs.costPerPointUsd).toBeCloseTo(-28.75, 9);
    });

    it("adds hosting at 730 hours a month, and prices training from tokens × epochs × the config price", () => {
      // Training: 100,000 tokens × 4 epochs × $2 per 1M = $0.80. Monthly: $40 + $1 × 730 = $770, $670 more than
      // the prompt: no payback; per point: ($0.80 + 12 × $670) ÷ 24 = $335.0333….
      const run = buildRuleRun([
        {
          name: "coding",
          volume: 100_000,
          prompts: [{ name: "p", cases: PROMPT_70, costPerCallUsd: 0.001 }],
          fineTunes: [
            {
              name: "coder-ft",
              model: "acme/coder-lora",
              cases: FINE_TUNE_94,
              costPerCallUsd: 0.0004,
              hostingPerHour: 1,
              trainingPricePerMTok: 2,
              epochs: 4,
            },
          ],
        },
      ]);
      const unpriced = buildDataReport("training/coding.jsonl", { costUsd: null, billedPerEpoch: 100_000 });
      const suite = evaluateRule(run, { dataReports: [unpriced] }).report.suites[0]!;
      const costs = suite.fineTunes[0]!.costs;
      expect(costs.trainingUsd).toBeCloseTo(0.8, 12);
      expect(costs.trainingSource).toBe("tokens × epochs × price");
      expect(costs.monthlyInferenceUsd).toBeCloseTo(770, 9);
      expect(costs.monthlyDeltaUsd).toBeCloseTo(670, 9);
      expect(costs.paybackMonths).toBeNull();
      expect(costs.costPerPointUsd).toBeCloseTo((0.8 + 12 * 670) / 24, 9);
      expect(suite.status).toBe("holds");
      expect(suite.reasons.join("\n")).toContain(
        "coder-ft costs $770 a month at 100,000 calls ($730 of it hosting) against $100 for p; training $0.80; it costs more every month",
      );
    });

    it("is violated when the fine-tune costs more a month and gains less than the minimum", () => {
      const run = buildRuleRun([
        {
          name: "coding",
          volume: 100_000,
          prompts: [{ name: "p", cases: PROMPT_70, costPerCallUsd: 0.001 }],
          fineTunes: [
            { name: "coder-ft", model: "acme/coder-lora", cases: FINE_TUNE_72, costPerCallUsd: 0.003 },
          ],
        },
      ]);
      const suite = evaluateRule(run, { dataReports: [data] }).report.suites[0]!;
      const cost = suite.findings.find((f) => f.rule === 4)!;
      expect(cost.severity).toBe("violation");
      expect(cost.message).toBe(
        "coder-ft costs $200 more a month than p at 100,000 calls ($300 against $100) and gains only +2.0 points, less than the 5.0 required: it does not pay",
      );
      expect(suite.fineTunes[0]!.costs.costPerPointUsd).toBeCloseTo((30 + 12 * 200) / 2, 9);
    });

    it("says why a cost is unknown", () => {
      const run = buildRuleRun([
        {
          name: "coding",
          prompts: [{ name: "p", cases: PROMPT_70 }],
          fineTunes: [{ name: "coder-ft", model: "acme/coder-lora", cases: FINE_TUNE_94 }],
        },
      ]);
      const costs = evaluateRule(run).report.suites[0]!.fineTunes[0]!.costs;
      expect(costs.trainingUsd).toBeNull();
      expect(costs.trainingReason).toBe("training/coding.jsonl was not checked, so its tokens are not known");
      expect(costs.inferenceReason).toBe("the suite sets no volume (calls a month)");
      expect(costs.paybackMonths).toBeNull();
    });
  });

  describe("5: training data passes its checks; leakage is always a violation", () => {
    const run = buildRuleRun([
      {
        name: "coding",
        target: 0.9,
        prompts: [{ name: "p", cases: PROMPT_70 }],
        fineTunes: [{ name: "coder-ft", model: "acme/coder-lora", cases: FINE_TUNE_94 }],
      },
    ]);

    it("is violated by check errors", () => {
      const bad = buildDataReport("./training/coding.jsonl", {
        errors: [{ code: "invalid-json", line: 4, message: "not valid JSON" }],
      });
      const suite = evaluateRule(run, { dataReports: [bad] }).report.suites[0]!;
      expect(suite.status).toBe("violated");
      expect(suite.reasons[0]).toBe(
        "training/coding.jsonl fails its checks with 1 error(s) (line 4: not valid JSON): fix the training data before training",
      );
      expect(suite.data[0]).toMatchObject({ file: "training/coding.jsonl", status: "fail", errorCount: 1 });
      expect(suite.recommendation.kind).toBe("improve");
      expect(suite.recommendation.text).toMatch(/^fix the training data first/);
    });

    it("keeps leakage a violation under warn, while other violations become warnings (the gate only warns)", () => {
      const leaky = buildDataReport("training/coding.jsonl", {
        errors: [{ code: "invalid-json", line: 4, message: "not valid JSON" }],
        leaks: [{ line: 12, suite: "coding", caseId: "case-3" }],
      });
      const { report, comparison } = evaluateRule(run, { dataReports: [leaky], mode: "warn" });
      const suite = report.suites[0]!;
      expect(suite.status).toBe("violated");
      expect(suite.findings.filter((f) => f.rule === 5).map((f) => f.severity)).toEqual([
        "violation",
        "warning",
      ]);
      expect(suite.reasons[0]).toContain(
        "leaks 1 eval case(s) into training (line 12: case case-3 of coding)",
      );
      expect(suite.data[0]!.leakage).toBe(1);
      const applied = applyPromptFirst(comparison, report, [leaky], "warn", "any");
      expect(applied.verdict.gates.promptFirst?.status).toBe("warn");
      expect(applied.verdict.failed).toBe(false);
      expect(applied.dataReports).toEqual([leaky]);
    });
  });

  describe("6: training data changed, no model yet", () => {
    it("checks 1, 2 and 5, estimates the training cost and says what the fine-tune must reach", () => {
      const run = buildRuleRun([
        {
          name: "coding",
          target: 0.85,
          prompts: [{ name: "p", cases: PROMPT_70 }],
          fineTunes: [{ name: "coder-ft" }],
        },
      ]);
      const data = buildDataReport("training/coding.jsonl", {
        costUsd: 4.2,
        billedPerEpoch: 466_667,
        diff: { added: 120, removed: 3, changed: 5 },
      });
      const { report, comparison } = evaluateRule(run, {
        dataReports: [data],
        changedTrainingFiles: ["training/coding.jsonl"],
      });
      const suite = report.suites[0]!;
      expect(suite.status).toBe("holds");
      expect(suite.findings.map((f) => f.rule)).toEqual([6, 2, 5, 6]);
      expect(suite.reasons).toEqual([
        "training/coding.jsonl changes: 120 example(s) added, 3 removed, 5 answer(s) changed",
        "the best prompt, p, scores 70.0% (SE 4.6): 15.0 points short of the 85.0% target",
        "training/coding.jsonl passes its checks: 200 example(s)",
        "coder-ft is not trained yet (the data changes first, training after merge); to be worth it, it must reach 85.0% (the 85.0% target; p + 5.0 points is 75.0%); training is estimated at $4.20 (466,667 tokens × 3 epoch(s))",
      ]);
      const ft = suite.fineTunes[0]!;
      expect(ft).toMatchObject({ trained: false, dataChanged: true, gain: null, requiredScore: 0.85 });
      expect(ft.costs.trainingUsd).toBe(4.2);
      expect(suite.data[0]).toMatchObject({ changed: true, diff: { added: 120, removed: 3, changed: 5 } });
      expect(suite.recommendation).toEqual({
        kind: "fine-tune",
        text: "train coder-ft: p falls 15.0 points short of the 85.0% target; to be worth it, it must reach 85.0%; training is estimated at $4.20",
      });
      expect(
        applyPromptFirst(comparison, report, [data], "enforce", "any").verdict.gates.promptFirst?.status,
      ).toBe("pass");
    });

    it("requires the best prompt + the minimum gain when that is above the target", () => {
      const run = buildRuleRun([
        { name: "coding", prompts: [{ name: "p", cases: PROMPT_70 }], fineTunes: [{ name: "coder-ft" }] },
      ]);
      const suite = evaluateRule(run).report.suites[0]!;
      expect(suite.fineTunes[0]!.requiredScore).toBeCloseTo(0.75, 12);
      expect(suite.reasons.at(-1)).toContain("it must reach 75.0% (p's 70.0% + 5.0 points)");
    });

    it("warns when the data changes but the candidate still names the previous model", () => {
      const spec = {
        name: "coding",
        target: 0.9,
        prompts: [{ name: "p", cases: PROMPT_70 }],
        fineTunes: [{ name: "coder-ft", model: "acme/coder-lora", cases: FINE_TUNE_94 }],
      };
      const base = buildRuleRun([spec], { sha: "0000000111111" });
      const head = buildRuleRun([spec]);
      const suite = evaluateRule(head, { base, changedTrainingFiles: ["training/coding.jsonl"] }).report
        .suites[0]!;
      expect(suite.status).toBe("warning");
      expect(suite.reasons[0]).toBe(
        "training/coding.jsonl changes but coder-ft still names the model trained before (acme/coder-lora): its scores are the previous model's — retrain, then update fineTune.model",
      );
    });
  });

  describe("7: per cluster", () => {
    it("shows where the best prompt falls short of the target and where it suffices", () => {
      const chapter = (i: number): string => ["cardiology", "oncology", "general"][i % 3]!;
      // general: all pass; cardiology: 1 in 3; oncology: none.
      const prompt = buildCases(
        60,
        (i) => chapter(i) === "general" || (chapter(i) === "cardiology" && i % 9 === 0),
        chapter,
      );
      const fineTune = buildCases(60, (i) => chapter(i) !== "oncology" || i % 2 === 0, chapter);
      const run = buildRuleRun([
        {
          name: "coding",
          target: 0.8,
          prompts: [{ name: "p", cases: prompt }],
          fineTunes: [{ name: "coder-ft", model: "acme/coder-lora", cases: fineTune }],
        },
      ]);
      const suite = evaluateRule(run).report.suites[0]!;
      expect(
        suite.clusters.map((c) => [c.cluster, c.n, c.bestPromptScore, c.status, c.fineTune?.score]),
      ).toEqual([
        ["oncology", 20, 0, "falls short", 0.5],
        ["cardiology", 20, expect.closeTo(7 / 20, 12), "falls short", 1],
        ["general", 20, 1, "suffices", 1],
      ]);
      expect(suite.reasons.join("\n")).toContain(
        "p falls short of the 80.0% target on 2 of 3 cluster(s): oncology 0.0% (20 cases), cardiology 35.0% (20 cases); it suffices on general: fine-tune only the clusters that fall short",
      );
    });
  });

  describe("8: one recommendation per suite", () => {
    it("blends across the config: one suite stays on a prompt, another uses the fine-tune", () => {
      const run = buildRuleRun([
        {
          name: "support",
          target: 0.65,
          prompts: [{ name: "kb-prompt", cases: PROMPT_70 }],
        },
        {
          name: "medical-coding",
          target: 0.9,
          prompts: [{ name: "coding-prompt", cases: PROMPT_70 }],
          fineTunes: [{ name: "icd10-ft", model: "acme/icd10-lora", cases: FINE_TUNE_94 }],
        },
        {
          name: "triage",
          target: 0.9,
          prompts: [{ name: "triage-prompt", cases: PROMPT_70 }],
          fineTunes: [{ name: "triage-ft", model: "acme/triage-lora", cases: FINE_TUNE_72 }],
        },
        { name: "billing", fineTunes: [{ name: "billing-ft" }] },
      ]);
      const { report } = evaluateRule(run);
      expect(report.suites.map((s) => [s.suite, s.status, s.recommendation.kind])).toEqual([
        ["support", "not applicable", "prompt"],
        ["medical-coding", "holds", "fine-tune"],
        ["triage", "violated", "improve"],
        ["billing", "violated", "measure-first"],
      ]);
      expect(report.summary).toBe(
        "support: prompt · medical-coding: fine-tune · triage: improve the prompt or the data · billing: measure first",
      );
      expect(report.status).toBe("violated");
    });
  });

  describe("9: model lifecycle", () => {
    it("warns with the days left and says when a prompt on a current model matches the fine-tune", () => {
      const matching = buildCases(100, (i) => i % 50 < 47); // 94%, the fine-tune's 94% within noise
      const run = buildRuleRun([
        {
          name: "support",
          target: 0.95,
          prompts: [{ name: "prompt-x", model: "model-y", cases: matching }],
          fineTunes: [
            {
              name: "support-ft",
              baseModel: "gpt-4o-mini-2024-07-18",
              model: "ft:gpt-4o-mini-2024-07-18:acme:support:abc123",
              cases: FINE_TUNE_94,
            },
          ],
        },
      ]);
      const suite = evaluateRule(run).report.suites[0]!;
      expect(suite.lifecycle).toHaveLength(1);
      const warning = suite.lifecycle[0]!;
      expect(warning).toMatchObject({
        candidate: "support-ft",
        model: "ft:gpt-4o-mini-2024-07-18:acme:support:abc123",
        shutdownDate: "2027-01-14",
        daysLeft: 49,
        matchedBy: { candidate: "prompt-x", model: "model-y", verdict: "matches", n: 100 },
      });
      expect(warning.message).toMatch(
        /^your fine-tune support-ft \(ft:gpt-4o-mini-2024-07-18:acme:support:abc123\) retires on 2027-01-14 \(49 days left\); OpenAI accepts no new fine-tuning jobs from 2027-01-06; prompt prompt-x on model-y matches it \(0\.0 points, 95% CI -\d\.\d to \+\d\.\d on 100 case\(s\)\) — retire the fine-tune$/,
      );
      expect(suite.findings.find((f) => f.rule === 9)).toMatchObject({
        severity: "warning",
        candidate: "support-ft",
      });
      // The fine-tune does not beat the prompt, so the rule is violated and the recommendation is the migration.
      expect(suite.status).toBe("violated");
      expect(suite.recommendation).toMatchObject({ kind: "prompt" });
      expect(suite.recommendation.text).toMatch(/^retire support-ft: prompt prompt-x on model-y matches it/);
    });

    it("warns about an untrained fine-tune of a retiring base model and a prompt on a retiring model", () => {
      const run = buildRuleRun([
        {
          name: "support",
          prompts: [{ name: "legacy", model: "gpt-4o-mini", cases: PROMPT_70 }],
          fineTunes: [{ name: "support-ft", baseModel: "gpt-4.1-mini-2025-04-14", model: undefined }],
        },
      ]);
      run.suites.support!.candidates["support-ft"]!.baseURL = "https://api.openai.com/v1";
      const suite = evaluateRule(run, { today: new Date("2027-01-20T00:00:00Z") }).report.suites[0]!;
      expect(suite.lifecycle.map((l) => [l.candidate, l.model, l.daysLeft])).toEqual([
        ["legacy", "gpt-4o-mini", -6],
        ["support-ft", "gpt-4.1-mini-2025-04-14", -6],
      ]);
      expect(suite.lifecycle[0]!.message).toBe(
        "legacy's model gpt-4o-mini shuts down on 2027-01-14 (shut down 6 days ago); no prompt candidate on a current model in this suite: add one to see whether a prompt matches it",
      );
      expect(suite.lifecycle[1]!.message).toContain(
        "support-ft's base model gpt-4.1-mini-2025-04-14 shuts down on 2027-01-14",
      );
    });

    it("tells a worse replacement from one that is within noise", () => {
      const retiring = buildCases(100, () => true);
      const worse = buildCases(100, (i) => i % 10 < 7);
      const close = [1, 1, 1, 0, 1].map((score, i) => ({ id: `case-${i}`, score }));
      const build = (cases: typeof worse, ftCases: typeof retiring) =>
        buildRuleRun([
          {
            name: "s",
            prompts: [{ name: "new", model: "model-y", cases }],
            fineTunes: [{ name: "ft", model: "ft:gpt-4o-2024-08-06:acme::x1", cases: ftCases }],
          },
        ]);
      const a = evaluateRule(build(worse, retiring)).report.suites[0]!.lifecycle[0]!;
      expect(a.matchedBy?.verdict).toBe("worse");
      expect(a.message).toContain("scores 30.0 points lower");
      const b = evaluateRule(build(close, retiring.slice(0, 5))).report.suites[0]!.lifecycle[0]!;
      expect(b.matchedBy?.verdict).toBe("inconclusive");
      expect(b.message).toContain("within noise");
    });
  });

  it("reports today's date and keeps the comparison valid with data reports attached", () => {
    const run = buildRuleRun([
      { name: "coding", prompts: [{ name: "p", cases: PROMPT_70 }], fineTunes: [{ name: "coder-ft" }] },
    ]);
    const data = buildDataReport("training/coding.jsonl");
    const { report, comparison } = evaluateRule(run, { dataReports: [data] });
    expect(report.today).toBe(TODAY.toISOString().slice(0, 10));
    const applied = applyPromptFirst(comparison, report, [data], "enforce", "any");
    expect(comparisonSchema.parse(JSON.parse(JSON.stringify(applied)))).toEqual(applied);
    expect(Object.keys(applied).slice(-3)).toEqual(["promptFirst", "dataReports", "verdict"]);
  });
});
