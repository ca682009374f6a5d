import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import * as core from "@actions/core";
import {
  type Comparison,
  countShardCases,
  type DataReport,
  DEFAULTS,
  describeShard,
  type GateStatus,
  isPromptfirstError,
  type RunProgress,
  type RunResult,
  type Thresholds,
} from "@promptfirst/core";
import {
  createShardMergeEvaluation,
  ensureCommitAvailable,
  findDefaultBase,
  findGitRoot,
  formatShardResultFileName,
  loadComparison,
  loadShardResults,
  type PullRequestCheckResult,
  type PullRequestEvaluation,
  type PullRequestEvaluationResult,
  resolveOrFetchCommit,
  runPullRequestCheck,
  type ShardResults,
} from "@promptfirst/core/node";
import {
  compactFileCache,
  describeBatchEvent,
  describeCompaction,
  evaluateConfig,
  findBlockingFailures,
  preloadRequestGlobals,
  readProxySettings,
} from "@promptfirst/providers";
import { type ActionContext, loadActionContext } from "./context.ts";
import {
  createGitHubClient,
  findStickyComment,
  findTokenLogin,
  GitHubError,
  type GitHubRequester,
  listPullRequestFiles,
  MAX_PULL_REQUEST_FILES,
  type PullRequestRef,
  upsertStickyComment,
} from "./github.ts";
import { type ActionInputs, InputError, parseInputs } from "./inputs.ts";

/** The report renderers, loaded when first needed: nothing before the evaluations are done needs them. */
let reportModule: Promise<typeof import("@promptfirst/report")> | undefined;
const loadReport = () => (reportModule ??= import("@promptfirst/report"));

/**
 * `promise` with its rejection handled for now: work started early and awaited later (or never, when an earlier
 * step fails) must not end the process as an unhandled rejection. Awaiting it still throws.
 */
function settleLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** The version the Action reports in its comments. */
export const ACTION_VERSION = "0.1.0";

/** How `core.getInput` names an input in the environment: `INPUT_` + upper case, spaces as underscores. */
export function toInputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/**
 * The marker key of the sticky comment: one comment per workflow, job and config. Legs of a matrix share their
 * job's id: the `comment-key` input (e.g. `${{ toJSON(matrix) }}`) tells their comments apart.
 */
export function buildCommentKey(
  context: ActionContext,
  inputs: Pick<ActionInputs, "config" | "commentKey">,
): string {
  const base = `${context.workflow}/${context.job}/${inputs.config}`;
  if (!inputs.commentKey) return base;
  return `${base}/${createHash("sha256").update(inputs.commentKey).digest("hex").slice(0, 12)}`;
}

/**
 * An evaluation's progress as log lines: one each time another tenth of the calls is done (and at the end), so a
 * long run shows it is moving without a line per call.
 */
export function createProgressLogger(
  log: (line: string) => void,
): (progress: Pick<RunProgress, "total" | "done" | "cacheHits" | "errors" | "etaMs">) => void {
  let logged = -1;
  return (p) => {
    if (p.total === 0) return;
    const tenth = Math.floor((p.done / p.total) * 10);
    if (tenth <= logged) return;
    logged = tenth;
    const eta =
      p.etaMs !== null && p.done < p.total ? `, about ${Math.max(1, Math.round(p.etaMs / 1000))} s left` : "";
    log(
      `${p.done} of ${p.total} calls (${Math.floor((p.done / p.total) * 100)}%), ${p.cacheHits} from the cache, ${p.errors} failed${eta}`,
    );
  };
}

/** Untrusted text (file names, reasons) made safe for a log line: no line breaks that could start a command. */
export function toLogSafe(text: string): string {
  return text.replace(/[\r\n]/g, " ").replace(/%/g, "%25");
}

/** Threshold overrides from the Action's inputs. */
function buildThresholds(inputs: ActionInputs): Partial<Thresholds> {
  const out: Partial<Thresholds> = { failOn: inputs.failOn };
  // Only thresholds the workflow sets: the others come from the base config's gates:, else the defaults.
  for (const key of [
    "maxScoreDrop",
    "maxCostIncrease",
    "maxErrorRate",
    "confidence",
    "promptFirst",
    "minFineTuneGain",
    "minScore",
    "maxMonthlyCost",
  ] as const) {
    const value = inputs[key];
    if (value !== undefined) Object.assign(out, { [key]: value });
  }
  return out;
}

