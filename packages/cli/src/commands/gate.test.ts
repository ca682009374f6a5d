import { execFileSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { comparisonSchema, runResultSchema } from "@promptfirst/core";
import { type MockOpenAIServer, scriptedModel, startMockOpenAI } from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, runCli } from "../test-helpers.ts";

const CASES = 40;

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
}

/** A repository whose main branch holds a suite of arithmetic questions and an unrelated second suite. */
async function makeRepo(baseURL: string): Promise<string> {
  const dir = await makeTempDir("promptfirst-gate-");
  await mkdir(path.join(dir, "evals"), { recursive: true });
  const cases = Array.from({ length: CASES }, (_, i) =>
    JSON.stringify({ id: `c${i}`, vars: { n: i }, expected: `${i + 1}` }),
  );
  await writeFile(path.join(dir, "evals", "math.jsonl"), `${cases.join("\n")}\n`);
  await writeFile(
    path.join(dir, "evals", "other.jsonl"),
    `${JSON.stringify({ id: "x", vars: { n: 1 }, expected: "2" })}\n`,
  );
  await writeFile(path.join(dir, "add-one.md"), "Add one to {{n}}. Answer with the number only.\n");
  await writeFile(path.join(dir, "other.md"), "What is {{n}} plus one?\n");
  await writeFile(
    path.join(dir, "promptfirst.yaml"),
    `provider:
  baseURL: ${baseURL}
pricing:
  "m-*": { input: 1, output: 2 }
suites:
  math:
    cases: evals/math.jsonl
    scorers:
      - exact: "{{expected}}"
    candidates:
      careful:
        model: m-careful
        prompt: add-one.md
  other:
    cases: evals/other.jsonl
    scorers:
      - exact: "{{expected}}"
    candidates:
      plain:
        model: m-careful
        prompt: other.md
`,
  );
  await writeFile(path.join(dir, ".gitignore"), ".promptfirst/\n");
  git(dir, "init", "--quiet", "--initial-branch=main");
  git(dir, "add", "-A");
  git(dir, "commit", "--quiet", "-m", "base");
  return dir;
}

