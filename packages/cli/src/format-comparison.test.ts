import {
  applyPromptFirst,
  buildRunResult,
  type CaseSpec,
  compareRuns,
  evaluatePromptFirst,
  type GateStatus,
  type RunResult,
} from "@promptfirst/core";
import { describe, expect, it } from "vitest";
import { formatComparison, formatVerdictLine } from "./format-comparison.ts";

const NOW = () => new Date("2026-11-25T12:00:00.000Z");

function cases(count: number, fail: (i: number) => boolean = () => false): CaseSpec[] {
  return Array.from({ length: count }, (_, i) => ({ id: `case-${i}`, score: fail(i) ? 0 : 1 }));
}

function run(
  ref: string,
  sha: string,
  support: { prompt: CaseSpec[]; cost: number | null; latencyMs: number },
  extra: { fresh?: boolean } = {},
): RunResult {
  return buildRunResult({
    git: { ref, sha },
    suites: [
      {
        name: "support",
        target: 0.85,
        volume: 50_000,
        candidates: [
          {
            name: "prompt-v3",
            model: "gpt-4o-mini",
            cases: support.prompt,
            costPerCallUsd: support.cost,
            latencyMs: support.latencyMs,
          },
          ...(extra.fresh
            ? [{ name: "prompt-v4", model: "gpt-4.1-mini", cases: cases(200, (i) => i % 10 === 0) }]
            : []),
          {
            name: "support-ft",
            kind: "fine-tune" as const,
            skipped: "fine-tune not trained yet (no fineTune.model)",
          },
        ],
      },
      {
        name: "triage",
        candidates: [{ name: "short", cases: cases(30, (i) => i === 3) }],
      },
    ],
  });
}

describe("formatComparison", () => {
  it("renders a failing comparison: verdict first, tables, regressions, reasons", async () => {
    const base = run("main", "1a2b3c4d5e6f", {
      prompt: cases(200, (i) => i % 10 === 0),
      cost: 0.0004,
      latencyMs: 800,
    });
    const head = run(
      "feature/shorter-prompt",
      "9f8e7d6c5b4a",
      { prompt: cases(200, (i) => i % 10 === 0 || i % 7 === 0), cost: 0.0005, latencyMs: 650 },
      { fresh: true },
    );
    const text = formatComparison(compareRuns(base, head, {}, { now: NOW, toolVersion: "0.1.0" }));
    expect(text.split("\n")[0]).toBe("✗ quality failed · ✗ cost failed · ✓ errors");
    await expect(text).toMatchFileSnapshot("__snapshots__/compare-failing.txt");
  });

  it("renders an unchanged, small suite as inconclusive, never with a check mark", async () => {
    const base = run("main", "1a2b3c4d5e6f", { prompt: cases(40), cost: null, latencyMs: 800 });
    const text = formatComparison(compareRuns(base, base, {}, { now: NOW, toolVersion: "0.1.0" }));
    expect(text.split("\n")[0]).toBe("~ quality inconclusive · ? cost unknown · ✓ errors");
    await expect(text).toMatchFileSnapshot("__snapshots__/compare-inconclusive.txt");
  });

  it("uses distinct words for every status", () => {
    const gate = (status: GateStatus) => ({
      status,
      reasons: [],
      findings: [],
    });
    const line = formatVerdictLine({
      verdict: {
        status: "fail",
        failed: true,
        failOn: "any",
        gates: {
          quality: gate("not evaluated"),
          cost: gate("unknown"),
          errors: gate("fail"),
          promptFirst: gate("pass"),
        },
      },
    });
    expect(line).toBe("– quality not evaluated · ? cost unknown · ✗ errors failed · ✓ prompt first");
    const words = (["warn", "not applicable"] as const).map((status) =>
      formatVerdictLine({
        verdict: {
          status,
          failed: false,
          failOn: "any",
          gates: {
            quality: gate("pass"),
            cost: gate("pass"),
            errors: gate("pass"),
            promptFirst: gate(status),
          },
        },
      }),
    );
    expect(words).toEqual([
      "✓ quality · ✓ cost · ✓ errors · ! prompt first warning",
      "✓ quality · ✓ cost · ✓ errors · ○ prompt first not applicable",
    ]);
  });

  it("renders the prompt-first section: status, recommendation, reasons, fine-tunes, clusters, shutdowns", async () => {
    // 8 clusters of 10 cases: the prompt passes 4 of 10 in the 3 hard ones and 9 of 10 elsewhere; the
    // fine-tune 9 of 10 in the hard ones and every case elsewhere.
    const chapters = [
      "cardiology",
      "oncology",
      "neurology",
      "dermatology",
      "general",
      "eyes",
      "bones",
      "children",
    ];
    const coded = (pass: (hard: boolean, j: number) => boolean): CaseSpec[] =>
      Array.from({ length: 80 }, (_, i) => ({
        id: `c${i}`,
        cluster: chapters[Math.floor(i / 10)]!,
        score: pass(i < 30, i % 10) ? 1 : 0,
      }));
    const run = buildRunResult({
      git: { ref: "feature/icd10-ft", sha: "9f8e7d6c5b4a" },
      suites: [
        {
          name: "medical-coding",
          target: 0.9,
          volume: 20_000,
          candidates: [
            {
              name: "coding-prompt",
              model: "gpt-6-luna",
              costPerCallUsd: 0.002,
              cases: coded((hard, j) => j < (hard ? 4 : 9)),
            },
            {
              name: "icd10-ft",
              kind: "fine-tune",
              model: "ft:gpt-4o-mini-2024-07-18:acme:icd10:x1",
              costPerCallUsd: 0.0006,
              cases: coded((hard, j) => !hard || j < 9),
            },
          ],
        },
        { name: "support", target: 0.7, candidates: [{ name: "kb-prompt", cases: cases(20, (i) => i < 3) }] },
      ],
    });
    run.suites["medical-coding"]!.candidates["icd10-ft"]!.fineTune = {
      baseModel: "gpt-4o-mini-2024-07-18",
      trainingData: "training/icd10.jsonl",
      model: "ft:gpt-4o-mini-2024-07-18:acme:icd10:x1",
      trainingPricePerMTok: 3,
    };
    const comparison = compareRuns(run, run, {}, { now: NOW, toolVersion: "0.1.0" });
    const report = evaluatePromptFirst({
      head: run,
      comparison,
      dataReports: [],
      changedTrainingFiles: [],
      mode: "enforce",
      minFineTuneGain: 0.05,
      maxScoreDrop: 0.02,
      confidence: 0.95,
      today: NOW(),
    });
    const text = formatComparison(applyPromptFirst(comparison, report, [], "enforce", "any"));
    expect(formatVerdictLine(applyPromptFirst(comparison, report, [], "enforce", "any"))).toBe(
      "~ quality inconclusive · ✓ cost · ✓ errors · ! prompt first warning",
    );
    await expect(text).toMatchFileSnapshot("__snapshots__/compare-prompt-first.txt");
  });
});
