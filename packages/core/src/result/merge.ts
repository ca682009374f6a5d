import { type InputIssue, PromptfirstError } from "../errors.ts";
import { stringifyCanonical } from "../request-key.ts";
import type { CandidateResult, CaseResult, RunResult, RunShard, SuiteResult } from "./schema.ts";
import { summarizeCandidate } from "./summarize.ts";

/** One partial RunResult to merge, with the file it came from (as the user named it, for messages). */
export interface RunResultPart {
  file: string;
  result: RunResult;
}

type ShardedPart = RunResultPart & { shard: RunShard };

const HOW =
  "merge the results of one run's shards, each written by `--shard i/n` on the same config and commit";

/** A problem that stops a merge, named by file. */
function refuse(issues: InputIssue[]): never {
  const lines = issues.map((issue) =>
    issue.file ? `  ${issue.file}: ${issue.message}` : `  ${issue.message}`,
  );
  throw new PromptfirstError(
    "RESULT_INVALID",
    [`cannot merge the results: ${HOW}`, ...lines].join("\n"),
    issues,
  );
}

function same(a: unknown, b: unknown): boolean {
  return stringifyCanonical(a) === stringifyCanonical(b);
}

function describeValue(value: unknown): string {
  return value === undefined ? "none" : JSON.stringify(value);
}

/**
 * Join the partial RunResults of one sharded run (`eval --shard i/n`, `gate --shard i/n`) into the RunResult the
 * unsharded run would have written: every suite's cases back in their order, candidate summaries recomputed from
 * the merged cases, stats summed (the duration is the longest shard's: shards run side by side).
 *
 * Refused, with each problem naming its file: a result that is not a shard's, shards of different runs (config
 * hash, config file, git commit, promptfirst version, shard count, suites or candidates differ), a shard given
 * twice or missing, and a case that is in two shards or in none.
 */
export function mergeRunResults(parts: readonly RunResultPart[]): RunResult {
  if (parts.length === 0) refuse([{ file: "", message: "no result files were given" }]);
  const unsharded = parts.filter((p) => !p.result.shard);
  if (unsharded.length > 0) {
    refuse(
      unsharded.map((p) => ({
        file: p.file,
        message:
          "is not a shard's result (it has no `shard` field): write each shard's result with `promptfirst eval --shard i/n --out FILE` or `promptfirst gate --shard i/n`",
      })),
    );
  }
  const sharded: ShardedPart[] = parts.map((part) => ({ ...part, shard: part.result.shard! }));
  const first = sharded[0]!;
  checkSameRun(first, sharded);
  checkShardSet(first.shard.count, sharded);
  const ordered = [...sharded].sort((a, b) => a.shard.index - b.shard.index);

  const suites: Record<string, SuiteResult> = {};
  for (const name of Object.keys(first.result.suites)) suites[name] = mergeSuite(name, ordered);

  const stats = { ...first.result.stats };
  for (const key of [
    "plannedCalls",
    "judgeCalls",
    "requests",
    "cacheHits",
    "deduplicated",
    "retries",
    "errors",
  ] as const) {
    stats[key] = ordered.reduce((sum, p) => sum + p.result.stats[key], 0);
  }
  stats.spentUsd = ordered.some((p) => p.result.stats.spentUsd === null)
    ? null
    : ordered.reduce((sum, p) => sum + p.result.stats.spentUsd!, 0);
  stats.durationMs = Math.max(...ordered.map((p) => p.result.stats.durationMs));

  const { shard: _shard, ...rest } = first.result;
  return {
    ...rest,
    // The latest shard's time (ISO timestamps sort as text).
    createdAt: ordered
      .map((p) => p.result.createdAt)
      .sort()
      .at(-1)!,
    suites,
    stats,
    warnings: mergeWarnings(ordered, suites),
  };
}

/** runEval's warning for a scorer that failed on some samples; its count is per shard, so it is recounted. */
const SCORER_FAILURE = /^suite ".*": scorer ".*" could not score \d+ sample\(s\), which count as 0: /;

/**
 * The shards' warnings once each, in order, with the scorer failures recounted over the merged cases (in the
 * words runEval uses) where the first of them was.
 */
