import { buildRunResult, type CaseSpec, compareRuns, type RunResult } from "@promptfirst/core";
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
    const gate = (status: "pass" | "fail" | "inconclusive" | "not evaluated" | "unknown") => ({
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
    expect(line).toBe("– quality not evaluated · ? cost unknown · ✗ errors failed · ✓ prompt-first");
  });
});
