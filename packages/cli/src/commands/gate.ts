import path from "node:path";
import { parseArgs } from "node:util";
import { describeShard } from "@promptfirst/core";
import {
  createShardMergeEvaluation,
  findDefaultBase,
  findGitRoot,
  formatShardResultFileName,
  loadShardResults,
  type PullRequestEvaluation,
  resolveCommit,
  runGit,
  runPullRequestCheck,
  type ShardResults,
} from "@promptfirst/core/node";
import { findBlockingFailures } from "@promptfirst/providers";
import { formatComparison } from "../format-comparison.ts";
import { type CliIO, prepareOutputDir, type SecretRedactor } from "../io.ts";
import { formatRunSummary } from "../summary.ts";
import { UsageError } from "../usage-error.ts";
import { VERSION } from "../version.ts";
import { PROMPT_FIRST_OPTIONS, parseThresholdFlags, saveComparison, THRESHOLD_OPTIONS } from "./compare.ts";
import { executeEval, parseShardFlag, pruneCacheDir } from "./eval.ts";
import { formatShardSizes, saveRunResult } from "./merge.ts";

/** `promptfirst gate --help`. */
export const GATE_HELP = `Usage: promptfirst gate [options]
       promptfirst gate --shard i/n [options]      evaluate one shard of base and head, no verdict
       promptfirst gate --merge [DIR...] [options]  merge the shards' results and judge them

Run the pull-request check locally: evaluate the suites your changes touch on the working tree (head) and on a
base commit (checked out into a temporary git worktree), share one cache between them, compare, and apply the
gates. The same thing the GitHub Action does on a pull request.

Options:
  -c, --config FILE        config file (default: promptfirst.yaml)
      --base REF           base commit, branch or tag (default: the merge base of HEAD with main or master)
  -s, --suite NAME         evaluate this suite whatever changed (repeatable)
      --all                evaluate every suite, touched or not
  -o, --out DIR            write base.json, head.json and comparison.json here (default: .promptfirst/gate)
      --concurrency N      requests in flight per endpoint
      --no-cache           neither read nor write the response cache
      --cache-dir DIR      cache directory shared by base and head (default: the head config's)
      --prune-cache        afterwards, keep only the cache entries base and head read or wrote
      --record FILE        call the endpoints and add every response to FILE
      --replay FILE        answer only from FILE (base and head alike)
  -q, --quiet              no progress on stderr
  Sharding (a suite too large for one job, e.g. a CI matrix):
      --shard i/n          evaluate only shard i of n of the touched suites' cases on base and head, and write
                           base.shard-i-of-n.json and head.shard-i-of-n.json to --out: no comparison, no verdict
      --merge [DIR...]     evaluate nothing: merge the shards' results found in the DIRs (default: --out) and
                           their subdirectories, then compare and judge exactly as an unsharded gate
  Gate thresholds (override the config's gates:):
      --min-score X  --max-score-drop X  --confidence X  --min-pass-rate X
      --max-cost-increase PCT  --max-monthly-cost USD  --fail-on-unknown-cost  --no-fail-on-unknown-cost
      --max-error-rate X
      --fail-on any|quality|cost|errors|prompt-first|never
  The prompt-first rule (overrides the config's gates:):
      --prompt-first MODE      enforce (a violation fails), warn (shown, never fails) or off (default enforce)
      --min-fine-tune-gain X   score a fine-tune must gain over the best prompt, its interval above 0
                               (default 0.05 = five points)
  -h, --help               show this help

The training data of the touched suites' fine-tune candidates is checked (format, size, tokens and cost,
duplicates, contradictions, leakage of the suites' eval cases, and what changed against the base), and the
prompt-first rule judges each suite: a fine-tune needs a prompt baseline, is not needed when the prompt reaches
the target, and must beat the best prompt by the minimum gain at a cost that makes sense.

Exit status: 0 every gate selected by --fail-on passes (or no suite is touched); 1 a gate fails; 2 usage,
config or git error, or calls that could not be made (no key, no recording).
`;