/** Whether a comparison shows any change worth a comment under `comment: on-change`. */
function hasChanges(comparison: Comparison): boolean {
  if (comparison.verdict.status !== "pass") return true;
  return comparison.suites.some((suite) =>
    suite.candidates.some(
      (c) => c.status !== "compared" || c.flips.regressions.length > 0 || c.flips.improvements.length > 0,
    ),
  );
}

/**
 * Mark a comparison made on partial evidence (calls blocked: no API key on a fork's pull request): every gate,
 * finding and candidate status that would read as a pass or a failure becomes `not evaluated`, and the reason is
 * the first finding (once). It never passes a gate on evidence it did not gather, and never fails a contributor
 * for a secret they cannot have (`failed` says whether the check fails all the same).
 */
export function markNotEvaluated(comparison: Comparison, reason: string, failed: boolean): Comparison {
  const demote = <S extends string>(status: S): S | "not evaluated" =>
    status === "pass" || status === "fail" ? "not evaluated" : status;
  const gates = { ...comparison.verdict.gates };
  let first = true;
  for (const name of ["quality", "cost", "errors", "promptFirst"] as const) {
    const gate = gates[name];
    if (!gate || gate.status === "not applicable") continue;
    const findings = gate.findings.map((f) => ({ ...f, status: demote(f.status) }));
    if (first) findings.unshift({ suite: "", status: "not evaluated", message: reason });
    first = false;
    gates[name] = { status: "not evaluated" as GateStatus, reasons: [reason, ...gate.reasons], findings };
  }
  const suites = comparison.suites.map((suite) => ({
    ...suite,
    candidates: suite.candidates.map((c) => ({
      ...c,
      gates: { quality: demote(c.gates.quality), cost: demote(c.gates.cost), errors: demote(c.gates.errors) },
    })),
  }));
  return {
    ...comparison,
    suites,
    verdict: { ...comparison.verdict, status: "not evaluated", failed, gates },
  };
}

/** Annotate training-data errors on their files and lines. */
function annotateDataReports(reports: readonly DataReport[], configDir: string, root: string): void {
  for (const report of reports) {
    const file = path.relative(root, path.resolve(configDir, report.file));
    for (const finding of report.findings) {
      if (finding.severity !== "error") continue;
      core.error(`${report.file}: ${finding.message}`, {
        title: `promptfirst: training data (${finding.code})`,
        file,
        ...(finding.line ? { startLine: finding.line } : {}),
      });
    }
  }
}

/**
 * Annotate each failing candidate's prompt file with the findings that fail it (quality, cost, errors, prompt
 * first), so the pull request's Files view points at the prompt that broke the check.
 */
function annotateFailingPrompts(comparison: Comparison, workspace: string, root: string): void {
  const gates = comparison.verdict.gates;
  const failing = (["quality", "cost", "errors", "promptFirst"] as const).flatMap((name) =>
    (gates[name]?.findings ?? [])
      .filter((f) => f.status === "fail" && f.candidate !== undefined)
      .map((f) => ({ gate: name === "promptFirst" ? "prompt first" : name, finding: f })),
  );
  for (const { gate, finding } of failing) {
    const suite = comparison.suites.find((s) => s.name === finding.suite);
    const candidate = suite?.candidates.find((c) => c.name === finding.candidate);
    const source = candidate?.head?.prompt?.source;
    if (!source) continue;
    core.error(finding.message, {
      title: `promptfirst: ${gate} failed`,
      file: path.relative(root, path.resolve(workspace, source)),
    });
  }
}

/** Annotate a config error's issues on their files and lines (the message alone when it names none). */
function annotateError(error: unknown, workspace: string): void {
  if (!isPromptfirstError(error) || error.issues.length === 0) return;
  for (const issue of error.issues) {
    const file = path.isAbsolute(issue.file) ? path.relative(workspace, issue.file) : issue.file;
    core.error(`${issue.path ? `${issue.path}: ` : ""}${issue.message}`, {
      title: "promptfirst: config",
      file,
      ...(issue.line ? { startLine: issue.line } : {}),
    });
  }
}

/** Where the check posts its comment, when it does. */
interface CommentTarget {
  client: GitHubRequester;
  pr: PullRequestRef;
  key: string;
  /** The token's login (looked up while the check starts). */
  author: Promise<string>;
}

