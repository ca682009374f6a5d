import { readdir, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import {
  type Comparison,
  type Config,
  type DataReport,
  DEFAULTS,
  type EvalCaseRef,
  findTouchedSuites,
  type GatesConfig,
  inferProviderFromBaseURL,
  isPromptfirstError,
  type LoadedCandidate,
  type LoadedConfig,
  PromptfirstError,
  parseConfig,
  RUN_RESULT_SCHEMA_VERSION,
  type RunResult,
  type RunResultPart,
  readGatesThresholds,
  renderPrompt,
  type ShardSelection,
  type ShardSpec,
  type Thresholds,
  type TouchedSuite,
} from "../index.ts";
import {
  addTemporaryWorktree,
  findGitRoot,
  listChangedFiles,
  readCommittedFile,
  type TemporaryWorktree,
} from "./git.ts";
import { loadConfig } from "./load-config.ts";

// What a check needs only once both sides are evaluated (the comparison, the prompt-first rule, the training-data
// checks with their tokenizer) or only in a merge (run results on disk) is imported when first needed: a bundle
// then parses it after the first model request, not before.
const loadComparison = () => import("../compare/compare-runs.ts");
const loadPromptFirst = () => import("../prompt-first/evaluate.ts");
const loadTrainingCheck = () => import("./check-training-file.ts");

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
    const { loadTrainingDataReport } = await loadTrainingCheck();
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
function buildEmptyRun(configFile: string, git: RunResult["git"], toolVersion: string): RunResult {
  const result: RunResult = {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    tool: { name: "promptfirst", version: toolVersion },
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

/** The base's config, or why there is none to compare with. */
interface BaseConfig {
  config?: Config;
  problem?: string;
}

/**
 * Whether the change may touch the config: `changed` (repo-relative) names the config file or a directory above it
 * (a submodule), or the config's path goes through a symbolic link (any link on the way could have been
 * retargeted: the base's config is then compared, as for a changed config).
 */
async function touchesConfig(changed: readonly string[], root: string, configPath: string): Promise<boolean> {
  const inRepo = path.relative(root, configPath);
  try {
    if (path.relative(await realpath(root), await realpath(configPath)) !== inRepo) return true;
  } catch {
    return true;
  }
  return changed.some((file) => {
    const name = path.normalize(file);
    return name === inRepo || inRepo.startsWith(`${name}${path.sep}`);
  });
}

async function readBaseConfig(file: string, display: string): Promise<BaseConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { problem: `the base has no ${display}` };
  }
  return parseBaseConfig(text, display);
}

function parseBaseConfig(text: string, display: string): BaseConfig {
  try {
    return { config: parseConfig(text, display).config };
  } catch (error) {
    if (!isPromptfirstError(error)) throw error;
    return { problem: `the base's ${display} is not valid, so every suite counts as changed` };
  }
}

/** One evaluation the check asks its caller for: the head or the base side of the touched suites. */
export interface PullRequestEvaluation {
  side: "head" | "base";
  /** Absolute config path (the base's lives in a temporary worktree). */
  configPath: string;
  suites: string[];
  /** Directory the config's files are named relative to (the base's maps onto the head's names). */
  displayBase: string;
  git: { ref: string; sha: string };
  /**
   * With the check's `shard`: evaluate only this shard (pass it to `evaluateConfig`'s `shard`). Its `peers` hold
   * both sides' case ids, so a case base and head share lands in the same shard on both.
   */
  shard?: ShardSelection;
}

/** What the caller's evaluation returns (`evaluateConfig` of `@promptfirst/providers` fits). */
export interface PullRequestEvaluationResult {
  result: RunResult;
  /** Calls that could not be made for a reason the user must fix (no key, no recording). */
  blocking: Array<{ kind: string; message: string; count: number }>;
}

/** Progress of a check, for the shell to print or group. */
export type PullRequestCheckEvent =
  | { type: "touched"; touched: TouchedSuite[]; base: string }
  /** The base's config could not be read or is not valid: how the check treats it. */
  | { type: "base-problem"; problem: string }
  | { type: "evaluate"; side: "head" | "base"; label: string };

/** Options of `runPullRequestCheck`. */
export interface PullRequestCheckOptions {
  /** Absolute path of the head config. */
  configPath: string;
  /** The top of the git work tree holding the config, when the caller already asked git (default: asks it). */
  repoRoot?: string;
  /** Directory the config's files are named relative to in messages and results. */
  displayBase: string;
  /** The base to compare with, already resolved by the caller (a ref for display and its commit). */
  base: { ref: string; sha: string };
  /**
   * Settles when the base commit is in the repository (the caller fetching it into a shallow checkout): reading
   * the base waits for it, head does not. A rejection is the check's error (when the base is needed).
   */
  baseReady?: PromiseLike<unknown>;
  headSha: string;
  /** How head is named (default `working tree`). */
  headRef?: string;
  /**
   * Files the change touches, repo-relative (default, and when it resolves to undefined: `git diff` of the working
   * tree against base). May be on its way (a pull request's files from GitHub's API): the check reads the configs
   * meanwhile.
   */
  changedFiles?: readonly string[] | PromiseLike<readonly string[] | undefined>;
  /** Evaluate these suites whatever changed. */
  suites?: readonly string[];
  /** Evaluate every suite. */
  all?: boolean;
  /** Threshold overrides (flags or Action inputs), over the config's `gates:`. */
  thresholds: Partial<Thresholds>;
  /** Runs one evaluation (head, then base, sharing one cache). */
  evaluate: (request: PullRequestEvaluation) => Promise<PullRequestEvaluationResult>;
  /**
   * Compare even when calls were blocked (no key on a fork's pull request): the caller reports what could be
   * answered and marks the gates not evaluated. Default false: a blocked check returns `kind: "blocked"`.
   */
  compareWhenBlocked?: boolean;
  /**
   * Evaluate only this shard of the touched suites' cases and stop there: the result is `kind: "shard"`, the
   * partial base and head results, for a later check to merge (`createShardMergeEvaluation`). No comparison.
   */
  shard?: ShardSpec;
  /** Today, for model shutdown dates. */
  today: Date;
  toolVersion: string;
  onEvent?: (event: PullRequestCheckEvent) => void;
}

/** What a check found: nothing to evaluate, calls that could not be made, one shard's results, or a comparison. */
export type PullRequestCheckResult =
  | { kind: "nothing-touched"; base: string; head: LoadedConfig; changedFiles: string[] }
  | {
      /** With `shard`: the shard's partial results, to merge with the other shards' before comparing. */
      kind: "shard";
      base: string;
      head: LoadedConfig;
      touched: TouchedSuite[];
      shard: ShardSpec;
      headResult: RunResult;
      /** Absent when no touched suite exists on base. */
      baseResult?: RunResult;
      blocking: PullRequestEvaluationResult["blocking"];
    }
  | {
      kind: "blocked";
      base: string;
      head: LoadedConfig;
      touched: TouchedSuite[];
      blocking: PullRequestEvaluationResult["blocking"];
      headResult: RunResult;
      baseResult?: RunResult;
    }
  | {
      kind: "compared";
      base: string;
      head: LoadedConfig;
      touched: TouchedSuite[];
      headResult: RunResult;
      baseResult: RunResult;
      comparison: Comparison;
      dataReports: DataReport[];
      /** Non-empty only with `compareWhenBlocked`. */
      blocking: PullRequestEvaluationResult["blocking"];
    };

/**
 * The pull-request check: find the suites the change touches (against the base config, checked out into a
 * temporary git worktree), evaluate them on head and on base through the caller's `evaluate`, compare, check
 * the touched suites' training data, and apply the prompt-first rule. Shared by `promptfirst gate` and the
 * Action; resolving the base and printing are the caller's.
 */
export async function runPullRequestCheck(options: PullRequestCheckOptions): Promise<PullRequestCheckResult> {
  const { configPath, base } = options;
  const root = options.repoRoot ?? (await findGitRoot(path.dirname(configPath)));
  const configInRepo = path.relative(root, configPath);
  // The base's checkout is made while head is read and evaluated: only the base's evaluation and the training-data
  // checks read it. Which suites are touched may need the base's config sooner (below): it is then read from
  // git's objects, and from the checkout only when git cannot hand it over as a plain file.
  const baseReady = settleLater(Promise.resolve(options.baseReady));
  let checkingOut: Promise<TemporaryWorktree> | undefined;
  const checkOut = (): Promise<TemporaryWorktree> =>
    (checkingOut ??= settleLater(baseReady.then(() => addTemporaryWorktree(root, base.sha))));
  let readingBaseText: Promise<string | undefined> | undefined;
  const readBaseText = (): Promise<string | undefined> =>
    (readingBaseText ??= settleLater(baseReady.then(() => readCommittedFile(root, base.sha, configInRepo))));
  // Without a pull request's files (or for a shard), the base is needed at once: start on it now.
  const filesMaySpareBase = options.changedFiles !== undefined && !options.shard;
  if (!filesMaySpareBase) {
    checkOut();
    readBaseText();
  }
  try {
    const head = await loadConfig(configPath, { displayBase: options.displayBase });
    const given = await options.changedFiles;
    const changed = given ? [...given] : await baseReady.then(() => listChangedFiles(root, base.sha));
    const headRef = options.headRef ?? "working tree";
    const shortBase = `${base.ref} (${base.sha.slice(0, 7)})`;

    // Which suites the change touches needs the base's config only when the change touches the config: a pull
    // request's files that leave it alone (the base branch may have moved on since: not this change) mean head's
    // suites are the base's as far as this change goes, and head is evaluated without waiting for the base to
    // be fetched (or checked out at all, when nothing is touched). Its config is then read from the checkout
    // made while head is evaluated, for the base's side and the gates.
    // (The same rule with or without a shard: shard jobs and their merge must find the same suites.)
    const configUntouched = given !== undefined && !(await touchesConfig(changed, root, configPath));
    const loadBaseConfig = async (): Promise<BaseConfig> => {
      const checkingOutBase = checkOut();
      const baseText = configUntouched ? undefined : await readBaseText().catch(() => undefined);
      return baseText === undefined
        ? readBaseConfig(path.join((await checkingOutBase).dir, configInRepo), head.file)
        : parseBaseConfig(baseText, head.file);
    };
    let readingBaseConfig: Promise<BaseConfig> | undefined;
    const readBaseConfigOnce = (): Promise<BaseConfig> =>
      (readingBaseConfig ??= settleLater(loadBaseConfig()));
    const baseConfigForTouch: BaseConfig = configUntouched
      ? { config: head.config }
      : await readBaseConfigOnce();
    const wanted = options.suites ?? [];
    const touched: TouchedSuite[] = options.all
      ? head.suites.map((s) => ({ name: s.name, reasons: ["--all"] }))
      : wanted.length > 0
        ? wanted.map((name) => ({ name, reasons: ["--suite"] }))
        : findTouchedSuites({ head, base: baseConfigForTouch.config, changedFiles: changed, repoRoot: root });
    if (touched.length === 0)
      return { kind: "nothing-touched", base: shortBase, head, changedFiles: changed };
    options.onEvent?.({ type: "touched", touched, base: shortBase });
    // The base's side: checked out (and its config read) while head is evaluated.
    readBaseConfigOnce();
    let baseProblemReported = false;
    /** The base's config, its problem (if any) told once. */
    const awaitBaseConfig = async (): Promise<BaseConfig> => {
      const baseConfig = await readBaseConfigOnce();
      if (baseConfig.problem && !baseProblemReported) {
        baseProblemReported = true;
        options.onEvent?.({
          type: "base-problem",
          problem: configUntouched
            ? baseConfig.problem.replace(
                /, so every suite counts as changed$/,
                ": the touched suites are compared with their targets only",
              )
            : baseConfig.problem,
        });
      }
      return baseConfig;
    };
    if (!configUntouched) await awaitBaseConfig();

    const names = touched.map((s) => s.name);
    const baseNamesOf = (baseConfig: BaseConfig) =>
      names.filter((name) => baseConfig.config?.suites[name] !== undefined);
    // Where the base's files are, and how to name them: as the head's are named, not by their temporary checkout.
    const baseSide = async () => {
      const { dir } = await checkOut();
      return {
        configPath: path.join(dir, configInRepo),
        displayBase: path.join(dir, path.relative(root, options.displayBase)),
      };
    };
    const shard = options.shard
      ? {
          ...options.shard,
          peers: await collectCaseIds(head, names, baseNamesOf(await awaitBaseConfig()), await baseSide()),
        }
      : undefined;
    options.onEvent?.({ type: "evaluate", side: "head", label: `head (${headRef})` });
    const headOutcome = await options.evaluate({
      side: "head",
      configPath,
      suites: names,
      displayBase: options.displayBase,
      git: { ref: headRef, sha: options.headSha },
      ...(shard ? { shard } : {}),
    });
    const baseConfig = await awaitBaseConfig();
    const baseNames = baseNamesOf(baseConfig);
    let baseResult: RunResult;
    let baseBlocking: PullRequestEvaluationResult["blocking"] = [];
    if (baseNames.length > 0) {
      options.onEvent?.({ type: "evaluate", side: "base", label: `base ${shortBase}` });
      const { configPath: baseConfigPath, displayBase: baseDisplayBase } = await baseSide();
      const baseOutcome = await options.evaluate({
        side: "base",
        configPath: baseConfigPath,
        suites: baseNames,
        displayBase: baseDisplayBase,
        git: { ref: base.ref, sha: base.sha },
        ...(shard ? { shard } : {}),
      });
      baseResult = baseOutcome.result;
      baseBlocking = baseOutcome.blocking;
    } else if (options.shard) {
      return {
        kind: "shard",
        base: shortBase,
        head,
        touched,
        shard: options.shard,
        headResult: headOutcome.result,
        blocking: headOutcome.blocking,
      };
    } else {
      baseResult = buildEmptyRun(
        headOutcome.result.config.file,
        { ref: base.ref, sha: base.sha },
        options.toolVersion,
      );
    }
    const blocking = [...headOutcome.blocking, ...baseBlocking];
    if (options.shard) {
      return {
        kind: "shard",
        base: shortBase,
        head,
        touched,
        shard: options.shard,
        headResult: headOutcome.result,
        baseResult,
        blocking,
      };
    }
    if (blocking.length > 0 && !options.compareWhenBlocked) {
      return {
        kind: "blocked",
        base: shortBase,
        head,
        touched,
        blocking,
        headResult: headOutcome.result,
        ...(baseNames.length > 0 ? { baseResult } : {}),
      };
    }

    const { compareRuns } = await loadComparison();
    const compared = compareRuns(
      baseResult,
      headOutcome.result,
      // A pull request cannot loosen its own gates: the base's `gates:` apply (the head's only for a config
      // that is new in this change); flags and Action inputs override both.
      { ...readGatesThresholds(trustedGates(baseConfig, head.config.gates)), ...options.thresholds },
      { toolVersion: options.toolVersion, baseFile: `base ${shortBase}`, headFile: `head (${headRef})` },
    );
    const { reports, changedTrainingFiles } = await checkTrainingFiles({
      head,
      suites: names,
      root,
      baseDir: (await checkOut()).dir,
      baseLabel: shortBase,
      changed,
    });
    const thresholds = compared.thresholds;
    const mode = thresholds.promptFirst ?? DEFAULTS.promptFirst;
    const { applyPromptFirst, evaluatePromptFirst } = await loadPromptFirst();
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
      today: options.today,
    });
    const comparison = applyPromptFirst(compared, report, reports, mode, thresholds.failOn);
    return {
      kind: "compared",
      base: shortBase,
      head,
      touched,
      headResult: headOutcome.result,
      baseResult,
      comparison,
      dataReports: reports,
      blocking,
    };
  } finally {
    const worktree: TemporaryWorktree | undefined = await checkingOut?.catch(() => undefined);
    await worktree?.remove();
  }
}

