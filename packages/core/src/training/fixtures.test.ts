import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCases } from "../cases/index.ts";
import { loadTrainingDataReport } from "../node/check-training-file.ts";
import type { EvalCaseRef } from "./eval-index.ts";

const FIXTURES = path.join(import.meta.dirname, "fixtures");
const MODEL = "meta-llama/Llama-3.1-8B-Instruct";

function loadEvalCases(): EvalCaseRef[] {
  const file = path.join(FIXTURES, "medical-coding-evals.jsonl");
  return parseCases(readFileSync(file, "utf8"), "evals/coding.jsonl").map((c) => ({
    suite: "coding",
    case: c,
  }));
}

describe("medical-coding fixtures", () => {
  it("the good set passes: 60 consistent examples, no findings", async () => {
    const report = await loadTrainingDataReport(path.join(FIXTURES, "medical-coding-good.jsonl"), {
      file: "training/coding.jsonl",
      baseModel: MODEL,
      provider: "together",
      contextLimit: 4096,
      evalCases: loadEvalCases(),
    });
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ status: "pass", examples: 60, format: "chat" });
    expect(report.tokens).toMatchObject({ encoding: "cl100k_base", approximate: true, overLimit: 0 });
    expect(report.quality.leakage.casesChecked).toBe(8);
  });

  it("the defective set fails on its leaked eval case, its contradiction and its over-long example", async () => {
    const report = await loadTrainingDataReport(path.join(FIXTURES, "medical-coding-defects.jsonl"), {
      file: "training/coding.jsonl",
      baseModel: MODEL,
      provider: "together",
      contextLimit: 4096,
      evalCases: loadEvalCases(),
    });
    expect(report.status).toBe("fail");
    expect(report.findings.map((f) => [f.line, f.code])).toEqual([
      [17, "leakage"],
      [41, "contradiction"],
      [52, "over-context-limit"],
    ]);
    expect(report.findings[0]!.message).toMatch(
      /eval case "note-03" of suite "coding" \(evals\/coding\.jsonl:3\)/,
    );
    expect(report.findings[1]!.message).toMatch(/same input as line 9/);
    expect(report.quality.contradictions.pairs).toEqual([{ line: 41, otherLine: 9 }]);
  });

  it("names a missing file", async () => {
    await expect(
      loadTrainingDataReport(path.join(FIXTURES, "nope.jsonl"), { file: "nope.jsonl" }),
    ).rejects.toThrow("nope.jsonl: training data file not found");
  });
});
