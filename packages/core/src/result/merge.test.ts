/**
 * mergeRunResults over real runs (runEval with a fake provider and a fixed clock): the merged shards equal the
 * unsharded run, and what does not belong together is refused, naming the file.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareRuns } from "../compare/index.ts";
import type { LoadedConfig } from "../config/loaded.ts";
import { isPromptfirstError } from "../errors.ts";
import { loadConfig } from "../node/index.ts";
import { planRun } from "../plan.ts";
import { runEval } from "../run/run-eval.ts";
import { applyShard } from "../shard.ts";
import type { ModelRequest, Provider, ProviderResponse } from "../types.ts";
import { mergeRunResults, type RunResultPart } from "./merge.ts";
import type { RunResult } from "./schema.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * Two suites: `math` (60 cases in clusters, two samples each, two prompt candidates and a fine-tune not trained
 * yet) and `small` (3 cases). The prompt says how sloppy the model is: `sloppy` answers every third case wrong.
 */
async function loadProject(prompt: string): Promise<LoadedConfig> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptfirst-merge-"));
  dirs.push(dir);
  await mkdir(path.join(dir, "evals"));
  // Odd cases lack the `hint` a scorer needs: that scorer fails on them (a warning counted over the whole run).
  const cases = Array.from({ length: 60 }, (_, n) =>
    JSON.stringify({
      id: `c${n}`,
      vars: n % 2 === 0 ? { n, hint: `${n + 1}` } : { n },
      expected: `${n + 1}`,
      cluster: `k${n % 7}`,
    }),
  );
  await writeFile(path.join(dir, "evals", "math.jsonl"), `${cases.join("\n")}\n`);
  await writeFile(
    path.join(dir, "evals", "small.jsonl"),
    `${[1, 2, 3].map((n) => JSON.stringify({ id: `s${n}`, vars: { n }, expected: `${n + 1}` })).join("\n")}\n`,
  );
  await writeFile(path.join(dir, "p.md"), `${prompt} {{n}}.\n`);
  // Not p.md: identical calls of different cases are made once in one run, but once per shard when their cases
  // land in different shards (only \`cached\` and the request counts would differ then).
  await writeFile(path.join(dir, "q.md"), "Small sums: add one to {{n}}.\n");
  await writeFile(path.join(dir, "train.jsonl"), '{"messages":[{"role":"user","content":"a"}]}\n');
  await writeFile(
    path.join(dir, "promptfirst.yaml"),
    `provider:
  baseURL: https://llm.example.test/v1
  maxRetries: 0
pricing:
  "m-*": { input: 1, output: 2 }
suites:
  math:
    cases: evals/math.jsonl
    repeat: 2
    scorers: [{ exact: "{{expected}}" }, { contains: "{{hint}}" }]
    candidates:
      first: { model: m-first, prompt: p.md }
      second: { model: m-second, prompt: p.md }
      tuned:
        prompt: p.md
        fineTune: { trainingData: train.jsonl, baseModel: m-base }
  small:
    cases: evals/small.jsonl
    scorers: [{ exact: "{{expected}}" }]
    candidates:
      first: { model: m-first, prompt: q.md }
`,
  );
  return loadConfig(path.join(dir, "promptfirst.yaml"));
}

const provider: Provider = {
  id: "fake",
  async complete(request: ModelRequest): Promise<ProviderResponse> {
    const text = request.messages.at(-1)!.content;
    const n = Number(/(\d+)\.$/.exec(text.trim())![1]);
    if (request.model === "m-second" && n === 13) {
      return { ok: false, error: { kind: "server", status: 500, message: "boom", retryable: false } };
    }
    const wrong = /sloppy/.test(text) && (n + request.sample) % 3 === 0;
    return {
      ok: true,
      output: String(wrong ? n : n + 1),
      usage: { inputTokens: 10 + n, outputTokens: 2, cachedInputTokens: 0 },
    };
  },
};