/**
 * `promise` with its rejection handled for now: work started early and awaited later (or never, when an earlier
 * step fails) must not end the process as an unhandled rejection. Awaiting it still throws.
 */
function settleLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * The gates a check trusts: the base config's (even when it sets none — then the defaults apply), so a pull
 * request cannot loosen its own; the head's only when the base has no config at all (a config new in this change).
 */
function trustedGates(
  base: { config?: { gates?: GatesConfig }; problem?: string },
  headGates: GatesConfig | undefined,
): GatesConfig | undefined {
  if (base.config) return base.config.gates;
  return base.problem?.includes("is not valid") ? undefined : headGates;
}

/**
 * The case ids of the touched suites on head and on base (when its config loads), per suite: a shard is cut over
 * their union, so a case both sides hold lands in the same shard on both and their identical calls are made once.
 */
async function collectCaseIds(
  head: LoadedConfig,
  names: readonly string[],
  baseNames: readonly string[],
  baseSide: { configPath: string; displayBase: string },
): Promise<Record<string, string[]>> {
  const ids: Record<string, Set<string>> = {};
  const add = (config: LoadedConfig): void => {
    for (const suite of config.suites) {
      if (!names.includes(suite.name)) continue;
      const set = ids[suite.name] ?? new Set<string>();
      for (const testCase of suite.cases) set.add(testCase.id);
      ids[suite.name] = set;
    }
  };
  add(head);
  if (baseNames.length > 0) {
    try {
      add(
        await loadConfig(baseSide.configPath, { suites: [...baseNames], displayBase: baseSide.displayBase }),
      );
    } catch (error) {
      // The base's own evaluation reports the problem; the shard is then cut over head's cases.
      if (!isPromptfirstError(error)) throw error;
    }
  }
  return Object.fromEntries(Object.entries(ids).map(([name, set]) => [name, [...set]]));
}

