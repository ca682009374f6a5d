import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildRunResult, type CaseSpec, compareRuns, type RunResult } from "@promptfirst/core";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliRun, makeTempDir, runCli } from "../test-helpers.ts";

/** Run `promptfirst report` in-process through the CLI's entry point, with captured output. */
function runReport(argv: string[], cwd: string): Promise<CliRun> {
  return runCli(["report", ...argv], { cwd });
}

function cases(fail: (i: number) => boolean): CaseSpec[] {
  return Array.from({ length: 200 }, (_, i) => ({
    id: `c${i}`,
    vars: { i },
    score: fail(i) ? 0 : 1,
    output: fail(i) ? "<b>wrong</b> @team" : "right",
  }));
}

function run(fail: (i: number) => boolean): RunResult {
  return buildRunResult({ suites: [{ name: "qa", candidates: [{ name: "p1", cases: cases(fail) }] }] });
}

let dir: string;

beforeAll(async () => {
  dir = await makeTempDir();
  const base = run((i) => i % 10 === 0);
  const head = run((i) => i % 10 === 0 || i % 7 === 1);
  const comparison = compareRuns(base, head, {}, { now: () => new Date("2026-11-25T12:00:00Z") });
  const files: Record<string, unknown> = {
    "base.json": base,
    "head.json": head,
    "comparison.json": comparison,
    "bad-value.json": { ...comparison, suites: [{ name: 42 }] },
    "future.json": { ...comparison, schemaVersion: 9 },
    "not-a-comparison.json": { hello: "world" },
  };
  const other = run((i) => i % 3 === 0);
  Object.assign(files, {
    "alone/comparison.json": comparison,
    "stale/comparison.json": comparison,
    "stale/head.json": { ...other, createdAt: "2026-01-01T00:00:00.000Z" },
  });
  for (const [name, value] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), JSON.stringify(value));
  }
  await writeFile(path.join(dir, "broken.json"), "{ not json");
});

describe("promptfirst report", () => {
  it("prints the PR comment with the marker of --key", async () => {
    const r = await runReport(["--comparison", "comparison.json", "--format", "md", "--key", "ci/eval"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## ❌ promptfirst: ❌ quality failed/);
    expect(r.stdout).toContain("<!-- promptfirst:comment key=ci/eval -->");
  });

  it("keeps the comment within --max-chars", async () => {
    const r = await runReport(["-c", "comparison.json", "-f", "md", "--max-chars", "3000"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThanOrEqual(3000);
  });

  it.each([
    ["summary", "## ❌ promptfirst"],
    ["json", '"schemaVersion": 1'],
  ])("--format %s", async (format, expected) => {
    const r = await runReport(["-c", "comparison.json", "-f", format], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(expected);
  });

  it("writes the HTML report with every case of --head and --base to --out", async () => {
    const r = await runReport(
      [
        "-c",
        "comparison.json",
        "-f",
        "html",
        "--head",
        "head.json",
        "--base",
        "base.json",
        "-o",
        "out/report.html",
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("html report written to out/report.html\n");
    const html = await readFile(path.join(dir, "out/report.html"), "utf8");
    expect(html.match(/<tr class="case /g)).toHaveLength(200);
    expect(html).toContain("&lt;b&gt;wrong&lt;/b&gt;");
  });

  it("writes JUnit XML with one test per case of --head", async () => {
    const r = await runReport(["-c", "comparison.json", "-f", "junit", "--head", "head.json"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/<testcase [^>]*classname="qa.p1"/g)).toHaveLength(200);
  });

  it("finds the runs gate and the Action write beside the comparison, and only when they are its own", async () => {
    const r = await runReport(["-c", "comparison.json", "-f", "junit"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("using head.json: the head run of this comparison (--head to choose another)\n");
    expect(r.stdout.match(/<testcase [^>]*classname="qa.p1"/g)).toHaveLength(200);
    const html = await runReport(["-c", "comparison.json", "-f", "html"], dir);
    expect(html.stderr).toContain("using base.json: the base run of this comparison");
    expect(html.stdout.match(/<tr class="case /g)).toHaveLength(200);
    // A head.json from another run beside the comparison is not this comparison's run: not used.
    const stale = await runReport(["-c", "stale/comparison.json", "-f", "junit"], dir);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain("--format junit needs head's RunResult");
    // md needs no run, and reads none.
    expect((await runReport(["-c", "comparison.json", "-f", "md"], dir)).stderr).toBe("");
  });

  it.each([
    [["-f", "md"], "--comparison is required"],
    [["-c", "comparison.json"], "--format is required: one of md, summary, html, junit, json"],
    [
      ["-c", "comparison.json", "-f", "pdf"],
      '--format must be one of md, summary, html, junit, json; got "pdf"',
    ],
    [["-c", "alone/comparison.json", "-f", "junit"], "--format junit needs head's RunResult"],
    [
      ["-c", "comparison.json", "-f", "md", "--max-chars", "12"],
      '--max-chars must be a whole number of at least 2000, got "12"',
    ],
    [["-c", "comparison.json", "-f", "md", "--bogus"], "Unknown option '--bogus'"],
  ])("usage error %j → exit 2", async (argv, message) => {
    const r = await runReport(argv, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("promptfirst report --help");
  });

  it.each([
    ["missing.json", "missing.json: comparison file not found"],
    ["broken.json", "broken.json: not valid JSON"],
    ["not-a-comparison.json", "not-a-comparison.json: not a promptfirst comparison"],
    ["future.json", "future.json: schemaVersion: the file has Comparison schemaVersion 9"],
    ["bad-value.json", "bad-value.json: suites[0].name: Invalid input: expected string, received number"],
    ["head.json", "head.json: not a promptfirst comparison"],
  ])("a bad comparison file %s → exit 2 with a message naming it", async (file, message) => {
    const r = await runReport(["-c", file, "-f", "md"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });

  it("names an --out path it cannot write, with no stack trace", async () => {
    const r = await runReport(["-c", "comparison.json", "-f", "md", "--out", "."], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot write .: it is a folder: give a file name inside it (EISDIR)");
    expect(r.stderr).not.toMatch(/internal error|\n +at /);
  });

  it("names a bad --head file", async () => {
    const r = await runReport(["-c", "comparison.json", "-f", "junit", "--head", "comparison.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("comparison.json");
  });

  it("prints its help", async () => {
    const r = await runReport(["--help"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: promptfirst report --comparison FILE --format FORMAT");
  });
});