async function evaluate(loaded: LoadedConfig, shard?: { index: number; count: number }): Promise<RunResult> {
  const sharded = shard ? applyShard(loaded, shard) : undefined;
  const config = sharded?.config ?? loaded;
  const result = await runEval(config, planRun(config), {
    createProvider: () => provider,
    toolVersion: "0.0.0-test",
    now: () => new Date("2026-11-25T12:00:00Z"),
    clock: () => 0,
    git: { ref: "main", sha: "a".repeat(40) },
  });
  if (sharded) result.shard = sharded.shard;
  return result;
}

async function evaluateShards(loaded: LoadedConfig, count: number): Promise<RunResultPart[]> {
  const parts: RunResultPart[] = [];
  for (let index = 1; index <= count; index++) {
    parts.push({ file: `shard-${index}.json`, result: await evaluate(loaded, { index, count }) });
  }
  return parts;
}

function mergeError(parts: RunResultPart[]): string {
  try {
    mergeRunResults(parts);
  } catch (error) {
    if (isPromptfirstError(error)) return error.message;
    throw error;
  }
  throw new Error("the merge was not refused");
}

describe("mergeRunResults", () => {
  let base: LoadedConfig;
  let head: LoadedConfig;
  let baseParts: RunResultPart[];

  beforeAll(async () => {
    base = await loadProject("Add one to");
    head = await loadProject("Be sloppy and add one to");
    baseParts = await evaluateShards(base, 4);
  });

  it("joins the shards into the unsharded run: same cases in the same order, summaries and stats", async () => {
    const unsharded = await evaluate(base);
    const merged = mergeRunResults(baseParts);
    expect(merged).toEqual(unsharded);
    expect(merged.shard).toBeUndefined();
    // Counted over every shard, as one run counts it (each shard saw only some of the failures): 30 odd cases ×
    // 2 samples × 2 candidates, less the 2 samples of case 13 that m-second never answered.
    expect(merged.warnings.filter((w) => w.includes('scorer "contains" could not score'))).toEqual([
      expect.stringContaining(
        'suite "math": scorer "contains" could not score 118 sample(s), which count as 0',
      ),
    ]);
    // Each shard held a part of each suite; none of them all.
    for (const part of baseParts) {
      expect(part.result.suites.math!.caseCount).toBeLessThan(60);
      expect(part.result.suites.math!.caseCount).toBeGreaterThanOrEqual(15);
    }
  });

  it("gives the same comparison and verdict as the unsharded runs, whatever order the files come in", async () => {
    const headParts = await evaluateShards(head, 3);
    const thresholds = { maxScoreDrop: 0.02 };
    const now = () => new Date("2026-11-25T13:00:00Z");
    const expected = compareRuns(await evaluate(base), await evaluate(head), thresholds, { now });
    const got = compareRuns(
      mergeRunResults([...baseParts].reverse()),
      mergeRunResults([headParts[2]!, headParts[0]!, headParts[1]!]),
      thresholds,
      { now },
    );
    // Everything but the spend, which sums the same calls' costs in another order (last bits of a float).
    const withoutSpend = (c: typeof got) => ({
      ...c,
      base: { ...c.base, stats: { ...c.base.stats, spentUsd: 0 } },
      head: { ...c.head, stats: { ...c.head.stats, spentUsd: 0 } },
    });
    expect(withoutSpend(got)).toEqual(withoutSpend(expected));
    expect(got.head.stats.spentUsd).toBeCloseTo(expected.head.stats.spentUsd!, 12);
    expect(got.verdict.gates.quality.status).toBe("fail");
  });

  it("sums the stats, keeps the longest duration, and an unknown spend stays unknown", () => {
    const parts = baseParts.map((p, i) => ({
      ...p,
      result: {
        ...p.result,
        stats: { ...p.result.stats, durationMs: 100 * (i + 1), spentUsd: i === 2 ? null : 1 },
      },
    }));
    const merged = mergeRunResults(parts);
    expect(merged.stats.durationMs).toBe(400);
    expect(merged.stats.spentUsd).toBeNull();
    expect(merged.stats.plannedCalls).toBe(baseParts.reduce((n, p) => n + p.result.stats.plannedCalls, 0));
    expect(merged.stats.plannedCalls).toBe(60 * 2 * 2 + 3);
  });

  it("refuses a missing shard", () => {
    expect(mergeError([baseParts[0]!, baseParts[1]!, baseParts[3]!])).toContain(
      "shard 3/4 is missing: a run split 4 ways needs every shard from 1 to 4",
    );
    expect(mergeError([baseParts[0]!])).toContain("shards 2/4, 3/4, 4/4 are missing");
  });

  it("refuses a shard given twice, naming both files", () => {
    const again = { file: "copy-of-shard-2.json", result: baseParts[1]!.result };
    const message = mergeError([...baseParts, again]);
    expect(message).toContain(
      "copy-of-shard-2.json: shard 2/4 is given more than once (also as shard-2.json)",
    );
  });

  it("refuses shards of different configs, naming the file and both hashes", async () => {
    const headParts = await evaluateShards(head, 4);
    const message = mergeError([
      baseParts[0]!,
      baseParts[1]!,
      { ...headParts[2]!, file: "other.json" },
      baseParts[3]!,
    ]);
    expect(message).toMatch(/^cannot merge the results: merge the results of one run's shards/);
    expect(message).toContain(
      `other.json: config hash "${head.hash}", but shard-1.json has "${base.hash}": the config or a file it references differs`,
    );
  });

  it("refuses shards of different commits, counts or versions", () => {
    const [a, b, c, d] = baseParts as [RunResultPart, RunResultPart, RunResultPart, RunResultPart];
    const otherCommit = {
      file: "c.json",
      result: { ...c.result, git: { ref: "main", sha: "b".repeat(40) } },
    };
    expect(mergeError([a, b, otherCommit, d])).toContain(`c.json: git commit "${"b".repeat(40)}"`);
    const otherVersion = {
      file: "c.json",
      result: { ...c.result, tool: { name: "promptfirst" as const, version: "9.9.9" } },
    };
    expect(mergeError([a, b, otherVersion, d])).toContain(
      'c.json: promptfirst version "9.9.9", but shard-1.json has "0.0.0-test"',
    );
    const otherCount = { file: "c.json", result: { ...c.result, shard: { ...c.result.shard!, count: 5 } } };
    expect(mergeError([a, b, otherCount, d])).toContain("c.json: shard count 5, but shard-1.json has 4");
  });

  it("refuses a result that is not a shard's", async () => {
    const whole = { file: "whole.json", result: await evaluate(base) };
    expect(mergeError([whole, ...baseParts])).toContain(
      "whole.json: is not a shard's result (it has no `shard` field)",
    );
    expect(mergeError([])).toContain("no result files were given");
  });

  it("refuses a case in two shards, or one a shard planned but does not hold", () => {
    const [a, b, c, d] = baseParts as [RunResultPart, RunResultPart, RunResultPart, RunResultPart];
    // Shard 2 claims a case shard 1 planned.
    const shard = structuredClone(b.result.shard!);
    shard.suites.math!.positions[0] = a.result.shard!.suites.math!.positions[0]!;
    const overlapping = { file: "b.json", result: { ...b.result, shard } };
    expect(mergeError([a, overlapping, c, d])).toMatch(
      /b\.json: suite "math": the case at position \d+ is also in shard-1\.json: a case must be in one shard only/,
    );
    // Shard 3 lost a case of candidate "first".
    const truncated = structuredClone(c.result);
    truncated.suites.math!.candidates.first!.cases.pop();
    const planned = c.result.shard!.suites.math!.positions.length;
    expect(mergeError([a, b, { file: "c.json", result: truncated }, d])).toContain(
      `c.json: suite "math", candidate "first" holds ${planned - 1} case(s), but its shard planned ${planned}`,
    );
    // Shard 4 says the suite has more cases than the others do.
    const bigger = structuredClone(d.result);
    bigger.shard!.suites.small!.total = 4;
    expect(mergeError([a, b, c, { file: "d.json", result: bigger }])).toContain(
      'd.json: suite "small" has 4 case(s) in all, but 3 in shard-1.json',
    );
  });
});