/** The file a shard's partial result of one side is written to: `head.shard-2-of-4.json`. */
export function formatShardResultFileName(side: "head" | "base", shard: ShardSpec): string {
  return `${side}.shard-${shard.index}-of-${shard.count}.json`;
}

const SHARD_FILE = /^(head|base)\.shard-(\d+)-of-(\d+)\.json$/;

/** Partial results of a sharded check, found by `loadShardResults`. */
export interface ShardResults {
  /** The directories searched, as the user named them. */
  dirs: string[];
  head: RunResultPart[];
  base: RunResultPart[];
}

/**
 * Find and read the partial results the shards of a check wrote (`head.shard-i-of-n.json`,
 * `base.shard-i-of-n.json`) in the given directories and their immediate subdirectories (where
 * `actions/download-artifact` puts each artifact without `merge-multiple`). Each file is validated as a RunResult;
 * a file whose name and contents disagree about its shard is refused.
 */
export async function loadShardResults(
  dirs: ReadonlyArray<{ dir: string; display: string }>,
): Promise<ShardResults> {
  const out: ShardResults = { dirs: dirs.map((d) => d.display), head: [], base: [] };
  const visit = async (dir: string, display: string, depth: number): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (depth > 0) return;
      const code = (error as NodeJS.ErrnoException).code;
      throw new PromptfirstError(
        code === "ENOENT" ? "FILE_NOT_FOUND" : "FILE_UNREADABLE",
        `${display}: ${code === "ENOENT" ? "directory not found" : code === "ENOTDIR" ? "is not a directory" : `cannot be read (${code})`}: give the directory holding the shards' results (\`gate --shard\` writes them to its --out; in a workflow, download the shards' artifacts there)`,
      );
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      const shown = path.join(display, entry.name);
      if (entry.isDirectory() && depth === 0) {
        await visit(file, shown, depth + 1);
        continue;
      }
      const match = SHARD_FILE.exec(entry.name);
      if (!match || !entry.isFile()) continue;
      const { loadRunResult } = await import("./load-result.ts");
      const result = await loadRunResult(file, { displayPath: shown });
      const [index, count] = [Number(match[2]), Number(match[3])];
      if (result.shard?.index !== index || result.shard.count !== count) {
        throw new PromptfirstError(
          "RESULT_INVALID",
          `${shown}: its name says shard ${index}/${count}, but it holds ${result.shard ? `shard ${result.shard.index}/${result.shard.count}` : "no shard"}: keep the names the shards wrote`,
        );
      }
      out[match[1] as "head" | "base"].push({ file: shown, result });
    }
  };
  for (const { dir, display } of dirs) await visit(dir, display, 0);
  return out;
}

