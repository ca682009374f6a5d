import { applyPromptFirst, comparisonSchema, evaluatePromptFirst } from "@promptfirst/core";
import { describe, expect, it } from "vitest";
import { renderComment } from "./comment.ts";
import {
  makeDataReport,
  makeFineTuneJustifiedScenario,
  makePromptFirstViolationScenario,
} from "./test-fixtures.ts";
import { CMARK, checkMarkdownTables, checkRenderedHtml, IN_CI, renderGfm } from "./test-tools.ts";

/** The fixtures' runs with core's own prompt-first rule applied (not a hand-written report). */
function applyRealRule(make: typeof makeFineTuneJustifiedScenario, file: string, mode: "enforce" | "warn") {
  const { base, head, comparison } = make();
  for (const suite of Object.values(head.suites)) {
    for (const c of Object.values(suite.candidates)) {
      if (c.kind === "fine-tune") {
        c.fineTune = {
          baseModel: "meta-llama/Llama-3.1-8B-Instruct",
          trainingData: file,
          trainingPricePerMTok: 0.5,
        };
      }
    }
  }
  const dataReports = [makeDataReport({ file })];
  const report = evaluatePromptFirst({
    head,
    base,
    comparison,
    dataReports,
    changedTrainingFiles: [file],
    mode,
    minFineTuneGain: 0.05,
    maxScoreDrop: 0.02,
    confidence: 0.95,
    today: new Date("2026-11-25T00:00:00Z"),
  });
  return applyPromptFirst(comparison, report, dataReports, mode, "any");
}

describe("with core's prompt-first rule", () => {
  it.each([
    ["fine-tune justified", makeFineTuneJustifiedScenario, "training/icd10.jsonl"],
    ["violation", makePromptFirstViolationScenario, "training/coding.jsonl"],
  ] as const)("%s: the comment shows the rule's verdict, reasons and recommendation", (_, make, file) => {
    const comparison = applyRealRule(make, file, "enforce");
    expect(comparisonSchema.safeParse(comparison).success).toBe(true);
    const markdown = renderComment(comparison, { key: "k" });
    const report = comparison.promptFirst!;
    expect(markdown).toContain("Prompt first (enforce)");
    for (const suite of report.suites) expect(markdown).toContain(`\`${suite.suite}\`: ${suite.status}`);
    expect(checkMarkdownTables(markdown).problems).toEqual([]);
    if (CMARK || IN_CI) expect(checkRenderedHtml(renderGfm(markdown))).toEqual([]);
  });
});
