import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  applyPromptFirst,
  type Config,
  compareRuns,
  type DataReport,
  DEFAULTS,
  type EvalCaseRef,
  evaluatePromptFirst,
  findTouchedSuites,
  type GatesConfig,
  inferProviderFromBaseURL,
  isPromptfirstError,
  type LoadedCandidate,
  type LoadedConfig,
  parseConfig,
  RUN_RESULT_SCHEMA_VERSION,
  type RunResult,
  renderPrompt,
  type Thresholds,
} from "@promptfirst/core";
import {
  addTemporaryWorktree,
  findDefaultBase,
  findGitRoot,
  listChangedFiles,
  loadConfig,
  loadTrainingDataReport,
  resolveCommit,
  runGit,
} from "@promptfirst/core/node";
import { formatComparison } from "../format-comparison.ts";
import type { CliIO, SecretRedactor } from "../io.ts";
import { formatRunSummary } from "../summary.ts";
import { VERSION } from "../version.ts";
import {
  CompareUsageError,
  PROMPT_FIRST_OPTIONS,
  parseThresholdFlags,
  saveComparison,
  THRESHOLD_OPTIONS,
} from "./compare.ts";
import { type EvalOptions, executeEval } from "./eval.ts";

/** `promptfirst gate --help`. */
export const GATE_HELP = `Usage: promptfirst gate [options]

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
      --record FILE        call the endpoints and add every response to FILE
      --replay FILE        answer only from FILE (base and head alike)
  -q, --quiet              no progress on stderr
  Gate thresholds (override the config's gates:):
      --min-score X  --max-score-drop X  --confidence X  --min-pass-rate X
      --max-cost-increase PCT  --max-monthly-cost USD  --fail-on-unknown-cost  --max-error-rate X
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

/** The gate thresholds a config sets under `gates:`, as comparison thresholds. */
export function readConfigThresholds(gates: GatesConfig | undefined): Partial<Thresholds> {
  const out: Partial<Thresholds> = {};
  if (!gates) return out;
  for (const key of [
    "minScore",
    "maxScoreDrop",
    "maxCostIncrease",
    "maxMonthlyCost",
    "maxErrorRate",
    "confidence",
    "minFineTuneGain",
  ] as const) {
    const value = gates[key];
    if (value !== undefined) out[key] = value;
  }
  if (gates.promptFirst !== undefined) out.promptFirst = gates.promptFirst;
  return out;
}

/** One training file the touched suites use, with the fine-tune candidate that names it first. */
interface TrainingFile {
  /** Relative to the config, as written in `fineTune.trainingData`. */
  file: string;
  absolute: string;
  candidate: LoadedCandidate & { fineTune: NonNullable<LoadedCandidate["fineTune"]> };
  /** Every suite (touched or not) whose fine-tunes use the file: their cases are checked for leakage. */
  suites: Set<string>;
}

/** What `checkTrainingFiles` needs: the head config, the suites touched, and where base is checked out. */
interface TrainingCheckInput {
  head: LoadedConfig;
  suites: readonly string[];
  root: string;
  /** The base commit's checkout (the temporary worktree). */
  baseDir: string;
  baseLabel: string;
  /** Files changed since base, relative to the repository root. */
  changed: readonly string[];
}

/** The user turns of a candidate's prompt rendered with a case's vars (what leaks when trained on). */
function renderUserInput(candidate: LoadedCandidate, vars: Record<string, unknown>): string | undefined {
  try {
    const text = renderPrompt(candidate.prompt, vars)
      .filter((m) => m.role === "user")
      .map((m) => m.content)
      .join("\n");
    return text === "" ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * Check the training data of the touched suites' fine-tune candidates on head, each against its base version
 * (from the base checkout; a file new on head is all added) and against the eval cases of every suite that
 * trains on it. Returns the reports (named as in the config) and which of the files the change touches.
 */
async function checkTrainingFiles(
  input: TrainingCheckInput,
): Promise<{ reports: DataReport[]; changedTrainingFiles: string[] }> {
  const files = new Map<string, TrainingFile>();
  const wanted = new Set(input.suites);
  for (const suite of input.head.suites) {
    if (!wanted.has(suite.name)) continue;
    for (const candidate of suite.candidates) {
      if (!candidate.fineTune || files.has(candidate.fineTune.trainingDataPath)) continue;
      files.set(candidate.fineTune.trainingDataPath, {
        file: candidate.fineTune.trainingData,
        absolute: candidate.fineTune.trainingDataPath,
        candidate: candidate as TrainingFile["candidate"],
        suites: new Set(),
      });
    }
  }
  for (const suite of input.head.suites) {
    for (const candidate of suite.candidates) {
      const entry = candidate.fineTune ? files.get(candidate.fineTune.trainingDataPath) : undefined;
      entry?.suites.add(suite.name);
    }
  }
  const changed = new Set(input.changed.map((f) => path.resolve(input.root, f)));
  const reports: DataReport[] = [];
  const changedTrainingFiles: string[] = [];
  for (const entry of files.values()) {
    const { candidate } = entry;
    const evalCases: EvalCaseRef[] = [];
    for (const suite of input.head.suites) {
      if (!entry.suites.has(suite.name)) continue;
      for (const testCase of suite.cases) {
        const renderedInput = renderUserInput(candidate, testCase.vars);
        evalCases.push({
          suite: suite.name,
          case: testCase,
          ...(renderedInput === undefined ? {} : { renderedInput }),
        });
      }
    }
    const provider = inferProviderFromBaseURL(candidate.provider.baseURL);
    const spec = candidate.fineTune;
    reports.push(
      await loadTrainingDataReport(entry.absolute, {
        file: entry.file,
        baseModel: spec.baseModel,
        ...(provider === undefined ? {} : { provider }),
        ...(spec.epochs === undefined ? {} : { epochs: spec.epochs }),
        ...(spec.trainingPricePerMTok === undefined
          ? {}
          : { trainingPricePerMTok: spec.trainingPricePerMTok }),
        evalCases,
        baseVersionPath: path.join(input.baseDir, path.relative(input.root, entry.absolute)),
        baseFile: `${entry.file} at ${input.baseLabel}`,
      }),
    );
    if (changed.has(entry.absolute)) changedTrainingFiles.push(entry.file);
  }
  return { reports, changedTrainingFiles };
}

/** A RunResult with no suites: the base of a config that did not exist yet. */
function buildEmptyRun(configFile: string, git: RunResult["git"]): RunResult {
  const result: RunResult = {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    tool: { name: "promptfirst", version: VERSION },
    createdAt: new Date().toISOString(),
    config: { file: configFile, hash: "none" },
    suites: {},
    stats: {
      plannedCalls: 0,
      judgeCalls: 0,
      requests: 0,
      cacheHits: 0,
      deduplicated: 0,
      retries: 0,
      errors: 0,
      spentUsd: 0,
      durationMs: 0,
    },
    warnings: [],
  };
  if (git) result.git = git;
  return result;
}

async function readBaseConfig(file: string, display: string): Promise<{ config?: Config; problem?: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { problem: `the base has no ${display}` };
  }
  try {
    return { config: parseConfig(text, display).config };
  } catch (error) {
    if (!isPromptfirstError(error)) throw error;
    return { problem: `the base's ${display} is not valid, so every suite counts as changed` };
  }
}

