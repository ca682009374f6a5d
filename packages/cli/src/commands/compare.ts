import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  type Comparison,
  compareRuns,
  failOnSchema,
  PromptfirstError,
  parseConfig,
  promptFirstModeSchema,
  readGatesThresholds,
  type Thresholds,
} from "@promptfirst/core";
import { loadRunResult } from "@promptfirst/core/node";
import { formatComparison } from "../format-comparison.ts";
import { type CliIO, type SecretRedactor, writeOutputFile } from "../io.ts";
import { reportUserError, UsageError } from "../usage-error.ts";
import { VERSION } from "../version.ts";

/** `promptfirst compare --help`. */
export const COMPARE_HELP = `Usage: promptfirst compare --base FILE --head FILE [options]

Compare two RunResults (from \`promptfirst eval --out\`), base and head, and judge the quality, cost and errors
gates. Prints the verdict and a table per suite.

Options:
  -b, --base FILE               RunResult of the base (e.g. the target branch)
  -H, --head FILE               RunResult of the head (the change under review)
  -o, --out FILE                write the Comparison JSON here
  -c, --config FILE             take the thresholds from this config's gates: block (the flags below override
                                them one by one); without it, only the flags and the defaults apply
      --min-score X             fail a candidate whose head score is below X (0–1, or a percentage: 80%)
      --max-score-drop X        largest allowed significant drop of a candidate's score (default 0.02 = 2 points)
      --confidence X            confidence of intervals and of the one-sided test for a drop (default 0.95)
      --min-pass-rate X         fail a case passing in fewer than X of its samples (useful with repeat > 1)
      --max-cost-increase PCT   largest allowed rise of cost per call, in percent (default 20)
      --max-monthly-cost USD    largest allowed monthly cost projection at the suite's volume
      --fail-on-unknown-cost    fail the cost gate when a price is unknown (otherwise: "unknown")
      --no-fail-on-unknown-cost
                                an unknown price makes the cost gate "unknown", whatever the config says
      --max-error-rate X        largest allowed share of calls ending in a provider error (default 0.05)
      --fail-on GATE            which failing gates fail the check: any, quality, cost, errors, prompt-first,
                                never (default any)
  -h, --help                    show this help

A drop fails quality only when it is larger than --max-score-drop and significant at --confidence. A suite too
small to detect such a drop is "inconclusive", not passed: the output says how many more cases it needs (for
clustered cases, how many more clusters). The config's promptFirst and minFineTuneGain do not apply: compare
does not judge the prompt-first rule (\`promptfirst gate\` does).
Exit status: 0 no selected gate failed; 1 a gate failed, or no case was evaluated at all; 2 usage error, or a
result or config file that is missing, unreadable or invalid.
`;

/** parseArgs options for the gate thresholds; `gate` accepts the same ones. */
export const THRESHOLD_OPTIONS = {
  "min-score": { type: "string" },
  "max-score-drop": { type: "string" },
  confidence: { type: "string" },
  "min-pass-rate": { type: "string" },
  "max-cost-increase": { type: "string" },
  "max-monthly-cost": { type: "string" },
  "fail-on-unknown-cost": { type: "boolean" },
  "no-fail-on-unknown-cost": { type: "boolean" },
  "max-error-rate": { type: "string" },
  "fail-on": { type: "string" },
} as const;

/**
 * parseArgs options for the prompt-first rule. Only `gate` takes them: it has the training data the rule checks
 * (`compare` reads two RunResults and does not apply the rule). `parseThresholdFlags` reads them.
 */
export const PROMPT_FIRST_OPTIONS = {
  "prompt-first": { type: "string" },
  "min-fine-tune-gain": { type: "string" },
} as const;

interface NumberFlag {
  flag: keyof typeof THRESHOLD_OPTIONS | keyof typeof PROMPT_FIRST_OPTIONS;
  key:
    | "minFineTuneGain"
    | "minScore"
    | "maxScoreDrop"
    | "confidence"
    | "minPassRate"
    | "maxCostIncrease"
    | "maxMonthlyCost"
    | "maxErrorRate";
  /** `share`: in [0, 1], `80%` means 0.8; `percent`: ≥ 0, `%` allowed; `usd`: ≥ 0, `$` allowed. */
  kind: "share" | "open-share" | "percent" | "usd";
}