function mergeWarnings(parts: readonly ShardedPart[], suites: Record<string, SuiteResult>): string[] {
  const out: string[] = [];
  let at = -1;
  for (const warning of parts.flatMap((p) => p.result.warnings)) {
    if (SCORER_FAILURE.test(warning)) {
      if (at < 0) at = out.length;
    } else if (!out.includes(warning)) out.push(warning);
  }
  const failures = new Map<string, { suite: string; scorer: string; count: number; reason: string }>();
  for (const suite of Object.values(suites)) {
    for (const candidate of Object.values(suite.candidates)) {
      for (const testCase of candidate.cases) {
        for (const sample of testCase.samples) {
          for (const score of sample.scores) {
            if (score.metadata?.error !== true) continue;
            const key = `${suite.name}\u0000${score.name}`;
            const entry = failures.get(key) ?? {
              suite: suite.name,
              scorer: score.name,
              count: 0,
              reason: score.reason,
            };
            entry.count++;
            failures.set(key, entry);
          }
        }
      }
    }
  }
  const recounted = [...failures.values()].map(
    (f) =>
      `suite "${f.suite}": scorer "${f.scorer}" could not score ${f.count} sample(s), which count as 0: ${f.reason}`,
  );
  out.splice(at < 0 ? out.length : at, 0, ...recounted);
  return out;
}

/** Every part must come from the same run: config, commit, promptfirst version, shard count, suites. */
function checkSameRun(first: ShardedPart, parts: readonly ShardedPart[]): void {
  const issues: InputIssue[] = [];
  const checks: Array<{ what: string; value: (r: RunResult) => unknown; advice: string }> = [
    {
      what: "config hash",
      value: (r) => r.config.hash,
      advice: "the config or a file it references differs (another commit, or local changes)",
    },
    { what: "config file", value: (r) => r.config.file, advice: "another config file" },
    { what: "git commit", value: (r) => r.git?.sha, advice: "another commit" },
    { what: "git ref", value: (r) => r.git?.ref, advice: "another ref" },
    { what: "promptfirst version", value: (r) => r.tool.version, advice: "another version of promptfirst" },
    { what: "shard count", value: (r) => r.shard?.count, advice: "split another way" },
    {
      what: "suites",
      value: (r) => Object.keys(r.suites).sort(),
      advice: "other suites were evaluated",
    },
  ];
  for (const check of checks) {
    const expected = check.value(first.result);
    for (const part of parts.slice(1)) {
      const got = check.value(part.result);
      if (same(expected, got)) continue;
      issues.push({
        file: part.file,
        message: `${check.what} ${describeValue(got)}, but ${first.file} has ${describeValue(expected)}: ${check.advice}`,
      });
    }
  }
  if (issues.length > 0) refuse(issues);
}

/** Shards 1..count each exactly once. */
function checkShardSet(count: number, parts: readonly ShardedPart[]): void {
  const issues: InputIssue[] = [];
  const byIndex = new Map<number, string[]>();
  for (const part of parts) {
    const files = byIndex.get(part.shard.index) ?? [];
    files.push(part.file);
    byIndex.set(part.shard.index, files);
  }
  for (const [index, files] of [...byIndex].sort(([a], [b]) => a - b)) {
    if (files.length > 1) {
      issues.push({
        file: files[1]!,
        message: `shard ${index}/${count} is given more than once (also as ${files.filter((_, i) => i !== 1).join(", ")}): give each shard's result once`,
      });
    }
  }
  const missing: number[] = [];
  for (let index = 1; index <= count; index++) if (!byIndex.has(index)) missing.push(index);
  if (missing.length > 0) {
    issues.push({
      file: "",
      message: `shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} ${missing.length > 1 ? "are" : "is"} missing: a run split ${count} ways needs every shard from 1 to ${count} (did a shard's job fail, or not upload its results?)`,
    });
  }
  if (issues.length > 0) refuse(issues);
}

const SUITE_FIELDS = ["description", "target", "volume", "repeat", "scorers", "files"] as const;
const CANDIDATE_FIELDS = [
  "kind",
  "model",
  "baseURL",
  "params",
  "prompt",
  "fineTune",
  "skipped",
  "price",
] as const;