/**
 * An `evaluate` for `runPullRequestCheck` that evaluates nothing: it answers each side with the merge of that
 * side's shards (`mergeRunResults`), after checking that they are this check's: the same suites, the same commit,
 * and the same config and files (by hash) as the config the check reads. So a merging check compares, gates,
 * checks training data and applies the prompt-first rule exactly as an unsharded check does.
 */
export function createShardMergeEvaluation(
  shards: ShardResults,
): (request: PullRequestEvaluation) => Promise<RunResult> {
  return async (request) => {
    const parts = shards[request.side];
    const where = shards.dirs.join(", ");
    if (parts.length === 0) {
      throw new PromptfirstError(
        "FILE_NOT_FOUND",
        `no ${request.side} results of shards (${request.side}.shard-i-of-n.json) in ${where}: run every shard first (\`promptfirst gate --shard i/n\`, or the Action with \`shard\`) and merge the directories they wrote (with actions/download-artifact, use merge-multiple: true)`,
      );
    }
    const { mergeRunResults } = await import("../result/merge.ts");
    const merged = mergeRunResults(parts);
    const label = `the ${request.side} shards (${parts.map((p) => p.file).join(", ")})`;
    const wanted = [...request.suites].sort();
    const got = Object.keys(merged.suites).sort();
    if (wanted.join("\u0000") !== got.join("\u0000")) {
      throw new PromptfirstError(
        "RESULT_INVALID",
        `${label} evaluated suite(s) ${got.join(", ") || "none"}, but this check evaluates ${wanted.join(", ")}: run the shards and the merge on the same commit with the same suite options (--suite, --all, force-run)`,
      );
    }
    if (merged.git?.sha !== undefined && merged.git.sha !== request.git.sha) {
      throw new PromptfirstError(
        "RESULT_INVALID",
        `${label} were evaluated on commit ${merged.git.sha.slice(0, 12)}, but this check's ${request.side} is ${request.git.sha.slice(0, 12)}: merge the shards of this commit`,
      );
    }
    const loaded = await loadConfig(request.configPath, {
      suites: [...request.suites],
      displayBase: request.displayBase,
    });
    if (loaded.hash !== merged.config.hash) {
      throw new PromptfirstError(
        "RESULT_INVALID",
        `${label} were evaluated on config hash ${merged.config.hash}, but ${loaded.file} and its files here hash to ${loaded.hash}: the shards ran on other files (another commit, or uncommitted changes)`,
      );
    }
    return merged;
  };
}