/** Where this job's comment goes: its author is the comment-author input, else the token's login (looked up now). */
function buildCommentTarget(
  client: GitHubRequester,
  pr: PullRequestRef,
  key: string,
  inputs: Pick<ActionInputs, "commentAuthor">,
): CommentTarget {
  const author = inputs.commentAuthor ? Promise.resolve(inputs.commentAuthor) : findTokenLogin(client);
  return { client, pr, key, author };
}

/**
 * The outputs later steps act on: the verdict, each gate's status, the score and cost deltas per candidate (JSON,
 * for `fromJSON()`), and the comparison's path.
 */
function setVerdictOutputs(comparison: Comparison, results: string): void {
  const verdict = comparison.verdict;
  core.setOutput("verdict", verdict.status);
  core.setOutput("quality", verdict.gates.quality.status);
  core.setOutput("cost", verdict.gates.cost.status);
  core.setOutput("errors", verdict.gates.errors.status);
  core.setOutput("prompt-first", verdict.gates.promptFirst?.status ?? "not applicable");
  core.setOutput("deltas", JSON.stringify(summarizeDeltas(comparison)));
  core.setOutput("results", results);
}

/** One candidate's figures for the `deltas` output: scores 0–1, the change with its interval, cost change in %. */
export interface CandidateDelta {
  suite: string;
  candidate: string;
  status: "compared" | "new" | "removed" | "skipped";
  baseScore: number | null;
  headScore: number | null;
  scoreDelta: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  significantDrop: boolean;
  costPerCallChangePct: number | null;
  monthlyCostDeltaUsd: number | null;
  quality: string;
  cost: string;
}

/** The `deltas` output: every candidate of every suite, in the comparison's order. */
export function summarizeDeltas(comparison: Comparison): CandidateDelta[] {
  return comparison.suites.flatMap((suite) =>
    suite.candidates.map((c) => ({
      suite: suite.name,
      candidate: c.name,
      status: c.status,
      baseScore: c.base?.mean ?? null,
      headScore: c.head?.mean ?? null,
      scoreDelta: c.paired?.meanDiff ?? null,
      ciLow: c.paired?.ciLow ?? null,
      ciHigh: c.paired?.ciHigh ?? null,
      significantDrop: c.paired?.significantDrop ?? false,
      costPerCallChangePct: c.cost.perCallChangePct,
      monthlyCostDeltaUsd: c.cost.monthlyDeltaUsd,
      quality: c.gates.quality,
      cost: c.gates.cost,
    })),
  );
}

/** Whether the `comment` input asks for the comment on this comparison (`evaluating`: an "evaluating…" one stands). */
function wantsComment(
  inputs: Pick<ActionInputs, "comment">,
  comparison: Comparison,
  evaluating: boolean,
): boolean {
  return (
    inputs.comment === "always" ||
    (inputs.comment === "on-change" && (hasChanges(comparison) || evaluating)) ||
    (inputs.comment === "on-failure" && (comparison.verdict.failed || evaluating))
  );
}

/** The hidden marker that tells this job's sticky comment apart (from the report package, loaded on demand). */
async function renderMarker(target: CommentTarget): Promise<string> {
  return (await loadReport()).renderCommentMarker(target.key);
}

/** Post or update the sticky comment; a 403 (read-only token on a fork) is a warning, not a failure. */
async function postComment(target: CommentTarget, body: string): Promise<string | undefined> {
  const marker = await renderMarker(target);
  try {
    const result = await upsertStickyComment(target.client, target.pr, {
      marker,
      author: await target.author,
      body,
    });
    return result.url;
  } catch (error) {
    if (error instanceof GitHubError && error.status === 403) {
      core.warning(
        "promptfirst could not post its pull-request comment: the token is read-only (a pull request from a fork, or a workflow without `permissions: pull-requests: write`). The job summary has the full report.",
      );
      return undefined;
    }
    if (error instanceof GitHubError) {
      // The comment is how the check explains itself, not the check: outputs, summary and reports stand.
      core.warning(
        `promptfirst could not post its pull-request comment (${error.message}). The job summary has the full report.`,
      );
      return undefined;
    }
    throw error;
  }
}

