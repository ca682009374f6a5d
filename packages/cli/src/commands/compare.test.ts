import { mkdir, readFile, writeFile } from "node:fs/promises";
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

/** 100 cases run three times; on `flaky` side case c7 passes 2 of its 3 samples; `costPerCallUsd` null: unknown. */
function repeated(flaky: boolean, costPerCallUsd: number | null): RunResult {
  const cases: CaseSpec[] = Array.from({ length: 100 }, (_, i) => ({
    id: `c${i}`,
    vars: { i },
    samples: [{ score: 1 }, { score: flaky && i === 7 ? 0 : 1 }, { score: 1 }],
  }));
  return buildRunResult({
    suites: [{ name: "qa", repeat: 3, candidates: [{ name: "p1", cases, costPerCallUsd }] }],
  });
}

/** A valid config whose `gates:` block has these lines (the suites are never read by compare). */
function config(gates: string[]): string {
  return [
    "gates:",
    ...gates.map((line) => `  ${line}`),
    "suites:",
    "  qa:",
    "    cases: evals/qa.jsonl",
    '    scorers: [{ contains: "{{expected}}" }]',
    "    candidates:",
    "      p1: { model: test-model, prompt: prompts/p1.md }",
    "",
  ].join("\n");
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
    "steady.json": repeated(false, 0.001),
    "flaky-unpriced.json": repeated(true, null),
  };
  for (const [name, value] of Object.entries(files)) {
    await writeFile(path.join(dir, name), JSON.stringify(value));
  }
  const configs: Record<string, string> = {
    "loose.yaml": config(["maxScoreDrop: 0.2", "maxCostIncrease: 30"]),
    "strict.yaml": config(["minPassRate: 0.8", "failOnUnknownCost: true", "promptFirst: off"]),
    "bad.yaml": config(["minPassRate: 1.5"]),
  };
  for (const [name, text] of Object.entries(configs)) await writeFile(path.join(dir, name), text);
  await mkdir(path.join(dir, "folder.yaml"));
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
    [
      ["-b", "base.json", "-H", "same.json", "--config", "missing.yaml"],
      "missing.yaml: config file not found (--config)",
    ],
    [
      ["-b", "base.json", "-H", "same.json", "-c", "folder.yaml"],
      "folder.yaml: cannot read the config file (--config): it is a folder, not a file",
    ],
    [
      ["-b", "base.json", "-H", "same.json", "-c", "bad.yaml"],
      "bad.yaml has 1 problem:\n  bad.yaml:2: gates.minPassRate: must be between 0 and 1, got 1.5",
    ],
    [
      ["-b", "base.json", "-H", "same.json", "--fail-on-unknown-cost", "--no-fail-on-unknown-cost"],
      "--fail-on-unknown-cost and --no-fail-on-unknown-cost cannot be used together",
    ],
  ])("exits 2 with one clear message for %j", async (argv, message) => {
    const result = await runCompare(argv, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
  });

  it("takes thresholds from --config's gates:, and flags override them one by one", async () => {
    // worse.json drops 16.7 points and costs the same: the defaults fail it, loose.yaml allows 20 points.
    expect((await runCompare(["-b", "base.json", "-H", "worse.json"], dir)).code).toBe(1);
    const loose = await runCompare(
      ["-b", "base.json", "-H", "worse.json", "--config", "loose.yaml", "-o", "loose.json"],
      dir,
    );
    expect(loose.code).toBe(0);
    expect(loose.stdout).toMatch(
      /✓ qa \/ p1: 90\.0% → 73\.3% on 300 paired case\(s\), -16\.7 points .*within the 20\.0 points allowed/,
    );
    const written = comparisonSchema.parse(JSON.parse(await readFile(path.join(dir, "loose.json"), "utf8")));
    expect(written.thresholds).toMatchObject({ maxScoreDrop: 0.2, maxCostIncrease: 30, maxErrorRate: 0.05 });
    // A flag wins over the config's value; the config's other keys still apply (+25% is within its 30%).
    const flagWins = await runCompare(
      ["-b", "base.json", "-H", "worse.json", "-c", "loose.yaml", "--max-score-drop", "2%"],
      dir,
    );
    expect(flagWins.code).toBe(1);
    expect(flagWins.stdout).toContain("more than the 2.0 allowed, and the drop is significant");
    expect((await runCompare(["-b", "base.json", "-H", "pricier.json", "-c", "loose.yaml"], dir)).code).toBe(
      0,
    );
  });

  it("takes minPassRate and failOnUnknownCost from --config, and the flags override them", async () => {
    const files = ["-b", "steady.json", "-H", "flaky-unpriced.json"];
    // Without a config: no pass-rate check, and the unknown price is only reported.
    const plain = await runCompare(files, dir);
    expect(plain.code).toBe(0);
    expect(plain.stdout.split("\n")[0]).toBe("✓ quality · ? cost unknown · ✓ errors");
    const strict = await runCompare([...files, "-c", "strict.yaml", "-o", "strict.json"], dir);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("✗ qa / p1: 1 case(s) pass in fewer than 80.0% of their samples: c7");
    expect(strict.stdout).toContain(
      "✗ qa / p1: cost unknown: no price is known for test-model on head, and an unknown cost fails the check",
    );
    const written = comparisonSchema.parse(JSON.parse(await readFile(path.join(dir, "strict.json"), "utf8")));
    expect(written.thresholds).toMatchObject({ minPassRate: 0.8, failOnUnknownCost: true });
    // compare does not apply the prompt-first rule, so the config's promptFirst is not taken.
    expect(written.thresholds.promptFirst).toBeUndefined();
    // Flags win: a lower minimum pass rate, and --no-fail-on-unknown-cost over the config's true.
    const relaxed = await runCompare(
      [...files, "-c", "strict.yaml", "--min-pass-rate", "60%", "--no-fail-on-unknown-cost"],
      dir,
    );
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout.split("\n")[0]).toBe("✓ quality · ? cost unknown · ✓ errors");
    expect((await runCompare([...files, "-c", "strict.yaml", "--min-pass-rate", "0.6"], dir)).code).toBe(1);
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
    expect(result.stdout).toContain(
      "  -c, --config FILE             take the thresholds from this config's gates: block (the flags below override",
    );
    expect(result.stdout).toContain("      --no-fail-on-unknown-cost\n");
  });
});
