import path from "node:path";
import {
  describeShard,
  type LoadedConfig,
  parseShardSpec,
  type RunResult,
  type ShardSelection,
  type ShardSpec,
} from "@promptfirst/core";
import {
  type BlockingFailure,
  casesFileFor,
  compactFileCache,
  describeBatchEvent,
  describeCompaction,
  evaluateConfig,
  type ProxySettings,
  readProxySettings,
} from "@promptfirst/providers";

/** `evaluateConfig`'s proxy option, when the environment names a proxy (HTTPS_PROXY and the like). */
function withProxy(proxy: ProxySettings | undefined): { proxy?: ProxySettings } {
  return proxy ? { proxy } : {};
}

import type { CliIO, SecretRedactor } from "../io.ts";
import { createProgressReporter } from "../progress.ts";
import { formatRunSummary } from "../summary.ts";
import { UsageError } from "../usage-error.ts";
import { VERSION } from "../version.ts";

/** `--shard i/n` (`eval`, `gate`), as a usage error naming the flag when it is not valid. */
export function parseShardFlag(value: string | undefined): ShardSpec | undefined {
  if (value === undefined) return undefined;
  const parsed = parseShardSpec(value);
  if ("problem" in parsed) throw new UsageError(`--shard ${parsed.problem}`);
  return parsed.spec;
}

/** Options of one evaluation, from flags. */
export interface EvalOptions {
  config: string;
  suites: string[];
  out?: string;
  concurrency?: number;
  cache: boolean;
  cacheDir?: string;
  record?: string;
  replay?: string;
  quiet?: boolean;
  git?: { ref?: string; sha?: string };
  /** Directory the config's files are named relative to in messages and results (default: the working directory). */
  displayBase?: string;
  /**
   * Keep every case in memory for the caller (default true: `gate` compares them). `eval` keeps only the
   * summaries: its cases stream to `--out` and the JSONL next to it, so a 100k-case run fits in memory.
   */
  keepCases?: boolean;
  /** Evaluate only this shard of every suite's cases. */
  shard?: ShardSelection;
  /** Note every cache key read or stored here (for `--prune-cache`). */
  usedCacheKeys?: Set<string>;
  /** After the run, keep only the cache entries it used (`eval --prune-cache`). */
  pruneCache?: boolean;
}

/** What an evaluation produced. */
export interface EvalOutcome {
  result: RunResult;
  loaded: LoadedConfig;
  /** Requests that could not be answered for a reason the user must fix (no key, no recording). */
  blocking: BlockingFailure[];
  /** The response cache the run used; none when it was off. */
  cacheDir?: string;
}

/**
 * Evaluate the config's suites: load, plan, run through the cache and the chosen providers, and write the
 * RunResult. Shared by `eval` and `gate`; the wiring itself is `evaluateConfig` (providers), shared with the Action.
 */
export async function executeEval(
  options: EvalOptions,
  io: CliIO,
  redactor: SecretRedactor,
): Promise<EvalOutcome> {
  const progress = createProgressReporter(
    (text) => {
      if (!options.quiet) io.stderr(text);
    },
    io.isTTY,
    io.now,
  );
  let finished = false;
  const finishProgress = (): void => {
    if (!finished) progress.finish();
    finished = true;
  };
  const outcome = await evaluateConfig({
    configPath: path.resolve(io.cwd, options.config),
    suites: options.suites,
    displayBase: options.displayBase ?? io.cwd,
    lookupKey: (name) => io.env[name],
    ...withProxy(readProxySettings(io.env)),
    onSecret: (value) => redactor.add(value),
    ...(options.replay
      ? { replay: { file: path.resolve(io.cwd, options.replay), display: options.replay } }
      : {}),
    ...(options.record
      ? { record: { file: path.resolve(io.cwd, options.record), display: options.record } }
      : {}),
    cache: options.cache,
    ...(options.cacheDir ? { cacheDir: path.resolve(io.cwd, options.cacheDir) } : {}),
    ...(options.usedCacheKeys ? { usedCacheKeys: options.usedCacheKeys } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    onPlan: (plan) => {
      if (options.quiet) return;
      const skipped = plan.skippedCandidates ? `, ${plan.skippedCandidates} candidate(s) skipped` : "";
      io.stderr(
        `promptfirst ${VERSION}: ${plan.suites} suite(s), ${plan.calls} calls (${plan.distinctRequests} distinct)${skipped}\n`,
      );
      if (plan.shard) io.stderr(`${describeShard(plan.shard)}\n`);
    },
    onProgress: progress.update,
    onBatchEvent: (event) => {
      const { level, text } = describeBatchEvent(event);
      if (level === "warning") {
        finishProgress();
        io.stderr(`warning: ${text}\n`);
      } else if (!options.quiet) io.stderr(`${text}\n`);
    },
    onRecorded: (count) => {
      finishProgress();
      if (!options.quiet) io.stderr(`recorded ${count} responses to ${options.record}\n`);
    },
    ...(options.git ? { git: options.git } : {}),
    ...(options.out ? { out: path.resolve(io.cwd, options.out) } : {}),
    toolVersion: VERSION,
    ...(options.keepCases === false ? { keepCases: false } : {}),
  });
  finishProgress();
  return outcome;
}

/** `promptfirst eval`: evaluate, print the summary, and exit 0 (2 when calls could not be made at all). */
export async function runEvalCommand(
  options: EvalOptions,
  io: CliIO,
  redactor: SecretRedactor,
): Promise<number> {
  const used = options.pruneCache ? new Set<string>() : undefined;
  const outcome = await executeEval(
    { ...options, keepCases: false, ...(used ? { usedCacheKeys: used } : {}) },
    io,
    redactor,
  );
  io.stdout(redactor.redact(formatRunSummary(outcome.result)));
  if (used) await pruneCacheDir(outcome.cacheDir, used, io);
  if (options.out) {
    io.stderr(`results written to ${options.out} (each case as it finished: ${casesFileFor(options.out)})\n`);
  }
  if (outcome.blocking.length > 0) {
    for (const b of outcome.blocking) {
      io.stderr(redactor.redact(`error: ${b.count} call(s) could not be made: ${b.message}\n`));
    }
    return 2;
  }
  return 0;
}

/**
 * `--prune-cache`: rewrite the cache keeping only the entries the run(s) read or stored (`used`), and say what it
 * did on stderr; nothing when the run used no cache (`dir` undefined).
 */
export async function pruneCacheDir(
  dir: string | undefined,
  used: ReadonlySet<string>,
  io: CliIO,
): Promise<void> {
  if (dir === undefined) {
    io.stderr("cache not used (off, recording or replaying): nothing pruned\n");
    return;
  }
  io.stderr(`${describeCompaction(await compactFileCache(dir, used))}\n`);
}