/** Whether the sticky comment already exists (a read error counts as no). */
async function hasStickyComment(target: CommentTarget): Promise<boolean> {
  try {
    const marker = await renderMarker(target);
    return (await findStickyComment(target.client, target.pr, marker, await target.author)) !== undefined;
  } catch {
    return false;
  }
}

const NO_KEY_MESSAGE = (envName: string) =>
  `no API key: calls the cache could not answer were not made, so their gates are not evaluated. Pass the provider's key with the \`api-key\` input from a secret (e.g. \`api-key: \${{ secrets.${envName} }}\`); GitHub does not pass secrets to workflows run for pull requests from forks.`;

/**
 * The Action: parse inputs, read the context, find the touched suites, evaluate base and head, compare, post the
 * sticky comment, write the job summary, the reports and the outputs, and fail per `fail-on`. Reads its inputs
 * and context from `env`; nothing runs at import time.
 */
export async function run(env: Record<string, string | undefined> = process.env): Promise<void> {
  let inputs: ActionInputs;
  try {
    inputs = parseInputs((name) => env[toInputEnvName(name)] ?? "");
  } catch (error) {
    if (error instanceof InputError) {
      core.setFailed(error.message);
      return;
    }
    throw error;
  }
  if (inputs.apiKey) core.setSecret(inputs.apiKey);
  if (inputs.githubToken) core.setSecret(inputs.githubToken);

  let workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  try {
    const context = await loadActionContext(env);
    workspace = context.workspace;
    if (inputs.mode === "comment") await runComment(inputs, context, env);
    else if (context.eventName === "workflow_run") {
      throw new Error(
        "on workflow_run promptfirst only posts a comparison another run made: set `mode: comment` (see the fork pattern in the README)",
      );
    } else await runCheck(inputs, context, env);
  } catch (error) {
    annotateError(error, workspace);
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The comment mode (the second stage of the fork pattern, on workflow_run with a write token): post the sticky
 * comment for a comparison an earlier run wrote, and write the job summary and outputs. The artifact is
 * untrusted: the comparison is validated, rendered with every output neutralized, and on workflow_run the pull
 * request must be the one whose head the evaluating run checked, so an artifact cannot aim the comment at
 * another pull request. It fails nothing for the verdict: the evaluating run's check carries it.
 */
async function runComment(
  inputs: ActionInputs,
  context: ActionContext,
  env: Record<string, string | undefined>,
): Promise<void> {
  const shown = inputs.comparison ?? path.join(inputs.reportDir, "comparison.json");
  const comparison = await loadComparison(path.resolve(context.workspace, shown), shown);
  const number = inputs.pullRequest ?? context.pullRequest?.number;
  if (number === undefined) {
    throw new Error(
      'input "pull-request": the comment mode needs the pull request\'s number when the event names none (on workflow_run, pass the number the evaluating run saved in its artifact)',
    );
  }
  const client = await createGitHubClient(inputs.githubToken, context.apiUrl, env);
  const pr = { owner: context.owner, repo: context.repo, number };
  const links = { runUrl: context.workflowRun?.htmlUrl ?? context.runUrl };
  const { renderComment, renderJobSummary } = await loadReport();
  await core.summary
    .addRaw(renderJobSummary(comparison, links.runUrl ? { runUrl: links.runUrl } : {}))
    .write();
  setVerdictOutputs(comparison, path.resolve(context.workspace, shown));
  const key = buildCommentKey(context, inputs);
  const target = buildCommentTarget(client, pr, key, inputs);
  const standing = inputs.comment === "on-change" || inputs.comment === "on-failure";
  if (!wantsComment(inputs, comparison, standing && (await hasStickyComment(target)))) return;
  if (context.workflowRun) {
    // The number comes from the artifact: post only on the pull request whose head that run evaluated.
    const response = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: pr.owner,
      repo: pr.repo,
      pull_number: number,
    });
    const head = (response.data as { head?: { sha?: unknown } }).head?.sha;
    if (head !== context.workflowRun.headSha) {
      core.warning(
        `nothing posted: pull request #${number} has head ${String(head).slice(0, 7)}, but the run that wrote the comparison evaluated ${context.workflowRun.headSha.slice(0, 7)} (the pull request moved on, and its new run will comment; or the artifact names another pull request)`,
      );
      return;
    }
  }
  const url = await core.group("Post the comment", () =>
    postComment(
      target,
      renderComment(comparison, { key, ...(links.runUrl ? { runUrl: links.runUrl } : {}) }),
    ),
  );
  if (url) core.setOutput("comment-url", url);
}