/** `promptfirst gate`: evaluate base and head of the touched suites, compare, and apply the gates. */
export async function runGateFromArgs(args: string[], io: CliIO, redactor: SecretRedactor): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: "string", short: "c", default: "promptfirst.yaml" },
      base: { type: "string" },
      suite: { type: "string", short: "s", multiple: true },
      all: { type: "boolean", default: false },
      out: { type: "string", short: "o", default: ".promptfirst/gate" },
      concurrency: { type: "string" },
      "no-cache": { type: "boolean", default: false },
      "cache-dir": { type: "string" },
      "prune-cache": { type: "boolean", default: false },
      record: { type: "string" },
      replay: { type: "string" },
      shard: { type: "string" },
      merge: { type: "boolean", default: false },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
      ...THRESHOLD_OPTIONS,
      ...PROMPT_FIRST_OPTIONS,
    },
  });
  if (values.help) {
    io.stdout(GATE_HELP);
    return 0;
  }
  if (values.record && values.replay) throw new UsageError("--record and --replay cannot be used together");
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new UsageError(`--concurrency must be a positive whole number, got "${values.concurrency}"`);
    }
  }
  const flagThresholds = parseThresholdFlags(values);
  const shard = parseShardFlag(values.shard);
  if (shard && values.merge) {
    throw new UsageError(
      "--shard and --merge cannot be used together: run each shard with --shard i/n, then merge them with --merge",
    );
  }
  if (positionals.length > 0 && !values.merge) {
    throw new UsageError(
      `unexpected argument "${positionals[0]}": only --merge takes directories (of the shards' results)`,
    );
  }
  if (values.merge && (values.record || values.replay)) {
    throw new UsageError(
      "--merge evaluates nothing, so --record and --replay do not apply: give them to each --shard run",
    );
  }

  const configPath = path.resolve(io.cwd, values.config);
  const root = await findGitRoot(path.dirname(configPath));
  const base = values.base
    ? { ref: values.base, sha: await resolveCommit(root, values.base) }
    : await findDefaultBase(root);
  const headSha = (await runGit(root, ["rev-parse", "HEAD"])).trim();

  const note = (text: string): void => {
    if (!values.quiet) io.stderr(text);
  };
  const outDir = path.resolve(io.cwd, values.out);
  // Before any call is made: a folder that cannot be written is found now, not after the evaluation.
  await prepareOutputDir(outDir, values.out);
  let cacheDir = values["cache-dir"] ? path.resolve(io.cwd, values["cache-dir"]) : undefined;
  // --prune-cache: both sides note the keys they use in one set; the cache keeps only those at the end.
  const used = values["prune-cache"] ? new Set<string>() : undefined;
  let usedCacheDir: string | undefined;
  // --merge: each side is the merge of its shards' results, read when the check first asks for one.
  const shardDirs = (positionals.length > 0 ? positionals : [values.out]).map((dir) => ({
    dir: path.resolve(io.cwd, dir),
    display: dir,
  }));
  let shards: ShardResults | undefined;
  const mergeSide = async (request: PullRequestEvaluation) => {
    shards ??= await loadShardResults(shardDirs);
    const result = await createShardMergeEvaluation(shards)(request);
    note(`merged ${shards[request.side].length} shard(s) (${formatShardSizes(shards[request.side])})\n`);
    await saveRunResult(
      path.join(outDir, `${request.side}.json`),
      result,
      path.join(values.out, `${request.side}.json`),
    );
    return { result, blocking: findBlockingFailures(result) };
  };
  const check = await runPullRequestCheck({
    configPath,
    displayBase: io.cwd,
    base,
    headSha,
    ...(values.suite ? { suites: values.suite } : {}),
    all: values.all,
    thresholds: flagThresholds,
    ...(shard ? { shard } : {}),
    today: new Date(),
    toolVersion: VERSION,
    onEvent: (event) => {
      if (event.type === "touched") {
        note(`Comparing the working tree with ${event.base}.\n`);
        for (const suite of event.touched) note(`  suite ${suite.name}: ${suite.reasons.join("; ")}\n`);
      } else if (event.type === "base-problem") note(`note: ${event.problem}\n`);
      else note(`\n${event.side === "head" ? "head (working tree)" : event.label}:\n`);
    },
    evaluate: async (request) => {
      if (values.merge) return mergeSide(request);
      // Base and head share the head config's cache directory.
      const outcome = await executeEval(
        {
          cache: !values["no-cache"],
          quiet: values.quiet,
          ...(concurrency ? { concurrency } : {}),
          ...(values.record ? { record: values.record } : {}),
          ...(values.replay ? { replay: values.replay } : {}),
          ...(cacheDir ? { cacheDir } : {}),
          ...(used ? { usedCacheKeys: used } : {}),
          config: request.configPath,
          suites: request.suites,
          out: path.join(
            outDir,
            request.shard ? formatShardResultFileName(request.side, request.shard) : `${request.side}.json`,
          ),
          git: request.git,
          displayBase: request.displayBase,
          ...(request.shard ? { shard: request.shard } : {}),
        },
        io,
        redactor,
      );
      cacheDir ??= outcome.loaded.cacheDir;
      usedCacheDir ??= outcome.cacheDir;
      return outcome;
    },
  });
  if (check.kind === "nothing-touched") {
    io.stdout(`No suite is touched by the changes since ${check.base}: nothing to evaluate.\n`);
    return 0;
  }
  if (check.kind === "shard") {
    const written = [check.headResult, check.baseResult].flatMap((result, i) =>
      result
        ? [path.join(values.out, formatShardResultFileName(i === 0 ? "head" : "base", check.shard))]
        : [],
    );
    io.stdout(redactor.redact(`\nHead (working tree), ${describeShard(check.headResult.shard!)}\n`));
    io.stdout(redactor.redact(formatRunSummary(check.headResult)));
    for (const b of check.blocking)
      io.stderr(redactor.redact(`error: ${b.count} call(s) could not be made: ${b.message}\n`));
    note(
      `\nshard ${check.shard.index}/${check.shard.count} written to ${written.join(" and ")}; when every shard has run, judge them with: promptfirst gate --merge ${values.out}\n`,
    );
    return check.blocking.length > 0 ? 2 : 0;
  }
  if (check.kind === "blocked") {
    for (const b of check.blocking)
      io.stderr(redactor.redact(`error: ${b.count} call(s) could not be made: ${b.message}\n`));
    return 2;
  }
  const { comparison } = check;
  if (used) await pruneCacheDir(usedCacheDir, used, io);
  await saveComparison(
    path.join(outDir, "comparison.json"),
    comparison,
    path.join(values.out, "comparison.json"),
  );
  io.stdout(redactor.redact(`\nHead (working tree)\n${formatRunSummary(check.headResult)}\n`));
  io.stdout(redactor.redact(formatComparison(comparison)));
  note(`\nbase.json, head.json and comparison.json written to ${values.out}\n`);
  return comparison.verdict.failed ? 1 : 0;
}
