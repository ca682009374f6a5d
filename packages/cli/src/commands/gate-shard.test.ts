import { execFileSync } from "node:child_process";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Comparison, comparisonSchema, runResultSchema } from "@promptfirst/core";
import { type MockOpenAIServer, scriptedModel, startMockOpenAI } from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, REPO_ROOT, runCli } from "../test-helpers.ts";

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
}

const jsonl = (ids: number[]) =>
  `${ids.map((n) => JSON.stringify({ id: `c${n}`, vars: { n }, expected: `${n + 1}` })).join("\n")}\n`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * main: 120 arithmetic cases and two candidates. The working tree (the change under review) drops cases 0-4,
 * adds 120-129, and rewords the `quick` candidate's prompt (which then gets every fourth answer wrong); the
 * `careful` candidate is unchanged, so its calls on cases both sides hold are the same on base and head.
 */
async function makeRepo(baseURL: string): Promise<string> {
  const dir = await makeTempDir("promptfirst-gate-shard-");
  await mkdir(path.join(dir, "evals"), { recursive: true });
  await writeFile(path.join(dir, "evals", "math.jsonl"), jsonl(range(0, 120)));
  await writeFile(path.join(dir, "add-one.md"), "Add one to {{n}}. Answer with the number only.\n");
  await writeFile(path.join(dir, "quick.md"), "Add one to {{n}}, fast.\n");
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
      careful: { model: m-careful, prompt: add-one.md }
      quick: { model: m-quick, prompt: quick.md }
`,
  );
  await writeFile(path.join(dir, ".gitignore"), ".promptfirst/\n");
  git(dir, "init", "--quiet", "--initial-branch=main");
  git(dir, "add", "-A");
  git(dir, "commit", "--quiet", "-m", "base");
  await writeFile(path.join(dir, "evals", "math.jsonl"), jsonl(range(5, 130)));
  await writeFile(path.join(dir, "quick.md"), "Quickly add one to {{n}}.\n");
  return dir;
}

async function readComparison(file: string): Promise<Comparison> {
  return comparisonSchema.parse(JSON.parse(await readFile(file, "utf8")));
}

/** A comparison without what depends on when and how fast it ran: times, run totals and latencies. */
function withoutTiming(comparison: Comparison): unknown {
  const run = (side: Comparison["base"]) => ({ ...side, createdAt: "", stats: {} });
  return {
    ...comparison,
    createdAt: "",
    base: run(comparison.base),
    head: run(comparison.head),
    suites: comparison.suites.map((suite) => ({
      ...suite,
      candidates: suite.candidates.map((c) => ({
        ...c,
        latency: {},
        base: c.base && { ...c.base, latencyP50Ms: 0, latencyP95Ms: 0 },
        head: c.head && { ...c.head, latencyP50Ms: 0, latencyP95Ms: 0 },
      })),
    })),
  };
}

describe("promptfirst gate --shard and --merge", () => {
  let server: MockOpenAIServer;

  beforeAll(async () => {
    server = await startMockOpenAI({
      respond: scriptedModel([
        {
          match: () => true,
          answer: (req) => {
            const text = String(req.messages.at(-1)?.content ?? "");
            const n = Number(/to (\d+)/.exec(text)?.[1] ?? 0);
            return String(/quickly/i.test(text) && n % 4 === 0 ? n + 2 : n + 1);
          },
        },
      ]),
    });
  });
  afterAll(() => server.close());

  it("four shards merged judge the change exactly as one unsharded gate, making the same calls", async () => {
    const dir = await makeRepo(server.baseURL);
    let before = server.stats.completions;
    const whole = await runCli(
      ["gate", "-q", "--out", ".promptfirst/whole", "--cache-dir", ".promptfirst/c0"],
      {
        cwd: dir,
      },
    );
    expect(whole.code, whole.stderr).toBe(1);
    const unshardedCalls = server.stats.completions - before;
    // head 2 × 125, base: quick's 120 and careful's 5 cases head lacks (its other 115 are answered by the cache).
    expect(unshardedCalls).toBe(250 + 120 + 5);

    before = server.stats.completions;
    for (let index = 1; index <= 4; index++) {
      // Each shard with its own cache, as separate CI jobs have.
      const run = await runCli(
        [
          "gate",
          "--shard",
          `${index}/4`,
          "--out",
          ".promptfirst/shards",
          "--cache-dir",
          `.promptfirst/c${index}`,
        ],
        { cwd: dir },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).not.toContain("quality");
      // Cut over the 130 cases of base and head together: about 32 each, of which head holds about 31.
      expect(run.stderr).toMatch(new RegExp(`shard ${index}/4: (2[6-9]|3[0-6]) of 125 case\\(s\\)`));
      expect(run.stderr).toContain(
        `shard ${index}/4 written to .promptfirst/shards/head.shard-${index}-of-4.json`,
      );
      const partial = runResultSchema.parse(
        JSON.parse(
          await readFile(path.join(dir, `.promptfirst/shards/base.shard-${index}-of-4.json`), "utf8"),
        ),
      );
      expect(partial.shard).toMatchObject({ index, count: 4 });
    }
    // A case both sides hold is in the same shard on both, so the shards make exactly the unsharded calls.
    expect(server.stats.completions - before).toBe(unshardedCalls);
    await expect(readFile(path.join(dir, ".promptfirst/shards/comparison.json"))).rejects.toThrow();

    const merged = await runCli(["gate", "--merge", ".promptfirst/shards", "--out", ".promptfirst/merged"], {
      cwd: dir,
    });
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stderr).toMatch(/merged 4 shard\(s\) \(\d+ \+ \d+ \+ \d+ \+ \d+ = 125 case\(s\)\)/);
    expect(merged.stdout).toContain("✗ quality failed");
    const expected = await readComparison(path.join(dir, ".promptfirst/whole/comparison.json"));
    const got = await readComparison(path.join(dir, ".promptfirst/merged/comparison.json"));
    expect(withoutTiming(got)).toEqual(withoutTiming(expected));
    expect(got.verdict).toEqual(expected.verdict);
    const head = runResultSchema.parse(
      JSON.parse(await readFile(path.join(dir, ".promptfirst/merged/head.json"), "utf8")),
    );
    expect(head.suites.math!.caseCount).toBe(125);
    expect(head.shard).toBeUndefined();
  });

  it("refuses to merge a missing shard, results of other files, or nothing", async () => {
    const dir = await makeRepo(server.baseURL);
    for (const index of [1, 2, 4]) {
      const run = await runCli(["gate", "-q", "--shard", `${index}/4`, "--out", "shards"], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
    }
    const missing = await runCli(["gate", "-q", "--merge", "shards"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "shard 3/4 is missing: a run split 4 ways needs every shard from 1 to 4",
    );
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    const third = await runCli(["gate", "-q", "--shard", "3/4", "--out", "shards"], { cwd: dir });
    expect(third.code).toBe(0);
    // The working tree changed after the shards ran: their results are not of these files.
    await writeFile(path.join(dir, "add-one.md"), "Add one to {{n}}, please.\n");
    const stale = await runCli(["gate", "-q", "--merge", "shards"], { cwd: dir });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(
      /the head shards \(shards\/head\.shard-1-of-4\.json, .*\) were evaluated on config hash \w+, but promptfirst\.yaml and its files here hash to \w+/,
    );

    const empty = await runCli(["gate", "-q", "--merge", "nowhere"], { cwd: dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("nowhere: directory not found");
    await mkdir(path.join(dir, "empty"));
    const none = await runCli(["gate", "-q", "--merge", "empty"], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no head results of shards (head.shard-i-of-n.json) in empty");
  });

  it("refuses --shard with --merge, a bad --shard, and directories without --merge", async () => {
    const dir = await makeRepo(server.baseURL);
    for (const [args, message] of [
      [["--shard", "1/2", "--merge"], "--shard and --merge cannot be used together"],
      [
        ["--shard", "3/2"],
        '--shard must be i/n, shard i of n with 1 ≤ i ≤ n (e.g. 2/4 for the second of four shards), got "3/2"',
      ],
      [["--shard", "0/4"], "shards are numbered from 1 to 4"],
      [["shards"], 'unexpected argument "shards": only --merge takes directories'],
      [["--merge", "--replay", "r.json"], "--merge evaluates nothing, so --record and --replay do not apply"],
    ] as const) {
      const run = await runCli(["gate", ...args], { cwd: dir });
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain("Run `promptfirst gate --help` for usage.");
    }
  });
});

describe("promptfirst gate sharded on a shipped example (offline, from its recording)", () => {
  /** The example as a repository: main is the example, the working tree its pull request `variant`. */
  async function exampleRepo(name: string, variant: string): Promise<string> {
    const source = path.join(REPO_ROOT, "examples", name);
    const repo = path.join(await makeTempDir("promptfirst-shard-example-"), name);
    await cp(source, repo, {
      recursive: true,
      filter: (src) => {
        const top = path.relative(source, src).split(path.sep)[0];
        return top !== "pr" && top !== "recording.json" && top !== ".promptfirst";
      },
    });
    git(repo, "init", "--quiet", "--initial-branch=main");
    git(repo, "add", "-A");
    git(repo, "commit", "--quiet", "-m", "base");
    await cp(path.join(source, "pr", variant), repo, { recursive: true });
    return repo;
  }

  it.each([
    ["customer-support", "add-fine-tuning-data", 3],
    ["medical-coding", "add-records", 4],
  ])(
    "%s / %s in %i shards: the same comparison, prompt-first findings and data reports",
    async (name, variant, count) => {
      const repo = await exampleRepo(name, variant);
      const replay = path.join(REPO_ROOT, "examples", name, "recording.json");
      const common = ["-q", "--base", "main", "--replay", replay];
      const whole = await runCli(["gate", ...common, "--out", "whole"], { cwd: repo });
      for (let index = 1; index <= count; index++) {
        const run = await runCli(["gate", ...common, "--shard", `${index}/${count}`, "--out", "shards"], {
          cwd: repo,
        });
        expect(run.code, run.stderr).toBe(0);
      }
      const merged = await runCli(["gate", "-q", "--base", "main", "--merge", "shards", "--out", "merged"], {
        cwd: repo,
      });
      expect(merged.code).toBe(whole.code);
      expect(merged.stdout.replace(/\d+(\.\d+)?m?s\b/g, "T")).toEqual(
        whole.stdout.replace(/\d+(\.\d+)?m?s\b/g, "T"),
      );
      const expected = await readComparison(path.join(repo, "whole", "comparison.json"));
      const got = await readComparison(path.join(repo, "merged", "comparison.json"));
      // Answers come from the recording (no latency): everything but times and run totals is identical.
      expect({ ...got, createdAt: "", base: {}, head: {} }).toEqual({
        ...expected,
        createdAt: "",
        base: {},
        head: {},
      });
      expect(got.promptFirst?.suites.length).toBeGreaterThan(0);
      await rm(path.dirname(repo), { recursive: true, force: true });
    },
  );
});