async function runCheck(
  inputs: ActionInputs,
  context: ActionContext,
  env: Record<string, string | undefined>,
): Promise<void> {
  const configPath = path.resolve(context.workspace, inputs.config);
  const reportDir = path.resolve(context.workspace, inputs.reportDir);
  const cacheDir = path.resolve(context.workspace, inputs.cacheDir);
  // prune-cache: head and base note the cache keys they use in one set; the cache keeps only those at the end
  // (a check that judges, not a shard: a shard sees only part of the cases).
  const usedCacheKeys =
    inputs.pruneCache && inputs.mode === "check" && !inputs.shard ? new Set<string>() : undefined;
  let prunableCacheDir: string | undefined;
  const replay = inputs.replay
    ? { file: path.resolve(context.workspace, inputs.replay), display: inputs.replay }
    : undefined;
  // Work that waits on git, the network or the disk starts as soon as it can and is awaited where it is needed:
  // the pull request's files are asked for first (GitHub takes the longest to answer), the fetch classes the
  // model client needs load while GitHub answers, git finds the repository meanwhile; the config is read and
  // head is evaluated while the base commit is fetched (only the base's side waits for it).
  const loadingClient = settleLater(createGitHubClient(inputs.githubToken, context.apiUrl, env));
  core.setOutput("report-dir", reportDir);

  if (context.eventName === "pull_request_target") {
    // pull_request_target runs with the base's secrets and a write token. Evaluating the pull request would run
    // its (untrusted) prompts, scorers and custom scorer modules with those secrets, so promptfirst refuses.
    const message =
      "promptfirst does not evaluate pull_request_target events: they run with secrets, and evaluating the pull request would execute its untrusted code (custom scorers) with them. Run promptfirst on `pull_request` (forks get no secrets: the cache answers what it can and the rest is reported as not evaluated).";
    core.setOutput("verdict", "not evaluated");
    await core.summary.addRaw(`## promptfirst: not evaluated\n\n${message}\n`).write();
    // Nothing evaluated never passes a required check.
    if (inputs.failOn === "never") core.warning(message);
    else core.setFailed(message);
    return;
  }

  const key = buildCommentKey(context, inputs);
  const pr = context.pullRequest
    ? { owner: context.owner, repo: context.repo, number: context.pullRequest.number }
    : undefined;
  // An empty token is refused: fail here rather than at the first request. Otherwise nothing waits for the
  // client until a request does (its chunk may still be loading).
  if (!inputs.githubToken) await loadingClient;
  const client: GitHubRequester = {
    request: async (route, params) => (await loadingClient).request(route, params),
  };
  const listingFiles =
    pr && !inputs.forceRun
      ? listPullRequestFiles(client, pr).then(
          (listed) => listed,
          (error: unknown) => ({ error: error as Error }),
        )
      : undefined;
  // Once the request is on its way (setImmediate: after this turn's I/O), while GitHub answers.
  setImmediate(preloadRequestGlobals);
  const root = await findGitRoot(path.dirname(configPath));

  // The base: the input, else the pull request's base, a push's previous commit, a merge group's base, or main.
  // A base the event names is known at once; fetching it (a shallow checkout lacks it) runs beside head's
  // evaluation. A ref to resolve, or none, is resolved first.
  const fromEvent = inputs.baseRef
    ? undefined
    : context.pullRequest
      ? { ref: context.pullRequest.base.ref, sha: context.pullRequest.base.sha }
      : context.before && !/^0+$/.test(context.before)
        ? { ref: context.before.slice(0, 7), sha: context.before }
        : undefined;
  const baseReady = fromEvent ? settleLater(ensureCommitAvailable(root, fromEvent.sha)) : undefined;
  const resolvingBase = fromEvent
    ? undefined
    : settleLater(
        (async () =>
          inputs.baseRef
            ? { ref: inputs.baseRef, sha: await resolveOrFetchCommit(root, inputs.baseRef) }
            : findDefaultBase(root, {
                fetch: true,
                hint: "set the base-ref input (e.g. base-ref: main)",
              }).then((found) => {
                if (found.note) core.notice(found.note);
                return found;
              }))(),
      );
  // A shard job posts nothing: the merge job posts the one comment for every shard.
  const target: CommentTarget | undefined =
    pr && inputs.comment !== "never" && !inputs.shard
      ? buildCommentTarget(client, pr, key, inputs)
      : undefined;

  const base = fromEvent ?? (await core.group("Resolve the base", () => resolvingBase!));

  // The check reads the head's config and the base's while the files are on their way.
  const changedFiles: Promise<string[] | undefined> = listingFiles
    ? core.group("List the pull request's files", async () => {
        const listed = await listingFiles;
        if ("error" in listed) {
          core.warning(`could not list the pull request's files (${listed.error.message}); using git diff`);
          return undefined;
        }
        if (!listed.complete) {
          core.info(
            `GitHub lists ${MAX_PULL_REQUEST_FILES} of a pull request's files at most: using git diff for all of them`,
          );
          return undefined;
        }
        return listed.files;
      })
    : Promise.resolve(undefined);

  // The api-key input answers for the provider's key variable (evaluateConfig's `apiKey`); other names come from
  // the job's environment (secrets the workflow set), never from the runner's own tokens.
  // Model calls go through the runner's proxy when it has one (HTTPS_PROXY and the like; loopback never).
  const proxy = readProxySettings(env);
  const lookupKey = (name: string): string | undefined => {
    if (/^(ACTIONS|GITHUB|RUNNER)_/.test(name)) return undefined;
    return env[name];
  };
  const overrides = {
    ...(inputs.baseURL ? { baseURL: inputs.baseURL } : {}),
    ...(inputs.model ? { model: inputs.model } : {}),
  };
  // Reviewers never read a stale verdict: an existing comment says "evaluating" until the result replaces it. That
  // update runs beside the evaluation (the first model request does not wait for GitHub) and is awaited before
  // the verdict is posted.
  let evaluating: Promise<boolean> | undefined;
  const markEvaluating = (suites: string[]): void => {
    if (!target || evaluating) return;
    evaluating = settleLater(
      (async () => {
        if (!(await hasStickyComment(target))) return false;
        const { renderEvaluatingComment } = await loadReport();
        await postComment(
          target,
          renderEvaluatingComment({
            key,
            sha: context.pullRequest?.head.sha ?? context.sha,
            suites,
            ...(context.runUrl ? { runUrl: context.runUrl } : {}),
          }),
        );
        return true;
      })(),
    );
  };
  // mode: merge evaluates nothing: each side is the merge of the shards' results the job downloaded to report-dir.
  let shards: ShardResults | undefined;
  const mergeSide = async (request: PullRequestEvaluation): Promise<PullRequestEvaluationResult> =>
    core.group(`Merge the ${request.side} shards`, async () => {
      shards ??= await loadShardResults([{ dir: reportDir, display: inputs.reportDir }]);
      const result = await createShardMergeEvaluation(shards)(request);
      const parts = shards[request.side];
      core.info(
        `${parts.length} shard(s): ${parts.map((p) => `${p.file} (${countShardCases(p.result.shard!).cases} cases)`).join(", ")}`,
      );
      await mkdir(reportDir, { recursive: true });
      await writeFile(path.join(reportDir, `${request.side}.json`), `${JSON.stringify(result, null, 2)}\n`);
      return { result, blocking: findBlockingFailures(result) };
    });
  let check: PullRequestCheckResult;
  try {
    check = await runPullRequestCheck({
      configPath,
      repoRoot: root,
      displayBase: root,
      base,
      ...(baseReady ? { baseReady } : {}),
      headSha: context.sha,
      headRef: context.pullRequest
        ? `#${context.pullRequest.number} ${context.sha.slice(0, 7)}`
        : context.sha.slice(0, 7),
      // Only a pull request's files: without them the check diffs against the base, which it needs at once.
      ...(listingFiles ? { changedFiles } : {}),
      all: inputs.forceRun,
      thresholds: buildThresholds(inputs),
      ...(inputs.shard ? { shard: inputs.shard } : {}),
      compareWhenBlocked: true,
      today: new Date(),
      toolVersion: ACTION_VERSION,
      onEvent: (event) => {
        if (event.type === "touched") {
          core.info(`Comparing with ${event.base}.`);
          for (const suite of event.touched) {
            core.info(toLogSafe(`  suite ${suite.name}: ${suite.reasons.join("; ")}`));
          }
        } else if (event.type === "base-problem") {
          core.info(toLogSafe(`note: ${event.problem}`));
        }
      },
      evaluate: async (request) => {
        if (inputs.mode === "merge") return mergeSide(request);
        const noteCache = (outcome: PullRequestEvaluationResult & { cacheDir?: string }) => {
          prunableCacheDir ??= outcome.cacheDir;
          return outcome;
        };
        markEvaluating(request.suites);
        // The reports' renderers load while the base side waits on the model (they are needed only after it).
        if (request.side === "base") settleLater(loadReport());
        return core.group(`Evaluate ${request.side} (${request.suites.join(", ")})`, () =>
          evaluateConfig({
            configPath: request.configPath,
            suites: request.suites,
            displayBase: request.displayBase,
            lookupKey,
            ...(inputs.apiKey ? { apiKey: inputs.apiKey } : {}),
            ...(proxy ? { proxy } : {}),
            onSecret: (value) => core.setSecret(value),
            cache: true,
            cacheDir,
            ...(replay ? { replay } : {}),
            overrides,
            git: request.git,
            ...(request.shard ? { shard: request.shard } : {}),
            out: path.join(
              reportDir,
              request.shard ? formatShardResultFileName(request.side, request.shard) : `${request.side}.json`,
            ),
            toolVersion: ACTION_VERSION,
            ...(usedCacheKeys ? { usedCacheKeys } : {}),
            onBatchEvent: (event) => {
              const { level, text } = describeBatchEvent(event);
              if (level === "warning") core.warning(toLogSafe(text));
              else core.info(toLogSafe(text));
            },
            onPlan: (plan) => {
              core.info(`${plan.suites} suite(s), ${plan.calls} calls (${plan.distinctRequests} distinct)`);
              if (plan.shard) core.info(describeShard(plan.shard));
            },
            onProgress: createProgressLogger((line) => core.info(line)),
          }).then(noteCache),
        );
      },
    });
  } catch (error) {
    // The evaluation's own error is the one to report, after the groups still open have closed and the
    // "evaluating" update has finished. A comment that says "evaluating" is replaced: nothing is running any more.
    await changedFiles.catch(() => undefined);
    if (target && (await evaluating?.catch(() => false))) {
      const { renderStoppedComment } = await loadReport();
      await postComment(
        target,
        renderStoppedComment({
          key,
          sha: context.pullRequest?.head.sha ?? context.sha,
          message: error instanceof Error ? error.message : String(error),
          ...(context.runUrl ? { runUrl: context.runUrl } : {}),
        }),
      );
    }
    throw error;
  }
  const evaluatingPosted = (await evaluating) ?? false;

  if (check.kind === "nothing-touched") {
    core.info(`No suite is touched by the changes since ${check.base}: nothing to evaluate.`);
    for (const output of ["verdict", "quality", "cost", "errors", "prompt-first"]) {
      core.setOutput(output, "not applicable");
    }
    core.setOutput("deltas", "[]");
    await core.summary
      .addRaw(`## promptfirst: no suite touched\n\nNothing to evaluate against ${check.base}.\n`)
      .write();
    // With on-change or on-failure, a comment an earlier push left (a verdict on prompts this pull request no
    // longer changes) is replaced too, so it never reads as current.
    if (target && (inputs.comment === "always" || evaluatingPosted || (await hasStickyComment(target)))) {
      const { renderNothingTouchedComment } = await loadReport();
      const url = await postComment(
        target,
        renderNothingTouchedComment({
          key,
          sha: context.pullRequest?.head.sha ?? context.sha,
          base: check.base,
          ...(context.runUrl ? { runUrl: context.runUrl } : {}),
        }),
      );
      if (url) core.setOutput("comment-url", url);
    }
    return;
  }
  if (check.kind === "shard") {
    await reportShard(check, inputs);
    return;
  }
  if (check.kind === "blocked") throw new Error("unreachable: compareWhenBlocked is set");

  if (usedCacheKeys && prunableCacheDir) {
    const dir = prunableCacheDir;
    await core.group("Prune the cache", async () => {
      core.info(describeCompaction(await compactFileCache(dir, usedCacheKeys)));
    });
  }

  let comparison = check.comparison;
  const missingKey = check.blocking.filter((b) => b.kind === "no_api_key");
  const otherBlocking = check.blocking.filter((b) => b.kind !== "no_api_key");
  for (const b of check.blocking) {
    const line = `${b.count} call(s) could not be made: ${b.message}`;
    if (b.kind === "no_api_key" && context.pullRequest?.fromFork) core.warning(line);
    else core.error(line);
  }
  if (otherBlocking.length > 0) {
    comparison = markNotEvaluated(
      comparison,
      `calls could not be made: ${otherBlocking.map((b) => b.message).join("; ")}`,
      inputs.failOn !== "never",
    );
  } else if (missingKey.length > 0) {
    const message = NO_KEY_MESSAGE(check.head.config.provider?.apiKeyEnv ?? DEFAULTS.apiKeyEnv);
    core.warning(message);
    // Only a fork's pull request, which gets no secrets, is excused: anywhere else a missing key is a setup
    // problem (or a config that moved its key elsewhere), and nothing evaluated never passes the check.
    const excused = inputs.apiKey === "" && context.pullRequest?.fromFork === true;
    comparison = markNotEvaluated(comparison, message, inputs.failOn !== "never" && !excused);
  }
  annotateDataReports(check.dataReports, check.head.dir, root);
  annotateFailingPrompts(comparison, context.workspace, root);

  const links = context.runUrl ? { runUrl: context.runUrl } : {};
  const { renderComment, renderHtmlReport, renderJobSummary, renderJson, renderJUnit } = await loadReport();
  await core.group("Write the reports", async () => {
    await mkdir(reportDir, { recursive: true });
    await writeFile(path.join(reportDir, "comparison.json"), renderJson(comparison));
    await writeFile(
      path.join(reportDir, "report.html"),
      renderHtmlReport(comparison, { head: check.headResult, base: check.baseResult, ...links }),
    );
    await writeFile(path.join(reportDir, "junit.xml"), renderJUnit(comparison, { head: check.headResult }));
    await core.summary.addRaw(renderJobSummary(comparison, links)).write();
  });

  const verdict = comparison.verdict;
  // Outputs first: later steps can act on them even if posting the comment goes wrong.
  setVerdictOutputs(comparison, path.join(reportDir, "comparison.json"));
  if (target && wantsComment(inputs, comparison, evaluatingPosted)) {
    const url = await core.group("Post the comment", () =>
      postComment(target, renderComment(comparison, { key, ...links })),
    );
    if (url) core.setOutput("comment-url", url);
  }

  if (verdict.failed) {
    const failing = (["quality", "cost", "errors", "promptFirst"] as const)
      .filter((name) => {
        const status = verdict.gates[name]?.status;
        return status === "fail" || (verdict.status === "not evaluated" && status === "not evaluated");
      })
      .map((name) => (name === "promptFirst" ? "prompt first" : name));
    core.setFailed(
      `promptfirst: the check fails (fail-on: ${verdict.failOn}): ${failing.join(", ") || verdict.status}`,
    );
  }
}

