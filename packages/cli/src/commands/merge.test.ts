import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type RunResult, runResultSchema } from "@promptfirst/core";
import { type MockOpenAIServer, scriptedModel, startMockOpenAI } from "@promptfirst/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, runCli } from "../test-helpers.ts";

const CASES = 120;

/** A generated suite: "add one to n" for CASES numbers, two candidates, two samples per case. */
async function writeProject(dir: string, baseURL: string, prompt = "Add one to {{n}}."): Promise<void> {
  await mkdir(path.join(dir, "evals"), { recursive: true });
  const cases = Array.from({ length: CASES }, (_, n) =>
    JSON.stringify({ id: `c${n}`, vars: { n }, expected: `${n + 1}`, cluster: `k${n % 9}` }),
  );
  await writeFile(path.join(dir, "evals", "math.jsonl"), `${cases.join("\n")}\n`);
  await writeFile(path.join(dir, "add-one.md"), `${prompt}\n`);
  await writeFile(
    path.join(dir, "promptfirst.yaml"),
    `provider:
  baseURL: ${baseURL}
pricing:
  "m-*": { input: 1, output: 2 }
suites:
  math:
    cases: evals/math.jsonl
    repeat: 2
    scorers:
      - exact: "{{expected}}"
    candidates:
      careful: { model: m-careful, prompt: add-one.md }
      sloppy: { model: m-sloppy, prompt: add-one.md }
`,
  );
}

async function readResult(file: string): Promise<RunResult> {
  return runResultSchema.parse(JSON.parse(await readFile(file, "utf8")));
}

/**
 * A run without what depends on timing (latencies, durations) and with its spend rounded: the shards' spends add
 * up the same calls' costs in another order, which changes the last bits of a float.
 */
function withoutTiming(result: RunResult): unknown {
  return {
    ...result,
    createdAt: "",
    stats: { ...result.stats, durationMs: 0, spentUsd: Number(result.stats.spentUsd?.toFixed(12)) },
    suites: Object.fromEntries(
      Object.entries(result.suites).map(([name, suite]) => [
        name,
        {
          ...suite,
          candidates: Object.fromEntries(
            Object.entries(suite.candidates).map(([candidate, c]) => [
              candidate,
              {
                ...c,
                summary: { ...c.summary, latencyP50Ms: 0, latencyP95Ms: 0 },
                cases: c.cases.map((k) => ({
                  ...k,
                  samples: k.samples.map((s) => ({ ...s, latencyMs: 0 })),
                })),
              },
            ]),
          ),
        },
      ]),
    ),
  };
}