/** `promptfirst gate`: evaluate base and head of the touched suites, compare, and apply the gates. */
export async function runGateFromArgs(args: string[], io: CliIO, redactor: SecretRedactor): Promise<number> {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      config: { type: "string", short: "c", default: "promptfirst.yaml" },
      base: { type: "string" },
      suite: { type: "string", short: "s", multiple: true },
      all: { type: "boolean", default: false },
      out: { type: "string", short: "o", default: ".promptfirst/gate" },
      concurrency: { type: "string" },
      "no-cache": { type: "boolean", default: false },
      "cache-dir": { type: "string" },
      record: { type: "string" },
      replay: { type: "string" },
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
  if (values.record && values.replay)
    throw new CompareUsageError("--record and --replay cannot be used together");
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new CompareUsageError(
        `--concurrency must be a positive whole number, got "${values.concurrency}"`,
      );
    }
  }
  const flagThresholds = parseThresholdFlags(values);

  const configPath = path.resolve(io.cwd, values.config);
  const root = await findGitRoot(path.dirname(configPath));
  const base = values.base
    ? { ref: values.base, sha: await resolveCommit(root, values.base) }
    : await findDefaultBase(root);
  const headSha = (await runGit(root, ["rev-parse", "HEAD"])).trim();
  const configInRepo = path.relative(root, configPath);
  const head = await loadConfig(configPath, { displayBase: io.cwd });
  const changed = await listChangedFiles(root, base.sha);

  const worktree = await addTemporaryWorktree(root, base.sha);
  try {
    const baseConfigPath = path.join(worktree.dir, configInRepo);
    const baseConfig = await readBaseConfig(baseConfigPath, head.file);
    const wanted = values.suite ?? [];
    const touched = values.all
      ? head.suites.map((s) => ({ name: s.name, reasons: ["--all"] }))
      : wanted.length > 0
        ? wanted.map((name) => ({ name, reasons: ["--suite"] }))
        : findTouchedSuites({ head, base: baseConfig.config, changedFiles: changed, repoRoot: root });
    const shortBase = `${base.ref} (${base.sha.slice(0, 7)})`;
    if (touched.length === 0) {
      io.stdout(`No suite is touched by the changes since ${shortBase}: nothing to evaluate.\n`);
      return 0;
    }
    const note = (text: string): void => {
      if (!values.quiet) io.stderr(text);
    };
    note(`Comparing the working tree with ${shortBase}.\n`);
    if (baseConfig.problem) note(`note: ${baseConfig.problem}\n`);
    for (const suite of touched) note(`  suite ${suite.name}: ${suite.reasons.join("; ")}\n`);

    const outDir = path.resolve(io.cwd, values.out);
    const shared: Omit<EvalOptions, "config" | "suites"> = {
      cache: !values["no-cache"],
      cacheDir: values["cache-dir"] ? path.resolve(io.cwd, values["cache-dir"]) : head.cacheDir,
      quiet: values.quiet,
      ...(concurrency ? { concurrency } : {}),
      ...(values.record ? { record: values.record } : {}),
      ...(values.replay ? { replay: values.replay } : {}),
    };
    const names = touched.map((s) => s.name);
    note("\nhead (working tree):\n");
    const headOutcome = await executeEval(
      {
        ...shared,
        config: configPath,
        suites: names,
        out: path.join(outDir, "head.json"),
        git: { ref: "working tree", sha: headSha },
      },
      io,
      redactor,
    );
    const baseNames = names.filter((name) => baseConfig.config?.suites[name] !== undefined);
    let baseResult: RunResult;
    let baseBlocking: typeof headOutcome.blocking = [];
    if (baseNames.length > 0) {
      note(`\nbase ${shortBase}:\n`);
      const baseOutcome = await executeEval(
        {
          ...shared,
          config: baseConfigPath,
          suites: baseNames,
          out: path.join(outDir, "base.json"),
          git: { ref: base.ref, sha: base.sha },
          // Name the base's files as the head's are named, not by their temporary checkout.
          displayBase: path.join(worktree.dir, path.relative(root, io.cwd)),
        },
        io,
        redactor,
      );
      baseResult = baseOutcome.result;
      baseBlocking = baseOutcome.blocking;
    } else {
      baseResult = buildEmptyRun(headOutcome.result.config.file, { ref: base.ref, sha: base.sha });
    }
    const blocking = [...headOutcome.blocking, ...baseBlocking];
    if (blocking.length > 0) {
      for (const b of blocking)
        io.stderr(redactor.redact(`error: ${b.count} call(s) could not be made: ${b.message}\n`));
      return 2;
    }

    const compared = compareRuns(
      baseResult,
      headOutcome.result,
      { ...readConfigThresholds(head.config.gates), ...flagThresholds },
      { toolVersion: VERSION, baseFile: `base ${shortBase}`, headFile: "head (working tree)" },
    );
    const { reports, changedTrainingFiles } = await checkTrainingFiles({
      head,
      suites: names,
      root,
      baseDir: worktree.dir,
      baseLabel: shortBase,
      changed,
    });
    const thresholds = compared.thresholds;
    const mode = thresholds.promptFirst ?? DEFAULTS.promptFirst;
    const report = evaluatePromptFirst({
      head: headOutcome.result,
      base: baseResult,
      comparison: compared,
      dataReports: reports,
      changedTrainingFiles,
      mode,
      minFineTuneGain: thresholds.minFineTuneGain ?? DEFAULTS.minFineTuneGain,
      maxScoreDrop: thresholds.maxScoreDrop,
      confidence: thresholds.confidence,
      today: new Date(),
    });
    const comparison = applyPromptFirst(compared, report, reports, mode, thresholds.failOn);
    await saveComparison(path.join(outDir, "comparison.json"), comparison);
    io.stdout(redactor.redact(`\nHead (working tree)\n${formatRunSummary(headOutcome.result)}\n`));
    io.stdout(redactor.redact(formatComparison(comparison)));
    note(`\nbase.json, head.json and comparison.json written to ${values.out}\n`);
    return comparison.verdict.failed ? 1 : 0;
  } finally {
    await worktree.remove();
  }
}
