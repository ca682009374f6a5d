import { comparisonSchema } from "@promptfirst/core";
import { describe, expect, it } from "vitest";
import {
  renderComment,
  renderEvaluatingComment,
  renderJobSummary,
  renderNothingTouchedComment,
  renderStoppedComment,
} from "./comment.ts";
import { hasCommentMarker, renderCommentMarker } from "./markdown/footer.ts";
import { renderVerdictLine } from "./markdown/headline.ts";
import {
  makeCostFailScenario,
  makeFineTuneJustifiedScenario,
  makeModelShutdownScenario,
  makeNotEvaluatedScenario,
  makePassScenario,
  makePromptFirstViolationScenario,
  makeRegressionScenario,
} from "./test-fixtures.ts";

const OPTIONS = {
  key: "pr-check/evaluate/promptfirst.yaml",
  reportUrl: "https://github.com/acme/support-bot/actions/runs/123/artifacts/456",
  runUrl: "https://github.com/acme/support-bot/actions/runs/123",
};

/** The comparisons rendered as golden comments. */
const GOLDEN_SCENARIOS = {
  pass: makePassScenario,
  regression: makeRegressionScenario,
  "cost-fail": makeCostFailScenario,
  "prompt-first-violation": makePromptFirstViolationScenario,
  "fine-tune-justified": makeFineTuneJustifiedScenario,
  "model-shutdown": makeModelShutdownScenario,
  "not-evaluated": makeNotEvaluatedScenario,
} as const;

describe("renderComment golden files", () => {
  it.each(Object.entries(GOLDEN_SCENARIOS))("%s", async (name, make) => {
    const { comparison } = make();
    expect(comparisonSchema.safeParse(comparison).success).toBe(true);
    await expect(renderComment(comparison, OPTIONS)).toMatchFileSnapshot(`__golden__/${name}.md`);
  });

  it("nothing touched", async () => {
    await expect(
      renderNothingTouchedComment({
        key: OPTIONS.key,
        sha: "5d6e7f8a9b0c",
        base: "main",
        runUrl: OPTIONS.runUrl,
      }),
    ).toMatchFileSnapshot("__golden__/nothing-touched.md");
  });

  it("evaluating", async () => {
    await expect(
      renderEvaluatingComment({
        key: OPTIONS.key,
        sha: "5d6e7f8a9b0c",
        suites: ["support", "icd10"],
        runUrl: OPTIONS.runUrl,
      }),
    ).toMatchFileSnapshot("__golden__/evaluating.md");
  });
});

describe("the verdict line", () => {
  const gate = (status: string) => ({ status, reasons: [], findings: [] }) as never;
  const verdict = (quality: string, cost: string, promptFirst?: string, errors = "pass") => ({
    thresholds: {} as never,
    verdict: {
      status: "pass",
      failed: false,
      failOn: "any",
      gates: {
        quality: gate(quality),
        cost: gate(cost),
        errors: gate(errors),
        ...(promptFirst ? { promptFirst: gate(promptFirst) } : {}),
      },
    } as never,
  });

  it.each([
    ["pass", "✅ quality"],
    ["fail", "❌ quality failed"],
    ["inconclusive", "🟡 quality inconclusive"],
    ["not evaluated", "⚪ quality not evaluated"],
    ["unknown", "❔ quality unknown"],
    ["warn", "⚠️ quality warning"],
  ])("%s reads %j, and only a pass is green", (status, word) => {
    const line = renderVerdictLine(verdict(status, "pass", "pass"));
    expect(line.startsWith(word)).toBe(true);
    expect(line.split("✅").length - 1).toBe(status === "pass" ? 3 : 2);
  });

  it("a missing prompt-first gate is not evaluated, never a pass; the errors gate shows when it did not pass", () => {
    expect(renderVerdictLine(verdict("pass", "pass"))).toBe(
      "✅ quality · ✅ cost · ⚪ prompt first not evaluated",
    );
    expect(renderVerdictLine(verdict("pass", "pass", "not applicable", "fail"))).toBe(
      "✅ quality · ✅ cost · ➖ prompt first not applicable · ❌ errors failed",
    );
  });
});

describe("renderComment budget", () => {
  it("drops detail in stages and says so", () => {
    const { comparison } = makeRegressionScenario();
    const full = renderComment(comparison, OPTIONS);
    expect(full).toContain("improvement in support / prompt-v3");
    expect(full).not.toContain("[!NOTE]");

    const regressionsOnly = renderComment(comparison, { ...OPTIONS, maxChars: full.length - 1 });
    expect(regressionsOnly.length).toBeLessThan(full.length);
    expect(regressionsOnly).toContain("the improved cases' details were left out");
    expect(regressionsOnly).toContain("<summary>❌ 9 regressions");
    expect(regressionsOnly).toContain(
      "[full report](https://github.com/acme/support-bot/actions/runs/123/artifacts/456) has every case",
    );

    const summary = renderComment(comparison, { ...OPTIONS, maxChars: 6_000 });
    expect(summary.length).toBeLessThanOrEqual(6_000);
    expect(summary).not.toContain("**Head output**");
    expect(summary).toContain("9 regressions (passed on base, fail on head): case-002");

    const cut = renderComment(comparison, { ...OPTIONS, maxChars: 2_000 });
    expect(cut.length).toBeLessThanOrEqual(2_000);
    expect(cut).toContain("the end of the report was cut");
    expect(cut.endsWith(`${renderCommentMarker(OPTIONS.key)}\n`)).toBe(true);
  });

  it("refuses a budget too small for the verdict and the marker", () => {
    expect(() => renderComment(makePassScenario().comparison, { ...OPTIONS, maxChars: 100 })).toThrow(
      RangeError,
    );
  });

  it("the job summary has more room and no marker", () => {
    const { comparison } = makeFineTuneJustifiedScenario();
    const summary = renderJobSummary(comparison);
    expect(summary).not.toContain("promptfirst:comment");
    expect(summary).toContain("Per cluster: where prompting falls short");
  });
});

describe("the marker", () => {
  it("is found again by its key, and a key cannot end the comment early", () => {
    const body = renderEvaluatingComment({ key: "ci.yml/eval/promptfirst.yaml", sha: "abc1234", suites: [] });
    expect(hasCommentMarker(body, "ci.yml/eval/promptfirst.yaml")).toBe(true);
    expect(hasCommentMarker(body, "ci.yml/other/promptfirst.yaml")).toBe(false);
    expect(renderCommentMarker("a --> <b> c")).toBe("<!-- promptfirst:comment key=a_-___b__c -->");
    expect(renderCommentMarker("")).toBe("<!-- promptfirst:comment key=default -->");
  });
});

describe("the stopped comment", () => {
  it("says the check stopped with its error, carries the marker, and has no verdict", () => {
    const body = renderStoppedComment({
      key: "ci.yml/eval/promptfirst.yaml",
      sha: "abc1234def",
      message: "commit 0123 is not in the checkout and could not be fetched from origin",
      runUrl: "https://github.com/o/r/actions/runs/1",
    });
    expect(body).toContain("stopped before a verdict");
    expect(body).toContain("could not be fetched from origin");
    expect(body).toContain("`abc1234`");
    expect(hasCommentMarker(body, "ci.yml/eval/promptfirst.yaml")).toBe(true);
    expect(body).not.toMatch(/✅|❌/);
  });
});
