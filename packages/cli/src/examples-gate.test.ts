import { execFileSync } from "node:child_process";
import { cp, readFile } from "node:fs/promises";
import path from "node:path";
import { type Comparison, comparisonSchema } from "@promptfirst/core";
import { describe, expect, it } from "vitest";
import { type CliRun, makeTempDir, REPO_ROOT, runCli } from "./test-helpers.ts";

/**
 * `promptfirst gate` end to end on each shipped example, as a pull request check runs it: a git repository whose
 * main branch is the example and whose branch is one of its `pr/` variants, evaluated offline from the example's
 * recording.
 */
async function gateOnExample(
  name: string,
  variant: string | undefined,
  extra: string[] = [],
): Promise<{ run: CliRun; comparison: Comparison }> {
  const source = path.join(REPO_ROOT, "examples", name);
  const repo = path.join(await makeTempDir("promptfirst-example-"), name);
  await cp(source, repo, {
    recursive: true,
    filter: (src) => {
      const top = path.relative(source, src).split(path.sep)[0];
      return top !== "pr" && top !== "recording.json" && top !== ".promptfirst";
    },
  });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], { cwd: repo });
  git("init", "--quiet", "--initial-branch=main");
  git("add", "-A");
  git("commit", "--quiet", "-m", "base");
  if (variant) {
    git("checkout", "--quiet", "-b", variant);
    await cp(path.join(source, "pr", variant), repo, { recursive: true });
    git("add", "-A");
    git("commit", "--quiet", "-m", variant);
  }
  const run = await runCli(
    ["gate", "-q", "--base", "main", "--replay", path.join(source, "recording.json"), ...extra],
    { cwd: repo },
  );
  const comparison = comparisonSchema.parse(
    JSON.parse(await readFile(path.join(repo, ".promptfirst/gate/comparison.json"), "utf8")),
  );
  return { run, comparison };
}

function suiteReport(comparison: Comparison, suite: string) {
  const report = comparison.promptFirst?.suites.find((s) => s.suite === suite);
  expect(report, `prompt-first report for suite ${suite}`).toBeDefined();
  return report!;
}

describe("promptfirst gate on the shipped examples", () => {
  it("customer-support / trim-knowledge-base: the quality gate catches the regression", async () => {
    const { run, comparison } = await gateOnExample("customer-support", "trim-knowledge-base");
    expect(run.code).toBe(1);
    expect(comparison.verdict.gates.quality.status).toBe("fail");
    expect(comparison.verdict.gates.cost.status).toBe("pass");
  });

  it("customer-support / add-fine-tuning-data: the fine-tune is not needed, the prompt already reaches the target", async () => {
    const { run, comparison } = await gateOnExample("customer-support", "add-fine-tuning-data");
    const support = suiteReport(comparison, "support");
    expect(support.status).toBe("violated");
    expect(support.recommendation.kind).toBe("prompt");
    expect(support.reasons.join("\n")).toMatch(/kb-prompt/);
    expect(comparison.verdict.gates.promptFirst?.status).toBe("fail");
    expect(run.code).toBe(1);
    // Under warn the same finding is reported but does not fail the check.
    const warned = await gateOnExample("customer-support", "add-fine-tuning-data", [
      "--prompt-first",
      "warn",
    ]);
    expect(warned.comparison.verdict.gates.promptFirst?.status).toBe("warn");
    expect(warned.run.code).toBe(0);
  });

  it("medical-coding: the fine-tune is justified, with its payback, and prompting falls short only in some chapters", async () => {
    const { comparison } = await gateOnExample("medical-coding", undefined, ["--all"]);
    const coding = comparison.promptFirst?.suites[0];
    expect(coding?.status).toBe("holds");
    expect(coding?.recommendation.kind).toBe("fine-tune");
    const ft = coding?.fineTunes.find((f) => f.candidate === "icd10-ft");
    expect(ft?.score).toBeCloseTo(56 / 60, 10);
    expect(ft?.gain?.meanDiff).toBeCloseTo(16 / 60, 10);
    expect(ft?.gain?.ciLow).toBeGreaterThan(0);
    expect(ft?.costs.paybackMonths).not.toBeNull();
    const clusters = Object.fromEntries((coding?.clusters ?? []).map((c) => [c.cluster, c.status]));
    expect(clusters).toMatchObject({ J: "suffices", S: "falls short", M: "falls short" });
  });

  it("medical-coding / add-records: leaked, contradictory and over-long training records violate the rule", async () => {
    const { run, comparison } = await gateOnExample("medical-coding", "add-records");
    const data = comparison.dataReports?.find((d) => d.file.endsWith("icd10.jsonl"));
    expect(data?.status).toBe("fail");
    const errorLines = data?.findings.filter((f) => f.severity === "error").map((f) => f.line);
    expect(errorLines).toEqual([144, 145, 146]);
    expect(data?.quality.leakage.count).toBe(1);
    expect(suiteReport(comparison, "coding").status).toBe("violated");
    expect(run.code).toBe(1);
  });

  it("fine-tune-migration / add-prompt-candidates: names the prompt that matches the retiring fine-tune", async () => {
    const { comparison } = await gateOnExample("fine-tune-migration", "add-prompt-candidates");
    const report = comparison.promptFirst?.suites[0];
    const shutdown = report?.lifecycle.find((l) => l.candidate === "triage-ft");
    expect(shutdown?.shutdownDate).toBe("2027-01-14");
    expect(shutdown?.matchedBy?.candidate).toBe("prompt-mini");
    expect(shutdown?.matchedBy?.verdict).toBe("matches");
    expect(shutdown?.message).toMatch(/retire/i);
    expect(report?.recommendation.kind).toBe("prompt");
  });
});
