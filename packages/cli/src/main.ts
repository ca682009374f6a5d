import { parseArgs } from "node:util";
import { runCheckDataFromArgs } from "./commands/check-data.ts";
import { runCompareFromArgs } from "./commands/compare.ts";
import { parseShardFlag, runEvalCommand } from "./commands/eval.ts";
import { runGateFromArgs } from "./commands/gate.ts";
import { runInitFromArgs } from "./commands/init.ts";
import { runMergeFromArgs } from "./commands/merge.ts";
import { runReportFromArgs } from "./commands/report.ts";
import { type CliIO, SecretRedactor } from "./io.ts";
import { reportUserError, UsageError } from "./usage-error.ts";
import { VERSION } from "./version.ts";

/** Exit codes: 0 ok, 1 a gate failed, 2 usage, config or input error. */
export const EXIT = { ok: 0, gateFailed: 1, usage: 2 } as const;

const HELP = `promptfirst ${VERSION} — prompt first: measure prompts and fine-tunes on every pull request

Usage: promptfirst <command> [options]

Commands:
  init        Start a project: promptfirst.yaml, a prompt, cases, and the pull-request workflow
  eval        Evaluate the config's suites and write a RunResult
  compare     Compare two RunResults (base, head) and judge the quality, cost and errors gates
  gate        Evaluate base and head of the suites a change touches, compare, and apply the gates
  check-data  Check fine-tuning data: format, size, tokens, cost, duplicates, contradictions, leakage
  report      Render a Comparison as a PR comment, job summary, HTML report, JUnit XML or JSON
  merge       Join the RunResults of a sharded run (eval --shard i/n) into one

Run \`promptfirst <command> --help\` for a command's options.
`;

const EVAL_HELP = `Usage: promptfirst eval [options]

Evaluate every suite (or the ones named) and print a summary.

Options:
  -c, --config FILE      config file (default: promptfirst.yaml)
  -s, --suite NAME       evaluate only this suite (repeatable)
  -o, --out FILE         write the RunResult JSON here
      --concurrency N    requests in flight per endpoint (default: the config's, else 8)
      --no-cache         neither read nor write the response cache
      --cache-dir DIR    cache directory (default: .promptfirst/cache beside the config)
      --prune-cache      afterwards, keep only the cache entries this run read or wrote (run it over every
                         suite, e.g. on the default branch, so a cache kept across CI runs stops growing)
      --record FILE      call the endpoints and add every response to FILE, secrets masked (implies --no-cache)
      --replay FILE      answer only from FILE; a request it lacks is an error
      --shard i/n        evaluate only shard i of n (e.g. 2/4): every suite's cases are split evenly by case,
                         the same way every time; join the shards' --out files with promptfirst merge
  -q, --quiet            no progress on stderr
  -h, --help             show this help

The API key is read from the environment variable the config names (provider.apiKeyEnv, default OPENAI_API_KEY).
Exit status: 0 evaluated; 2 usage or config error, or calls that could not be made (no key, no recording).
`;

function parsePositiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}

async function runEvalFromArgs(args: string[], io: CliIO, redactor: SecretRedactor): Promise<number> {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      config: { type: "string", short: "c", default: "promptfirst.yaml" },
      suite: { type: "string", short: "s", multiple: true },
      out: { type: "string", short: "o" },
      concurrency: { type: "string" },
      "no-cache": { type: "boolean", default: false },
      "cache-dir": { type: "string" },
      "prune-cache": { type: "boolean", default: false },
      record: { type: "string" },
      replay: { type: "string" },
      shard: { type: "string" },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout(EVAL_HELP);
    return EXIT.ok;
  }
  if (values.record && values.replay) throw new UsageError("--record and --replay cannot be used together");
  const concurrency = parsePositiveInt(values.concurrency, "--concurrency");
  const shard = parseShardFlag(values.shard);
  if (shard && !values.out) {
    throw new UsageError(
      "--shard needs --out FILE: a shard's results are only useful written, for promptfirst merge to join",
    );
  }
  return runEvalCommand(
    {
      config: values.config,
      suites: values.suite ?? [],
      cache: !values["no-cache"],
      quiet: values.quiet,
      ...(values.out ? { out: values.out } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(values["cache-dir"] ? { cacheDir: values["cache-dir"] } : {}),
      ...(values.record ? { record: values.record } : {}),
      ...(values.replay ? { replay: values.replay } : {}),
      ...(shard ? { shard } : {}),
      ...(values["prune-cache"] ? { pruneCache: true } : {}),
    },
    io,
    redactor,
  );
}

/**
 * Run the CLI with `argv` (without node and script) and return the exit code. Every user mistake ends here as
 * one clear message on stderr and exit code 2, never a stack trace.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const redactor = new SecretRedactor();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "-h":
      case "--help":
      case "help":
        io.stdout(HELP);
        return command === undefined ? EXIT.usage : EXIT.ok;
      case "-v":
      case "--version":
        io.stdout(`${VERSION}\n`);
        return EXIT.ok;
      case "eval":
        return await runEvalFromArgs(rest, io, redactor);
      case "compare":
        return await runCompareFromArgs(rest, io, redactor);
      case "gate":
        return await runGateFromArgs(rest, io, redactor);
      case "check-data":
        return await runCheckDataFromArgs(rest, io, redactor);
      case "report":
        return await runReportFromArgs(rest, io, redactor);
      case "merge":
        return await runMergeFromArgs(rest, io, redactor);
      case "init":
        return await runInitFromArgs(rest, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return reportUserError(error, command, io, redactor);
  }
}