describe("promptfirst eval --shard and promptfirst merge", () => {
  let server: MockOpenAIServer;
  let dir: string;

  beforeAll(async () => {
    // m-sloppy is wrong on every fifth number.
    server = await startMockOpenAI({
      respond: scriptedModel([
        {
          match: () => true,
          answer: (req) => {
            const n = Number(/to (\d+)/.exec(String(req.messages.at(-1)?.content ?? ""))?.[1] ?? 0);
            const wrong = req.model === "m-sloppy" && n % 5 === 0;
            return String(wrong ? n : n + 1);
          },
        },
      ]),
    });
    dir = await makeTempDir("promptfirst-merge-");
    await writeProject(dir, server.baseURL);
  });
  afterAll(() => server.close());

  it("four shards merged are the unsharded run: every case once, in order, the same summaries", async () => {
    const whole = await runCli(["eval", "--no-cache", "-q", "--out", "whole.json"], { cwd: dir });
    expect(whole.code, whole.stderr).toBe(0);
    const files: string[] = [];
    for (let index = 1; index <= 4; index++) {
      const file = `shards/eval-${index}.json`;
      const run = await runCli(["eval", "--no-cache", "--shard", `${index}/4`, "--out", file], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      // 120 cases in 4 shards: 30 each, said before any call.
      expect(run.stderr).toContain(`shard ${index}/4: 30 of 120 case(s)`);
      expect(run.stdout).toContain("Suite math — 30 cases × 2 samples");
      const partial = await readResult(path.join(dir, file));
      expect(partial.shard).toMatchObject({ index, count: 4 });
      expect(partial.suites.math!.candidates.careful!.cases).toHaveLength(30);
      files.push(file);
    }
    const merged = await runCli(["merge", ...files.reverse(), "--out", "merged.json"], { cwd: dir });
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain("merged 4 shard(s) (30 + 30 + 30 + 30 = 120 case(s)) into merged.json");
    expect(merged.stdout).toContain("Suite math — 120 cases × 2 samples");

    const expected = await readResult(path.join(dir, "whole.json"));
    const got = await readResult(path.join(dir, "merged.json"));
    expect(got.shard).toBeUndefined();
    expect(withoutTiming(got)).toEqual(withoutTiming(expected));
    expect(got.suites.math!.candidates.sloppy!.summary.meanScore).toBeLessThan(1);

    // compare of merged against whole: nothing changed.
    const compared = await runCli(["compare", "--base", "whole.json", "--head", "merged.json"], { cwd: dir });
    expect(compared.stderr).not.toContain("warning");
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain("sloppy     m-sloppy   80.0% → 80.0%    0.0 (0.0 to 0.0)");
  });

  it.each([
    ["0/4", "shards are numbered from 1 to 4"],
    ["5/4", "shards are numbered from 1 to 4"],
    ["x", 'got "x"'],
    ["1/0", "n must be from 1 to 1000"],
  ])("refuses --shard %s with a clear message and exit 2", async (value, problem) => {
    const run = await runCli(["eval", "--shard", value], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`promptfirst: --shard must be i/n, shard i of n with 1 ≤ i ≤ n`);
    expect(run.stderr).toContain(problem);
    expect(run.stderr).toContain("Run `promptfirst eval --help` for usage.");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses --shard without --out: the shard's calls would be spent and nothing left to merge", async () => {
    const before = server.stats.requests;
    const run = await runCli(["eval", "--shard", "1/4"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("promptfirst: --shard needs --out FILE");
    expect(server.stats.requests).toBe(before);
  });

  describe("refuses what does not merge, naming the file", () => {
    let shards: string[];

    beforeAll(async () => {
      shards = [];
      for (let index = 1; index <= 3; index++) {
        const file = `bad/shard-${index}.json`;
        const run = await runCli(["eval", "-q", "--shard", `${index}/3`, "--out", file], { cwd: dir });
        expect(run.code, run.stderr).toBe(0);
        shards.push(file);
      }
    });

    it("a missing shard", async () => {
      const run = await runCli(["merge", shards[0]!, shards[2]!, "--out", "bad/merged.json"], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("shard 2/3 is missing");
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });

    it("a shard given twice", async () => {
      const run = await runCli(["merge", ...shards, shards[1]!, "--out", "bad/merged.json"], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        "bad/shard-2.json: shard 2/3 is given more than once (also as bad/shard-2.json)",
      );
    });

    it("shards of another config", async () => {
      const other = await makeTempDir("promptfirst-merge-other-");
      await writeProject(other, server.baseURL, "Please add one to {{n}}.");
      const foreign = path.join(other, "shard-2.json");
      const run = await runCli(["eval", "-q", "--shard", "2/3", "--out", foreign], { cwd: other });
      expect(run.code, run.stderr).toBe(0);
      const merged = await runCli(["merge", shards[0]!, foreign, shards[2]!, "--out", "bad/merged.json"], {
        cwd: dir,
      });
      expect(merged.code).toBe(2);
      expect(merged.stderr).toMatch(
        new RegExp(
          `${foreign.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: config hash "\\w+", but bad/shard-1.json has "\\w+"`,
        ),
      );
    });

    it("a result that is not a shard's, a missing file, and no --out", async () => {
      const whole = await runCli(["eval", "-q", "--out", "bad/whole.json"], { cwd: dir });
      expect(whole.code).toBe(0);
      const run = await runCli(["merge", ...shards, "bad/whole.json", "--out", "bad/merged.json"], {
        cwd: dir,
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("bad/whole.json: is not a shard's result");
      const missing = await runCli(["merge", "bad/nope.json", "--out", "bad/merged.json"], { cwd: dir });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("bad/nope.json: result file not found");
      const noOut = await runCli(["merge", ...shards], { cwd: dir });
      expect(noOut.code).toBe(2);
      expect(noOut.stderr).toContain("--out FILE is required");
      expect(noOut.stderr).toContain("Run `promptfirst merge --help` for usage.");
    });

    it("compare warns when given one shard's result", async () => {
      const run = await runCli(["compare", "--base", shards[0]!, "--head", shards[0]!], { cwd: dir });
      expect(run.stderr).toContain(
        "warning: bad/shard-1.json holds only shard 1/3 of its run: merge every shard with `promptfirst merge` first",
      );
    });
  });
});
