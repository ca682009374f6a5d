import { copyFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { dataReportSchema } from "@promptfirst/core";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliRun, makeTempDir, REPO_ROOT, runCli } from "../test-helpers.ts";

const FIXTURES = path.join(REPO_ROOT, "packages/core/src/training/fixtures");

/** Run `promptfirst check-data` in-process through the CLI's entry point, with captured output. */
function checkData(argv: string[], cwd: string): Promise<CliRun> {
  return runCli(["check-data", ...argv], { cwd });
}

const CONFIG = `suites:
  coding:
    cases: evals/coding.jsonl
    scorers:
      - contains: "{{expected}}"
    candidates:
      prompt:
        model: gpt-4.1-mini
        prompt: prompts/coding.md
      coding-ft:
        prompt: prompts/coding.md
        provider:
          baseURL: https://api.together.xyz/v1
          apiKeyEnv: TOGETHER_API_KEY
        fineTune:
          trainingData: training/coding.jsonl
          baseModel: meta-llama/Llama-3.1-8B-Instruct
          trainingPricePerMTok: 0.48
`;

describe("promptfirst check-data", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await makeTempDir();
    await mkdir(path.join(dir, "evals"));
    await mkdir(path.join(dir, "prompts"));
    await mkdir(path.join(dir, "training"));
    await copyFile(path.join(FIXTURES, "medical-coding-evals.jsonl"), path.join(dir, "evals/coding.jsonl"));
    await copyFile(path.join(FIXTURES, "medical-coding-good.jsonl"), path.join(dir, "training/coding.jsonl"));
    await copyFile(path.join(FIXTURES, "medical-coding-good.jsonl"), path.join(dir, "training/good.jsonl"));
    await copyFile(
      path.join(FIXTURES, "medical-coding-defects.jsonl"),
      path.join(dir, "training/defects.jsonl"),
    );
    await writeFile(
      path.join(dir, "prompts/coding.md"),
      "---\nsystem: You are a certified medical coder.\n---\n{{note}}\n",
    );
    await writeFile(path.join(dir, "promptfirst.yaml"), CONFIG);
  });

  it("passes good data and prints a summary (exit 0)", async () => {
    const run = await checkData(["training/good.jsonl", "--model", "meta-llama/Llama-3.1-8B-Instruct"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "training/good.jsonl: PASS — 60 chat examples, base meta-llama/Llama-3.1-8B-Instruct",
    );
    expect(run.stdout).toMatch(/tokens: ≈[\d,]+ with cl100k_base/);
    expect(run.stdout).toContain("0 errors, 0 warnings");
  });

  it("uses the config: the fine-tune's model and price, and its suite's cases for leakage", async () => {
    const run = await checkData(["--config", "promptfirst.yaml"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("training/coding.jsonl: PASS");
    expect(run.stdout).toMatch(
      /1 epoch \(Together's default n_epochs is 1\), [\d,]+ billed tokens, ≈ \$0\.\d{4} at \$0\.48\/1M tokens \(configured\)/,
    );
    expect(run.stdout).toContain("0 leaked eval cases (of 8 checked)");
  });

  it("fails defective data with each problem at its line (exit 1)", async () => {
    await copyFile(path.join(dir, "training/defects.jsonl"), path.join(dir, "training/coding.jsonl"));
    try {
      const run = await checkData(
        ["training/coding.jsonl", "--suite", "coding", "--context-limit", "4096"],
        dir,
      );
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("training/coding.jsonl: FAIL");
      expect(run.stdout).toContain(
        'training/coding.jsonl:17: error: the input is eval case "note-03" of suite "coding" (evals/coding.jsonl:3)',
      );
      expect(run.stdout).toContain(
        "training/coding.jsonl:41: error: same input as line 9 but a different answer",
      );
      expect(run.stdout).toMatch(
        /training\/coding\.jsonl:52: error: the example has [\d,]+ tokens, over the configured limit of 4,096/,
      );
    } finally {
      await copyFile(path.join(dir, "training/good.jsonl"), path.join(dir, "training/coding.jsonl"));
    }
  });

  it("prints DataReports as JSON with --json", async () => {
    const run = await checkData(
      ["training/good.jsonl", "training/defects.jsonl", "--json", "--model", "gpt-4.1-mini", "--epochs", "2"],
      dir,
    );
    expect(run.code).toBe(1);
    const reports = JSON.parse(run.stdout) as unknown[];
    expect(reports).toHaveLength(2);
    const [good, defects] = reports.map((r) => dataReportSchema.parse(r));
    expect(good).toMatchObject({ file: "training/good.jsonl", status: "pass", baseModel: "gpt-4.1-mini" });
    expect(good!.tokens).toMatchObject({ encoding: "o200k_base", approximate: false, contextLimit: 65_536 });
    expect(good!.epochs).toMatchObject({ value: 2, source: "config" });
    expect(good!.cost.pricePerMTok).toBe(5);
    expect(defects!.findings.map((f) => f.code)).toEqual(["contradiction"]);
  });

  it("diffs against a base version", async () => {
    const head = path.join(dir, "training/head.jsonl");
    const lines = (await import("node:fs"))
      .readFileSync(path.join(dir, "training/good.jsonl"), "utf8")
      .trimEnd()
      .split("\n");
    lines.splice(3, 1);
    await writeFile(head, `${lines.join("\n")}\n`);
    const run = await checkData(
      ["training/head.jsonl", "--base-file", "training/good.jsonl", "--model", "gpt-4.1-mini"],
      dir,
    );
    expect(run.stdout).toContain("vs training/good.jsonl: +0 added, −1 removed, ~0 changed, 59 unchanged");
  });

  it.each([
    [[], /name the training file\(s\) to check/],
    [["x.jsonl", "--epochs", "two"], /--epochs must be a positive whole number, got "two"/],
    [
      ["x.jsonl", "--price-per-mtok", "free"],
      /--price-per-mtok must be a price in USD per 1M tokens \(e.g. 0.5\), got "free"/,
    ],
    [
      ["x.jsonl", "--tokenizer", "llama3"],
      /--tokenizer must be one of o200k_base, cl100k_base, got "llama3"/,
    ],
    [["a.jsonl", "b.jsonl", "--base-file", "c.jsonl"], /--base-file compares one file/],
    [["x.jsonl", "--frobnicate"], /Unknown option '--frobnicate'/],
  ])("usage error %j (exit 2)", async (args, message) => {
    const run = await checkData(args, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("names a file it cannot read (exit 2)", async () => {
    const run = await checkData(["training/missing.jsonl"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("training/missing.jsonl: training data file not found\n");
  });
});
