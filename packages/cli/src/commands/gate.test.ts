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

  it.each([
    [["gate", "--base", "no-such-branch"], 'git ref "no-such-branch" not found'],
    [
      ["gate", "--fail-on", "sometimes"],
      '--fail-on must be one of any, quality, cost, errors, never; got "sometimes"',
    ],
  ])("exits 2 with a clear message for %j", async (argv, message) => {
    const dir = await makeRepo(server.baseURL);
    const run = await runCli(argv, { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("needs a git repository", async () => {
    const dir = await makeTempDir();
    await writeFile(path.join(dir, "promptfirst.yaml"), "suites: {}\n");
    const run = await runCli(["gate"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("is not inside a git repository");
  });
});