/**
 * A shard job's end: its partial results are in report-dir for actions/upload-artifact. It sets no verdict and
 * fails nothing: the merge job judges every shard together. Calls that could not be made are reported here and
 * judged there (not evaluated).
 */
async function reportShard(
  check: Extract<PullRequestCheckResult, { kind: "shard" }>,
  inputs: ActionInputs,
): Promise<void> {
  for (const b of check.blocking) core.warning(`${b.count} call(s) could not be made: ${b.message}`);
  const sides: Array<["head" | "base", RunResult | undefined]> = [
    ["head", check.headResult],
    ["base", check.baseResult],
  ];
  const lines = sides.flatMap(([side, result]) => {
    if (!result?.shard) return [];
    const file = path.join(inputs.reportDir, formatShardResultFileName(side, check.shard));
    return [`- ${side}: ${describeShard(result.shard)}, ${result.stats.plannedCalls} calls → \`${file}\``];
  });
  const { index, count } = check.shard;
  core.info(
    `shard ${index}/${count} evaluated; the merge job (mode: merge) compares every shard and posts the verdict.`,
  );
  await core.summary
    .addRaw(
      `## promptfirst: shard ${index}/${count} evaluated\n\nCompared with ${check.base}. No verdict yet: the merge job (\`mode: merge\`) joins every shard's results, compares them and posts the comment.\n\n${lines.join("\n")}\n`,
    )
    .write();
}