const NUMBER_FLAGS: NumberFlag[] = [
  { flag: "min-score", key: "minScore", kind: "share" },
  { flag: "max-score-drop", key: "maxScoreDrop", kind: "share" },
  { flag: "confidence", key: "confidence", kind: "open-share" },
  { flag: "min-pass-rate", key: "minPassRate", kind: "share" },
  { flag: "max-cost-increase", key: "maxCostIncrease", kind: "percent" },
  { flag: "max-monthly-cost", key: "maxMonthlyCost", kind: "usd" },
  { flag: "max-error-rate", key: "maxErrorRate", kind: "share" },
  { flag: "min-fine-tune-gain", key: "minFineTuneGain", kind: "share" },
];

function parseNumberFlag(spec: NumberFlag, raw: string): number {
  const text = raw.trim();
  let value: number;
  if (spec.kind === "share" || spec.kind === "open-share") {
    value = text.endsWith("%") ? Number(text.slice(0, -1)) / 100 : Number(text);
    const ok =
      text !== "" &&
      Number.isFinite(value) &&
      (spec.kind === "share" ? value >= 0 && value <= 1 : value > 0 && value < 1);
    if (!ok) {
      const range = spec.kind === "share" ? "between 0 and 1" : "strictly between 0 and 1";
      throw new UsageError(
        `--${spec.flag} must be a number ${range} (or a percentage such as 80%), got "${raw}"`,
      );
    }
    return value;
  }
  const stripped = spec.kind === "percent" ? text.replace(/%$/, "") : text.replace(/^\$/, "");
  value = Number(stripped);
  if (stripped === "" || !Number.isFinite(value) || value < 0) {
    const what =
      spec.kind === "percent" ? "a percentage of 0 or more (e.g. 20)" : "an amount in USD of 0 or more";
    throw new UsageError(`--${spec.flag} must be ${what}, got "${raw}"`);
  }
  return value;
}

/**
 * The thresholds given as flags (values of THRESHOLD_OPTIONS, and of PROMPT_FIRST_OPTIONS where the command takes
 * them); a bad value is a UsageError naming the value received and the values allowed.
 */
export function parseThresholdFlags(values: Readonly<Record<string, unknown>>): Partial<Thresholds> {
  const out: Partial<Thresholds> = {};
  for (const spec of NUMBER_FLAGS) {
    const raw = values[spec.flag];
    if (typeof raw === "string") out[spec.key] = parseNumberFlag(spec, raw);
  }
  if (values["fail-on-unknown-cost"] === true && values["no-fail-on-unknown-cost"] === true) {
    throw new UsageError("--fail-on-unknown-cost and --no-fail-on-unknown-cost cannot be used together");
  }
  if (values["fail-on-unknown-cost"] === true) out.failOnUnknownCost = true;
  if (values["no-fail-on-unknown-cost"] === true) out.failOnUnknownCost = false;
  const failOn = values["fail-on"];
  if (typeof failOn === "string") {
    const parsed = failOnSchema.safeParse(failOn);
    if (!parsed.success) {
      throw new UsageError(`--fail-on must be one of ${failOnSchema.options.join(", ")}; got "${failOn}"`);
    }
    out.failOn = parsed.data;
  }
  const promptFirst = values["prompt-first"];
  if (typeof promptFirst === "string") {
    const parsed = promptFirstModeSchema.safeParse(promptFirst);
    if (!parsed.success) {
      throw new UsageError(
        `--prompt-first must be one of ${promptFirstModeSchema.options.join(", ")}; got "${promptFirst}"`,
      );
    }
    out.promptFirst = parsed.data;
  }
  return out;
}

