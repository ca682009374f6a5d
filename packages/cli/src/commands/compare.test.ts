import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildRunResult, type CaseSpec, comparisonSchema, type RunResult } from "@promptfirst/core";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliRun, makeTempDir, runCli } from "../test-helpers.ts";

/** Run `promptfirst compare` in-process through the CLI's entry point, with captured output. */
function runCompare(argv: string[], cwd: string): Promise<CliRun> {
  return runCli(["compare", ...argv], { cwd });
}

function cases(count: number, fail: (i: number) => boolean): CaseSpec[] {
  return Array.from({ length: count }, (_, i) => ({ id: `c${i}`, vars: { i }, score: fail(i) ? 0 : 1 }));
}

function run(fail: (i: number) => boolean, costPerCallUsd = 0.001): RunResult {
  return buildRunResult({
    suites: [{ name: "qa", candidates: [{ name: "p1", cases: cases(300, fail), costPerCallUsd }] }],
  });
}

let dir: string;

beforeAll(async () => {
  dir = await makeTempDir();
  const files: Record<string, unknown> = {
    "base.json": run((i) => i % 10 === 0),
    "same.json": run((i) => i % 10 === 0),
    "worse.json": run((i) => i % 10 === 0 || i % 6 === 1),
    "pricier.json": run((i) => i % 10 === 0, 0.00125),
    "future.json": { ...run(() => false), schemaVersion: 2 },
    "empty.json": buildRunResult({ suites: [] }),
  };
  for (const [name, value] of Object.entries(files)) {
    await writeFile(path.join(dir, name), JSON.stringify(value));
  }
  const text = JSON.stringify(
    run(() => false),
    null,
    2,
  );
  await writeFile(path.join(dir, "truncated.json"), text.slice(0, Math.floor(text.length / 2)));
});

describe("promptfirst compare", () => {
  it("exits 0 when every gate passes, prints the verdict and writes a valid Comparison", async () => {
    const result = await runCompare(
      ["--base", "base.json", "--head", "same.json", "--out", "out/c.json"],
      dir,
    );
    expect(result.stderr).toBe("comparison written to out/c.json\n");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("✓ quality · ✓ cost · ✓ errors");
    expect(result.stdout).toContain("Suite qa — 300 case(s) on both sides");
    expect(result.stdout).toMatch(/p1 +test-model +90\.0% → 90\.0% +0\.0 \(0\.0 to 0\.0\) +✓ pass/);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("check passes");
    const written = comparisonSchema.parse(JSON.parse(await readFile(path.join(dir, "out/c.json"), "utf8")));
    expect(written.base.file).toBe("base.json");
    expect(written.verdict.status).toBe("pass");
  });

  it("exits 1 when nothing at all was evaluated: zero cases is never a pass", async () => {
    const result = await runCompare(["--base", "empty.json", "--head", "empty.json"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("– quality not evaluated");
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(
      "check fails (--fail-on any): no case was evaluated, and zero cases is never a pass",
    );
    expect((await runCompare(["-b", "empty.json", "-H", "empty.json", "--fail-on", "never"], dir)).code).toBe(
      0,
    );
  });

  it("exits 2 naming the --out file when it cannot be written, after printing the verdict", async () => {
    await writeFile(path.join(dir, "a-file"), "");
    for (const [out, why] of [
      ["a-file/c.json", "a part of its path is a file, not a folder"],
      [".", "it is a folder: give a file name inside it"],
    ] as const) {
      const result = await runCompare(["-b", "base.json", "-H", "same.json", "--out", out], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`cannot write ${out}: ${why}`);
      expect(result.stderr).not.toMatch(/internal error|\n +at /);
      expect(result.stdout.split("\n")[0]).toBe("✓ quality · ✓ cost · ✓ errors");
    }
  });

  it("exits 1 on a significant drop larger than allowed, naming suite, candidate and figures", async () => {
    const result = await runCompare(["--base", "base.json", "--head", "worse.json"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")[0]).toBe("✗ quality failed · ✓ cost · ✓ errors");
    expect(result.stdout).toMatch(
      /✗ qa \/ p1: score fell 16\.7 points, more than the 2\.0 allowed, and the drop is significant/,
    );
    expect(result.stdout).toContain(
      "p1: 50 regression(s), passed on base and fail on head: c1 (1.00 → 0.00)",
    );
    // A larger allowance turns the same drop into a pass; --fail-on cost ignores quality.
    expect(
      (await runCompare(["-b", "base.json", "-H", "worse.json", "--max-score-drop", "20%"], dir)).code,
    ).toBe(0);
    expect((await runCompare(["-b", "base.json", "-H", "worse.json", "--fail-on", "cost"], dir)).code).toBe(
      0,
    );
  });

  it("exits 1 when cost per call rises more than --max-cost-increase", async () => {
    const up25 = await runCompare(["--base", "base.json", "--head", "pricier.json"], dir);
    expect(up25.code).toBe(1);
    expect(up25.stdout).toContain("✗ qa / p1: cost per call rose +25%, more than the 20% allowed");
    expect(
      (await runCompare(["-b", "base.json", "-H", "pricier.json", "--max-cost-increase", "30"], dir)).code,
    ).toBe(0);
    const monthly = await runCompare(
      ["-b", "base.json", "-H", "same.json", "--max-monthly-cost", "$5", "--min-score", "0.95"],
      dir,
    );
    expect(monthly.code).toBe(1);
    expect(monthly.stdout).toContain("no monthly projection: the suite sets no volume");
    expect(monthly.stdout).toContain("✗ qa / p1: score 90.0% is below the minimum of 95.0%");
  });

  it.each([
    [[], "--base and --head are required"],
    [["--base", "base.json"], "--head is required"],
    [
      ["-b", "base.json", "-H", "same.json", "--fail-on", "sometimes"],
      '--fail-on must be one of any, quality, cost, errors, prompt-first, never; got "sometimes"',
    ],
    [
      ["-b", "base.json", "-H", "same.json", "--confidence", "1"],
      '--confidence must be a number strictly between 0 and 1 (or a percentage such as 80%), got "1"',
    ],
    [
      ["-b", "base.json", "-H", "same.json", "--max-cost-increase", "lots"],
      '--max-cost-increase must be a percentage of 0 or more (e.g. 20), got "lots"',
    ],
    [["-b", "base.json", "-H", "same.json", "--bogus"], "Unknown option '--bogus'"],
    [["-b", "missing.json", "-H", "same.json"], "missing.json: result file not found"],
    [["-b", "base.json", "-H", "truncated.json"], "truncated.json:"],
    [
      ["-b", "future.json", "-H", "same.json"],
      "future.json: schemaVersion: the file has RunResult schemaVersion 2",
    ],
  ])("exits 2 with one clear message for %j", async (argv, message) => {
    const result = await runCompare(argv, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
  });

  it("says a truncated file was cut off", async () => {
    const result = await runCompare(["-b", "base.json", "-H", "truncated.json"], dir);
    expect(result.stderr).toMatch(/^truncated\.json:\d+: the result file ends early/);
  });

  it("prints its help", async () => {
    const result = await runCompare(["--help"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: promptfirst compare --base FILE --head FILE");
    expect(result.stdout).toContain("--fail-on GATE");
  });
});
