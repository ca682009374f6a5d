import { execFile } from "node:child_process";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
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

  it("the bundle reads lines on a worker thread, with its packed ranks, and reports as one thread does", async () => {
    const out = await makeTempDir("promptfirst-cli-bundle-");
    try {
      const cliDir = path.join(REPO_ROOT, "packages/cli");
      await promisify(execFile)(process.execPath, [path.join(cliDir, "build.mjs"), out], { cwd: cliDir });
      // The packed ranks are the library's ranks, token for token.
      const training = path.join(REPO_ROOT, "packages/core/src/training");
      const { buildRankTable, buildRankTableFromPacked } = (await import(
        /* @vite-ignore */ path.join(training, "bpe.ts")
      )) as typeof import("../../../core/src/training/bpe.ts");
      const { importRanks } = (await import(
        /* @vite-ignore */ path.join(training, "tokens.ts")
      )) as typeof import("../../../core/src/training/tokens.ts");
      for (const encoding of ["o200k_base", "cl100k_base"] as const) {
        const packed = buildRankTableFromPacked(await readFile(path.join(out, `${encoding}.ranks`)))!;
        const built = buildRankTable(await importRanks(encoding));
        for (const key of ["bytes", "offsets", "slots"] as const) {
          expect(Buffer.from(packed[key].buffer).equals(Buffer.from(built[key].buffer)), key).toBe(true);
        }
      }
      // Counts the worker threads the bundle starts on its own script.
      const counting = path.join(out, "count-workers.mjs");
      await writeFile(
        counting,
        `import { syncBuiltinESMExports } from "node:module";
  import threads from "node:worker_threads";
  let started = 0;
  const Worker = threads.Worker;
  threads.Worker = class extends Worker {
    constructor(script, options) {
      super(script, options);
      if (String(script).endsWith("/training-worker.js") && options?.workerData?.task === "read") started++;
    }
  };
  syncBuiltinESMExports();
  process.on("exit", () => process.stderr.write(\`workers started: \${started}\\n\`));
  `,
      );
      const good = (await readFile(path.join(FIXTURES, "medical-coding-good.jsonl"), "utf8")).trimEnd();
      const defects = (await readFile(path.join(FIXTURES, "medical-coding-defects.jsonl"), "utf8")).trimEnd();
      // About 1.5 MB: six batches of lines.
      await writeFile(
        path.join(dir, "training/big.jsonl"),
        `${Array(60).fill(`${good}\n${defects}`).join("\n")}\n`,
      );
      const run = (workers: string) =>
        promisify(execFile)(
          process.execPath,
          [
            "--import",
            counting,
            path.join(out, "promptfirst.js"),
            "check-data",
            "training/big.jsonl",
            "--json",
            "--model",
            "gpt-4.1-mini",
            "--workers",
            workers,
          ],
          { cwd: dir, maxBuffer: 64 * 1024 * 1024 },
        ).catch((error: { code: number; stdout: string; stderr: string }) => error);
      const [threaded, single] = await Promise.all([run("1"), run("0")]);
      expect(threaded.stderr).toContain("workers started: 1");
      expect(single.stderr).toContain("workers started: 0");
      expect(JSON.parse(threaded.stdout)).toEqual(JSON.parse(single.stdout));
      // A bundle without them (as the Action's): the library's ranks, on the calling thread, the same report.
      await Promise.all(
        ["training-worker.js", "o200k_base.ranks", "cl100k_base.ranks"].map((f) => rm(path.join(out, f))),
      );
      const without = await run("1");
      expect(without.stderr).toContain("workers started: 0");
      expect(JSON.parse(without.stdout)).toEqual(JSON.parse(single.stdout));
      expect(dataReportSchema.parse(JSON.parse(threaded.stdout)[0])).toMatchObject({
        examples: 7200,
        status: "fail",
      });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
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
    [
      ["x.jsonl", "--workers", "many"],
      /--workers must be a whole number of threads from 0 to 64, got "many"/,
    ],
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
