import path from "node:path";
import { parseArgs } from "node:util";
import { countShardCases, mergeRunResults, type RunResult, type RunResultPart } from "@promptfirst/core";
import { loadRunResult } from "@promptfirst/core/node";
import { type CliIO, type SecretRedactor, writeOutputFile } from "../io.ts";
import { formatRunSummary } from "../summary.ts";
import { UsageError } from "../usage-error.ts";

/** `promptfirst merge --help`. */
export const MERGE_HELP = `Usage: promptfirst merge FILE... --out FILE

Join the partial RunResults of a sharded run (one per shard, from \`promptfirst eval --shard i/n --out FILE\`)
into the RunResult the whole run would have written: every case back in its suite's order, candidate summaries
recomputed from the merged cases, stats summed (the duration is the longest shard's). Compare merged results
with \`promptfirst compare\`. (\`promptfirst gate --shard\` and \`gate --merge\` do all of this for a pull request.)

It refuses results of different runs (another config or file, commit, or promptfirst version), a shard that is
missing or given twice, and a case that is in two shards or in none, naming the file.

Options:
  -o, --out FILE   write the merged RunResult here (required)
  -q, --quiet      print nothing but errors
  -h, --help       show this help

Exit status: 0 merged; 2 usage error, or files that are missing, invalid or not the shards of one run.
`;

/** Write a RunResult as pretty JSON, creating the directory. */
export async function saveRunResult(file: string, result: RunResult, shown = file): Promise<void> {
  await writeOutputFile(file, `${JSON.stringify(result, null, 2)}\n`, shown);
}

/** `12 + 13 + 12 cases`: each shard's share of the run, in shard order. */
export function formatShardSizes(parts: readonly RunResultPart[]): string {
  const sizes = parts
    .filter((p) => p.result.shard)
    .sort((a, b) => a.result.shard!.index - b.result.shard!.index)
    .map((p) => countShardCases(p.result.shard!).cases);
  return `${sizes.join(" + ")} = ${sizes.reduce((a, b) => a + b, 0)} case(s)`;
}

/** `promptfirst merge`: read the shards' RunResults, merge them, write `--out`, print the summary. */
export async function runMergeFromArgs(args: string[], io: CliIO, redactor: SecretRedactor): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout(MERGE_HELP);
    return 0;
  }
  if (positionals.length === 0) {
    throw new UsageError(
      "give the result files of every shard to merge, e.g. promptfirst merge shard-*.json --out results.json",
    );
  }
  if (!values.out) throw new UsageError("--out FILE is required: where to write the merged RunResult");
  const parts: RunResultPart[] = [];
  for (const file of positionals) {
    parts.push({ file, result: await loadRunResult(path.resolve(io.cwd, file), { displayPath: file }) });
  }
  const merged = mergeRunResults(parts);
  await saveRunResult(path.resolve(io.cwd, values.out), merged, values.out);
  if (!values.quiet) {
    io.stdout(redactor.redact(formatRunSummary(merged)));
    io.stderr(`merged ${parts.length} shard(s) (${formatShardSizes(parts)}) into ${values.out}\n`);
  }
  return 0;
}