/**
 * The thresholds a config's `gates:` block sets, for `compare --config` (`shown`: the path as the user gave it).
 * The prompt-first keys are left out: compare does not apply the rule. A missing or unreadable file is a
 * FILE_NOT_FOUND or FILE_UNREADABLE PromptfirstError naming it; an invalid config, parseConfig's CONFIG_INVALID
 * error listing every problem with its line.
 */
export async function readConfigGates(file: string, shown: string): Promise<Partial<Thresholds>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new PromptfirstError("FILE_NOT_FOUND", `${shown}: config file not found (--config)`, [
        { file: shown, message: "not found" },
      ]);
    }
    const why = code === "EISDIR" ? "it is a folder, not a file" : `${code ?? "unknown error"}`;
    throw new PromptfirstError(
      "FILE_UNREADABLE",
      `${shown}: cannot read the config file (--config): ${why}`,
      [{ file: shown, message: "unreadable" }],
    );
  }
  const {
    promptFirst: _mode,
    minFineTuneGain: _gain,
    ...gates
  } = readGatesThresholds(parseConfig(text, shown).config.gates);
  return gates;
}

/** Write a Comparison as pretty JSON, creating the directory (`shown`: the path as the user gave it). */
export async function saveComparison(file: string, comparison: Comparison, shown = file): Promise<void> {
  await writeOutputFile(file, `${JSON.stringify(comparison, null, 2)}\n`, shown);
}

/**
 * `promptfirst compare`: read both RunResults, compare, print the verdict and tables, write `--out`. Returns
 * the exit code: 0 when no gate selected by `--fail-on` fails, 1 when one does, 2 for a usage mistake or a
 * result file that is missing, unreadable or incompatible (one message naming the file, no stack trace).
 */
export async function runCompareFromArgs(
  args: string[],
  io: CliIO,
  redactor: SecretRedactor,
): Promise<number> {
  try {
    const { values } = parseArgs({
      args,
      allowPositionals: false,
      options: {
        base: { type: "string", short: "b" },
        head: { type: "string", short: "H" },
        out: { type: "string", short: "o" },
        config: { type: "string", short: "c" },
        help: { type: "boolean", short: "h", default: false },
        ...THRESHOLD_OPTIONS,
      },
    });
    if (values.help) {
      io.stdout(COMPARE_HELP);
      return 0;
    }
    const missing = (["base", "head"] as const).filter((flag) => !values[flag]);
    if (missing.length > 0) {
      throw new UsageError(
        `${missing.map((f) => `--${f}`).join(" and ")} ${missing.length > 1 ? "are" : "is"} required: give the RunResult files of base and head (from \`promptfirst eval --out\`)`,
      );
    }
    const flags = parseThresholdFlags(values);
    const fromConfig = values.config
      ? await readConfigGates(path.resolve(io.cwd, values.config), values.config)
      : {};
    const thresholds: Partial<Thresholds> = { ...fromConfig, ...flags };
    const [base, head] = await Promise.all([
      loadRunResult(path.resolve(io.cwd, values.base!), { displayPath: values.base! }),
      loadRunResult(path.resolve(io.cwd, values.head!), { displayPath: values.head! }),
    ]);
    for (const [run, file] of [
      [base, values.base!],
      [head, values.head!],
    ] as const) {
      if (!run.shard) continue;
      io.stderr(
        `warning: ${file} holds only shard ${run.shard.index}/${run.shard.count} of its run: merge every shard with \`promptfirst merge\` first, or this compares part of the cases\n`,
      );
    }
    const comparison = compareRuns(base, head, thresholds, {
      toolVersion: VERSION,
      baseFile: values.base!,
      headFile: values.head!,
    });
    io.stdout(redactor.redact(formatComparison(comparison)));
    if (values.out) {
      await saveComparison(path.resolve(io.cwd, values.out), comparison, values.out);
      io.stderr(`comparison written to ${values.out}\n`);
    }
    return comparison.verdict.failed ? 1 : 0;
  } catch (error) {
    return reportUserError(error, "compare", io, redactor);
  }
}