function mergeSuite(name: string, parts: readonly ShardedPart[]): SuiteResult {
  const first = parts[0]!;
  const reference = first.result.suites[name]!;
  const plans = parts.map((part) => {
    const plan = part.shard.suites[name];
    if (!plan) {
      refuse([
        {
          file: part.file,
          message: `its shard record lacks suite "${name}": the file was edited or is damaged`,
        },
      ]);
    }
    return plan;
  });
  const total = plans[0]!.total;
  const owner: Array<string | undefined> = new Array(total);
  for (const [i, part] of parts.entries()) {
    const suite = part.result.suites[name]!;
    for (const field of SUITE_FIELDS) {
      if (!same(suite[field], reference[field])) {
        refuse([
          {
            file: part.file,
            message: `suite "${name}": ${field} ${describeValue(suite[field])}, but ${first.file} has ${describeValue(reference[field])}`,
          },
        ]);
      }
    }
    const plan = plans[i]!;
    if (plan.total !== total) {
      refuse([
        {
          file: part.file,
          message: `suite "${name}" has ${plan.total} case(s) in all, but ${total} in ${first.file}: the shards did not read the same cases`,
        },
      ]);
    }
    for (const position of plan.positions) {
      const before = owner[position];
      if (position >= total || before !== undefined) {
        refuse([
          {
            file: part.file,
            message:
              position >= total
                ? `suite "${name}": case position ${position} is outside the suite's ${total} case(s)`
                : `suite "${name}": the case at position ${position + 1} is also in ${before}: a case must be in one shard only`,
          },
        ]);
      }
      owner[position] = part.file;
    }
  }
  // Positions are in range and distinct (checked above), so the shards cover the suite when they add up to it.
  const covered = plans.reduce((n, plan) => n + plan.positions.length, 0);
  if (covered !== total) {
    refuse([
      {
        file: "",
        message: `suite "${name}": the shards planned ${covered} of its ${total} case(s); ${total - covered} case(s) are in no shard`,
      },
    ]);
  }

  const candidates: Record<string, CandidateResult> = {};
  const names = Object.keys(reference.candidates);
  for (const part of parts) {
    const got = Object.keys(part.result.suites[name]!.candidates);
    if (!same([...got].sort(), [...names].sort())) {
      refuse([
        {
          file: part.file,
          message: `suite "${name}" has candidates ${got.join(", ") || "none"}, but ${first.file} has ${names.join(", ")}`,
        },
      ]);
    }
  }
  for (const candidate of names) candidates[candidate] = mergeCandidate(name, candidate, parts, total);

  return { ...reference, caseCount: total, candidates };
}

function mergeCandidate(
  suite: string,
  name: string,
  parts: readonly ShardedPart[],
  total: number,
): CandidateResult {
  const first = parts[0]!;
  const reference = first.result.suites[suite]!.candidates[name]!;
  const slots: Array<CaseResult | undefined> = new Array(total);
  const seen = new Map<string, string>();
  let lifecycle = reference.lifecycle;
  for (const part of parts) {
    const candidate = part.result.suites[suite]!.candidates[name]!;
    const where = `suite "${suite}", candidate "${name}"`;
    for (const field of CANDIDATE_FIELDS) {
      if (!same(candidate[field], reference[field])) {
        refuse([
          {
            file: part.file,
            message: `${where}: ${field} ${describeValue(candidate[field])}, but ${first.file} has ${describeValue(reference[field])}`,
          },
        ]);
      }
    }
    lifecycle ??= candidate.lifecycle;
    if (candidate.skipped !== undefined) continue;
    const positions = part.shard.suites[suite]!.positions;
    if (candidate.cases.length !== positions.length) {
      refuse([
        {
          file: part.file,
          message: `${where} holds ${candidate.cases.length} case(s), but its shard planned ${positions.length}: the file is incomplete or was edited`,
        },
      ]);
    }
    for (const [i, testCase] of candidate.cases.entries()) {
      const other = seen.get(testCase.id);
      if (other !== undefined) {
        refuse([
          {
            file: part.file,
            message: `${where}: case "${testCase.id}" is also in ${other}: a case must be in one shard only`,
          },
        ]);
      }
      seen.set(testCase.id, part.file);
      slots[positions[i]!] = testCase;
    }
  }
  const cases = reference.skipped !== undefined ? [] : (slots as CaseResult[]);
  const merged: CandidateResult = { ...reference, summary: summarizeCandidate(cases), cases };
  if (lifecycle) merged.lifecycle = lifecycle;
  return merged;
}