describe("promptfirst gate", () => {
  let server: MockOpenAIServer;

  beforeAll(async () => {
    // Answers right unless the prompt says "quickly": then every fourth answer is off by one.
    server = await startMockOpenAI({
      respond: scriptedModel([
        {
          match: () => true,
          answer: (req) => {
            const text = String(req.messages.at(-1)?.content ?? "");
            const n = Number(/to (\d+)/.exec(text)?.[1] ?? /(\d+) plus/.exec(text)?.[1] ?? 0);
            return String(/quickly/i.test(text) && n % 4 === 0 ? n + 2 : n + 1);
          },
        },
      ]),
    });
  });
  afterAll(() => server.close());

  it("evaluates only the touched suite on base and head, shares the cache, and fails a real regression", async () => {
    const dir = await makeRepo(server.baseURL);
    await writeFile(path.join(dir, "add-one.md"), "Quickly add one to {{n}}. Answer with the number only.\n");
    const before = server.stats.completions;
    const run = await runCli(["gate"], { cwd: dir });
    expect(run.stderr).toContain("suite math: add-one.md changed");
    expect(run.stderr).not.toContain("suite other");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("✗ quality failed");
    const comparison = comparisonSchema.parse(
      JSON.parse(await readFile(path.join(dir, ".promptfirst/gate/comparison.json"), "utf8")),
    );
    expect(comparison.suites.map((suite) => suite.name)).toEqual(["math"]);
    expect(comparison.verdict.gates.quality.status).toBe("fail");
    const head = runResultSchema.parse(
      JSON.parse(await readFile(path.join(dir, ".promptfirst/gate/head.json"), "utf8")),
    );
    expect(head.suites.math!.candidates.careful!.summary.meanScore).toBeCloseTo(0.75, 10);
    expect(head.git?.ref).toBe("working tree");
    expect(server.stats.completions - before).toBe(2 * CASES);

    // Run again: base and head are both answered from the shared cache.
    const again = await runCli(["gate", "-q"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(server.stats.completions - before).toBe(2 * CASES);
    // The user's checkout is untouched and the temporary worktree is gone.
    expect(git(dir, "worktree", "list").trim().split("\n")).toHaveLength(1);
    expect(git(dir, "status", "--porcelain")).toBe(" M add-one.md\n");
  });

  it("does not let a change loosen its own gates: the base's gates: apply", async () => {
    const dir = await makeRepo(server.baseURL);
    const config = await readFile(path.join(dir, "promptfirst.yaml"), "utf8");
    await writeFile(
      path.join(dir, "promptfirst.yaml"),
      `gates:\n  maxScoreDrop: 1\n  promptFirst: off\n${config}`,
    );
    await writeFile(path.join(dir, "add-one.md"), "Quickly add one to {{n}}. Answer with the number only.\n");
    const run = await runCli(["gate", "-q"], { cwd: dir });
    expect(run.code).toBe(1);
    const comparison = comparisonSchema.parse(
      JSON.parse(await readFile(path.join(dir, ".promptfirst/gate/comparison.json"), "utf8")),
    );
    expect(comparison.thresholds.maxScoreDrop).toBe(0.02);
    expect(comparison.verdict.gates.quality.status).toBe("fail");
  });

  it("passes a change that keeps quality, and says nothing is touched when nothing is", async () => {
    const dir = await makeRepo(server.baseURL);
    const untouched = await runCli(["gate"], { cwd: dir });
    expect(untouched.code).toBe(0);
    expect(untouched.stdout).toMatch(/No suite is touched by the changes since merge-base\(HEAD, main\)/);

    git(dir, "checkout", "--quiet", "-b", "pr");
    await writeFile(path.join(dir, "add-one.md"), "Add one to {{n}}. Reply with the number alone.\n");
    git(dir, "commit", "--quiet", "-am", "reword");
    const run = await runCli(["gate", "--base", "main", "--max-score-drop", "0.05"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("✓ quality");
  });

  it("treats a suite new on head as new (no base) and compares it to nothing", async () => {
    const dir = await makeRepo(server.baseURL);
    const config = await readFile(path.join(dir, "promptfirst.yaml"), "utf8");
    await writeFile(
      path.join(dir, "promptfirst.yaml"),
      config.replace(
        "suites:\n",
        'suites:\n  fresh:\n    cases: evals/other.jsonl\n    scorers: [{ exact: "{{expected}}" }]\n    candidates:\n      p: { model: m-careful, prompt: other.md }\n',
      ),
    );
    const run = await runCli(["gate", "-q"], { cwd: dir });
    expect(run.stderr).toBe("");
    const comparison = comparisonSchema.parse(
      JSON.parse(await readFile(path.join(dir, ".promptfirst/gate/comparison.json"), "utf8")),
    );
    const fresh = comparison.suites.find((suite) => suite.name === "fresh");
    expect(fresh?.candidates.map((c) => [c.name, c.status])).toEqual([["p", "new"]]);
  });

  /** The verdict line of a gate's output (after the head run's summary). */
  function verdictLine(stdout: string): string | undefined {
    return stdout.split("\n").find((line) => /^\S quality\b/.test(line));
  }

  /** The pull request adds training data and a fine-tune candidate that is not trained yet. */
  async function addFineTuneData(dir: string, options: { leak?: boolean } = {}): Promise<void> {
    git(dir, "checkout", "--quiet", "-b", "pr");
    await mkdir(path.join(dir, "training"), { recursive: true });
    const examples = Array.from({ length: 12 }, (_, i) => ({
      messages: [
        { role: "system", content: "You add one to numbers." },
        {
          role: "user",
          content:
            options.leak && i === 0
              ? "Add one to 7. Answer with the number only."
              : `What is ${100 + i} plus one, please?`,
        },
        { role: "assistant", content: String(101 + i) },
      ],
    }));
    await writeFile(
      path.join(dir, "training", "math.jsonl"),
      `${examples.map((e) => JSON.stringify(e)).join("\n")}\n`,
    );
    const config = await readFile(path.join(dir, "promptfirst.yaml"), "utf8");
    await writeFile(
      path.join(dir, "promptfirst.yaml"),
      config
        .replace(
          "    cases: evals/math.jsonl\n",
          "    cases: evals/math.jsonl\n    target: 0.9\n    volume: 10000\n",
        )
        .replace(
          "        prompt: add-one.md\n",
          "        prompt: add-one.md\n      math-ft:\n        prompt: add-one.md\n        fineTune:\n          trainingData: training/math.jsonl\n          baseModel: meta-llama/Llama-3.1-8B-Instruct\n          trainingPricePerMTok: 0.5\n          epochs: 2\n",
        ),
    );
    git(dir, "add", "-A");
    git(dir, "commit", "--quiet", "-m", "add fine-tuning data");
  }

  it("applies the prompt-first rule to a pull request that adds training data before the fine-tune exists", async () => {
    const dir = await makeRepo(server.baseURL);
    await addFineTuneData(dir);
    const run = await runCli(["gate", "--base", "main", "-q"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(verdictLine(run.stdout)).toBe(
      "~ quality inconclusive · ✓ cost · ✓ errors · ✗ prompt first failed",
    );
    expect(run.stdout).toContain(
      "Prompt first (enforce; a fine-tune must gain 5.0 points over the best prompt): ✗ violated",
    );
    expect(run.stdout).toContain(
      "✗ the best prompt, careful on m-careful, already reaches the 90.0% target at 100.0% (SE 0.0): the fine-tune is not needed",
    );
    expect(run.stdout).toContain(
      "· training/math.jsonl changes: 12 example(s) added, 0 removed, 0 answer(s) changed",
    );
    expect(run.stdout).toMatch(
      /· math-ft is not trained yet \(the data changes first, training after merge\); to be worth it, it must reach 100\.0% .*; training is estimated at \$/,
    );
    expect(run.stdout).toMatch(/training\/math\.jsonl +warn +12 +0 +\d+ +0 +\+12 −0 ~0/);

    const comparison = comparisonSchema.parse(
      JSON.parse(await readFile(path.join(dir, ".promptfirst/gate/comparison.json"), "utf8")),
    );
    expect(comparison.thresholds.promptFirst).toBe("enforce");
    expect(comparison.dataReports?.map((r) => [r.file, r.examples, r.diff?.added])).toEqual([
      ["training/math.jsonl", 12, 12],
    ]);
    const suite = comparison.promptFirst?.suites[0];
    expect(suite?.status).toBe("violated");
    expect(suite?.recommendation.kind).toBe("prompt");
    expect(suite?.fineTunes[0]).toMatchObject({ candidate: "math-ft", trained: false, dataChanged: true });
    // The check used the candidate's epochs and training price: 2 epochs × the file's tokens × $0.5 per 1M.
    const report = comparison.dataReports![0]!;
    expect(report.tokens.billed).toBe(report.tokens.billedPerEpoch * 2);
    expect(report.cost.pricePerMTok).toBe(0.5);
    expect(suite?.fineTunes[0]?.costs).toMatchObject({
      trainingUsd: report.cost.usd,
      trainingSource: "data report",
    });

    const warned = await runCli(["gate", "--base", "main", "-q", "--prompt-first", "warn"], { cwd: dir });
    expect(warned.code).toBe(0);
    expect(verdictLine(warned.stdout)).toBe(
      "~ quality inconclusive · ✓ cost · ✓ errors · ! prompt first warning",
    );
    expect(warned.stdout).toContain(
      "! the best prompt, careful on m-careful, already reaches the 90.0% target",
    );

    const off = await runCli(["gate", "--base", "main", "-q", "--prompt-first", "off"], { cwd: dir });
    expect(off.code).toBe(0);
    expect(verdictLine(off.stdout)).toBe("~ quality inconclusive · ✓ cost · ✓ errors");
    expect(off.stdout).not.toContain("Prompt first");

    // The config's gates: set the mode — the base's, so a pull request cannot relax its own check: added only
    // on head they do not apply; a flag sets the mode either way.
    const config = await readFile(path.join(dir, "promptfirst.yaml"), "utf8");
    await writeFile(path.join(dir, "promptfirst.yaml"), `gates:\n  promptFirst: warn\n${config}`);
    expect((await runCli(["gate", "--base", "main", "-q"], { cwd: dir })).code).toBe(1);
    expect(
      (await runCli(["gate", "--base", "main", "-q", "--prompt-first", "warn"], { cwd: dir })).code,
    ).toBe(0);
  });

  it("reports eval cases leaked into the training data as a violation, even under warn", async () => {
    const dir = await makeRepo(server.baseURL);
    await addFineTuneData(dir, { leak: true });
    const run = await runCli(["gate", "--base", "main", "-q", "--prompt-first", "warn"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(verdictLine(run.stdout)).toBe(
      "~ quality inconclusive · ✓ cost · ✓ errors · ! prompt first warning",
    );
    expect(run.stdout).toContain("math: ✗ violated");
    expect(run.stdout).toContain(
      "✗ training/math.jsonl leaks 1 eval case(s) into training (line 1: case c7 of math)",
    );
  });

  it.each([
    [["gate", "--base", "no-such-branch"], 'git ref "no-such-branch" not found'],
    [["gate", "--prompt-first", "strict"], '--prompt-first must be one of enforce, warn, off; got "strict"'],
    [
      ["gate", "--min-fine-tune-gain", "12"],
      '--min-fine-tune-gain must be a number between 0 and 1 (or a percentage such as 80%), got "12"',
    ],
    [
      ["gate", "--fail-on", "sometimes"],
      '--fail-on must be one of any, quality, cost, errors, prompt-first, never; got "sometimes"',
    ],
  ])("exits 2 with a clear message for %j", async (argv, message) => {
    const dir = await makeRepo(server.baseURL);
    const run = await runCli(argv, { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("compares with the branch point, not main's tip, when main moved on after the branch", async () => {
    const dir = await makeRepo(server.baseURL);
    git(dir, "checkout", "--quiet", "-b", "pr");
    git(dir, "checkout", "--quiet", "main");
    await writeFile(path.join(dir, "add-one.md"), "Add one to {{n}}. Reply with the number alone.\n");
    git(dir, "commit", "--quiet", "-am", "main rewords the prompt after the branch");
    git(dir, "checkout", "--quiet", "pr");
    // Against main's tip the prompt would differ; against the merge base nothing changed on this branch.
    const run = await runCli(["gate"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/No suite is touched by the changes since merge-base\(HEAD, main\)/);
    const againstTip = await runCli(["gate", "--base", "main"], { cwd: dir });
    expect(againstTip.stderr).toContain("suite math: add-one.md changed");
    expect(againstTip.stdout).not.toContain("No suite is touched");
    expect([0, 1]).toContain(againstTip.code);
  });

  it("says what to pass when there is no main or master branch to compare with", async () => {
    const dir = await makeRepo(server.baseURL);
    git(dir, "branch", "--quiet", "-m", "main", "trunk");
    const run = await runCli(["gate"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "found no main or master branch to compare against; pass --base REF (a branch, tag or commit)",
    );
  });

  it("refuses an --out folder it cannot write before making any call", async () => {
    const dir = await makeRepo(server.baseURL);
    await writeFile(path.join(dir, "a-file"), "");
    const calls = server.stats.requests;
    const run = await runCli(["gate", "--out", "a-file/gate"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot write a-file/gate: a part of its path is a file, not a folder");
    expect(run.stderr).not.toMatch(/internal error|\n +at /);
    expect(server.stats.requests).toBe(calls);
  });

  it("needs a git repository", async () => {
    const dir = await makeTempDir();
    await writeFile(path.join(dir, "promptfirst.yaml"), "suites: {}\n");
    const run = await runCli(["gate"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("is not inside a git repository");
  });
});
