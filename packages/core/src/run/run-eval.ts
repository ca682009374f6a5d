import { createHash } from "node:crypto";
import type { LoadedCandidate, LoadedConfig, LoadedSuite, ResolvedProvider } from "../config/loaded.ts";
import { adaptModelIdForEndpoint } from "../config/model-id.ts";
import type { PlannedCall, RunPlan } from "../plan.ts";
import { computeCostUsd, lookupLifecycle, resolvePrice } from "../pricing/index.ts";
import { computeRequestKey, stringifyCanonical } from "../request-key.ts";
import type {
  CandidateResult,
  CandidateSummary,
  CaseResult,
  RunResult,
  SampleResult,
  SuiteResult,
} from "../result/schema.ts";
import { CandidateSummaryBuilder, summarizeCandidate, summarizeCase } from "../result/summarize.ts";
import { RUN_RESULT_SCHEMA_VERSION } from "../result/version.ts";
import {
  type CustomScorerFn,
  combineScores,
  createScorers,
  type JudgeCall,
  type Scorer,
  type ScorerRuntime,
} from "../scorers/index.ts";
import type { ModelLifecycle, ModelPrice, ModelRequest, Provider, ResponseCache } from "../types.ts";
import { type Endpoint, RequestExecutor, type RetryPolicy } from "./executor.ts";

/** Progress of a run, reported after every finished call. */
export interface RunProgress {
  total: number;
  done: number;
  cacheHits: number;
  errors: number;
  elapsedMs: number;
  /** Estimated milliseconds left; null until enough calls have finished to tell. */
  etaMs: number | null;
}

/** One finished case of one candidate, as `onCase` receives it. */
export interface CaseRecord {
  suite: string;
  candidate: string;
  /** The case's position among the suite's cases (its place in the RunResult). */
  position: number;
  case: CaseResult;
}

/** What `runEval` needs from the shell: how to reach endpoints, the cache, and where to report progress. */
export interface RunEvalOptions {
  /** Build the provider for a resolved endpoint (the shell reads the API key from the environment). */
  createProvider: (endpoint: ResolvedProvider) => Provider;
  cache?: ResponseCache;
  cacheReadOnly?: boolean;
  /** Overrides every endpoint's concurrency. */
  concurrency?: number;
  /** Loads a custom scorer module (file I/O lives in the shell: `loadCustomScorer` from `@promptfirst/core/node`). */
  loadCustomScorer?: (modulePath: string) => Promise<CustomScorerFn>;
  /** Looks up lifecycle facts from the endpoint (e.g. OpenAI's models endpoint `shutdown_date`). */
  fetchLifecycle?: (model: string, endpoint: ResolvedProvider) => Promise<ModelLifecycle | undefined>;
  onProgress?: (progress: RunProgress) => void;
  /**
   * Called with each case of each candidate as soon as all its samples are in (in completion order), so a shell
   * can stream results to disk. The run waits for the returned promise: a slow writer slows the run down rather
   * than piling results up in memory.
   */
  onCase?: (record: CaseRecord) => void | Promise<void>;
  /**
   * Keep every case, with its outputs and scores, in the RunResult (default true). False keeps only what the
   * summaries read (scores, costs, latencies) and returns candidates with `cases: []`: for runs too large to
   * hold, whose cases the shell streams through `onCase`.
   */
  keepCases?: boolean;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  toolVersion: string;
  git?: { ref?: string; sha?: string };
  /** Clock for `createdAt` (default: now). */
  now?: () => Date;
  /** Milliseconds clock for durations (default `performance.now`). */
  clock?: () => number;
}

/**
 * Run a planned evaluation: execute every call (cached, deduplicated, bounded, retried), score the outputs,
 * price them, and assemble the RunResult. Provider failures end up on the cases; nothing is dropped.
 */
export async function runEval(
  config: LoadedConfig,
  plan: RunPlan,
  options: RunEvalOptions,
): Promise<RunResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const executor = new RequestExecutor({
    cache: options.cache,
    cacheReadOnly: options.cacheReadOnly,
    retry: options.retry,
    signal: options.signal,
    now: clock,
  });
  const endpoints = new Map<string, Endpoint>();
  const endpointFor = (resolved: ResolvedProvider): Endpoint => {
    // A Batch API endpoint and a direct one on the same URL are separate endpoints.
    const id = `${resolved.type}:${resolved.baseURL}${resolved.batch ? ":batch" : ""}`;
    let endpoint = endpoints.get(id);
    if (!endpoint) {
      endpoint = {
        provider: options.createProvider(resolved),
        // A batch's "concurrency" is how many requests one batch holds: `--concurrency` must not cut it up.
        concurrency: resolved.batch ? resolved.concurrency : (options.concurrency ?? resolved.concurrency),
        timeoutMs: resolved.timeoutMs,
        maxRetries: resolved.maxRetries,
      };
      endpoints.set(id, endpoint);
    }
    return endpoint;
  };
  const overrides = config.config.pricing;
  const warnings: string[] = [];
  const priceCache = new Map<string, ModelPrice | undefined>();
  const priceOf = (model: string, baseURL: string, batch = false): ModelPrice | undefined => {
    const id = `${baseURL} ${model}${batch ? " batch" : ""}`;
    if (!priceCache.has(id)) {
      const price = resolvePrice(model, { baseURL, overrides, batch });
      priceCache.set(id, price);
      if (!price) {
        warnings.push(
          `price of model "${model}" at ${baseURL} is unknown: its cost is reported as unknown, not 0; set pricing["${model}"] in the config`,
        );
      }
    }
    return priceCache.get(id);
  };

  const judgeStats = { calls: 0 };
  const judge = createJudge(config, executor, endpointFor, priceOf, judgeStats);
  const runtime: ScorerRuntime = { judge };
  if (options.loadCustomScorer) runtime.loadCustom = options.loadCustomScorer;

  const suiteScorers = new Map<string, Scorer[]>();
  for (const suite of config.suites) {
    suiteScorers.set(suite.name, createScorers(suite.scorers, runtime, { baseDir: config.dir, index: 0 }));
  }
  // Load custom scorer modules and JSON Schemas before the first paid call: a broken one stops the run here.
  await Promise.all([...suiteScorers.values()].flat().map((scorer) => scorer.prepare()));

  const total = plan.calls.length;
  let done = 0;
  let errors = 0;
  const report = (): void => {
    if (!options.onProgress) return;
    const elapsedMs = clock() - started;
    const remaining = total - done;
    options.onProgress({
      total,
      done,
      cacheHits: executor.stats.cacheHits + executor.stats.deduplicated,
      errors,
      elapsedMs,
      etaMs: done >= Math.min(10, total) && done > 0 ? (elapsedMs / done) * remaining : null,
    });
  };

  const lookup = new Map(
    config.suites.map((s) => [
      s.name,
      { suite: s, candidates: new Map(s.candidates.map((c) => [c.name, c])) },
    ]),
  );
  const { calls } = plan;
  const positions = locateCases(plan, lookup);
  const collector = new CaseCollector(options);
  const runCall = async (index: number): Promise<void> => {
    const call = calls[index]!;
    const { suite, candidates } = lookup.get(call.suite)!;
    const candidate = candidates.get(call.candidate)!;
    const position = positions[index]!;
    const sample = await evaluateCall(call, suite.cases[position]!, suiteScorers.get(suite.name)!, {
      executor,
      endpoint: endpointFor(candidate.provider),
      price: priceOf(candidate.model!, candidate.provider.baseURL, candidate.provider.batch),
    });
    done++;
    if (sample.status === "error") errors++;
    report();
    await collector.add(suite, candidate, position, sample);
  };
  // A bounded pool per endpoint, not one pending promise per call: a 100k-case run must not hold 100k
  // suspended calls. Twice the endpoint's concurrency keeps it saturated while cache hits and duplicates
  // (answered without a slot) pass through. Each endpoint's queue is the plan's indexes of its calls.
  const endpointOf = calls.map((call) => {
    const candidate = lookup.get(call.suite)!.candidates.get(call.candidate)!;
    return endpointFor(candidate.provider);
  });
  const queues = new Map<Endpoint, Int32Array>();
  for (const endpoint of new Set(endpointOf)) {
    let length = 0;
    for (const e of endpointOf) if (e === endpoint) length++;
    const queue = new Int32Array(length);
    let next = 0;
    for (let index = 0; index < endpointOf.length; index++)
      if (endpointOf[index] === endpoint) queue[next++] = index;
    queues.set(endpoint, queue);
  }
  endpointOf.length = 0;
  await Promise.all(
    [...queues].map(([endpoint, queue]) =>
      runPool(queue, Math.max(1, Math.min(queue.length, endpoint.concurrency * 2)), runCall),
    ),
  );

  // The answers are in hand: a cache that cannot be written costs later hits, never this run's result.
  await options.cache?.close?.().catch((error: unknown) => {
    warnings.push(`the response cache could not be written: ${(error as Error).message ?? String(error)}`);
  });
  const lifecycles = await collectLifecycles(config, options);
  const suites: Record<string, SuiteResult> = {};
  for (const suite of config.suites) {
    const scorerNames = suiteScorers.get(suite.name)!.map((scorer) => scorer.name);
    suites[suite.name] = await assembleSuite(suite, scorerNames, collector, priceOf, lifecycles);
  }

  warnings.push(...collector.describeScorerFailures());
  // A failed call bills nothing; only an answered call at an unknown price makes the spend unknown.
  const { spentKnown, spent } = collector;
  for (const skip of plan.skipped) {
    warnings.push(`suite "${skip.suite}", candidate "${skip.candidate}" was not evaluated: ${skip.reason}`);
  }
  const result: RunResult = {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    tool: { name: "promptfirst", version: options.toolVersion },
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    config: { file: config.file, hash: config.hash },
    suites,
    stats: {
      plannedCalls: total,
      judgeCalls: judgeStats.calls,
      requests: executor.stats.requests - executor.stats.retries,
      cacheHits: executor.stats.cacheHits,
      deduplicated: executor.stats.deduplicated,
      retries: executor.stats.retries,
      errors,
      spentUsd: spentKnown ? spent : null,
      durationMs: clock() - started,
    },
    warnings,
  };
  if (options.git) result.git = options.git;
  return result;
}

interface CallContext {
  executor: RequestExecutor;
  endpoint: Endpoint;
  price: ModelPrice | undefined;
}

async function evaluateCall(
  call: PlannedCall,
  testCase: LoadedSuite["cases"][number],
  scorers: Scorer[],
  ctx: CallContext,
): Promise<SampleResult> {
  const outcome = await ctx.executor.execute(call.key, call.request, ctx.endpoint);
  if (!outcome.ok) {
    const error: SampleResult["error"] = { kind: outcome.error.kind, message: outcome.error.message };
    if (outcome.error.status !== undefined) error.status = outcome.error.status;
    return {
      sample: call.sample,
      status: "error",
      output: null,
      error,
      scores: [],
      score: null,
      pass: false,
      costUsd: null,
      judgeCostUsd: 0,
      latencyMs: outcome.latencyMs,
      cached: false,
      attempts: outcome.attempts,
    };
  }
  const { response } = outcome;
  const input = [...call.request.messages].reverse().find((m) => m.role === "user")?.content;
  const scoreInput = { output: response.output, vars: testCase.vars, caseId: testCase.id, input };
  const scores = await Promise.all(
    scorers.map((scorer) =>
      scorer.score(
        testCase.expected === undefined ? scoreInput : { ...scoreInput, expected: testCase.expected },
      ),
    ),
  );
  const combined = combineScores(scores);
  const judgeCosts = scores.map((s) => s.costUsd).filter((c) => c !== undefined);
  const sample: SampleResult = {
    sample: call.sample,
    status: "ok",
    output: response.output,
    scores,
    score: combined.score,
    pass: combined.pass,
    costUsd: response.usage ? computeCostUsd(response.usage, ctx.price) : null,
    judgeCostUsd: judgeCosts.some((c) => c === null)
      ? null
      : judgeCosts.reduce<number>((a, c) => a + (c ?? 0), 0),
    latencyMs: outcome.latencyMs,
    cached: outcome.cached,
    attempts: outcome.attempts,
  };
  if (response.usage) sample.usage = response.usage;
  return sample;
}

function createJudge(
  config: LoadedConfig,
  executor: RequestExecutor,
  endpointFor: (resolved: ResolvedProvider) => Endpoint,
  priceOf: (model: string, baseURL: string, batch?: boolean) => ModelPrice | undefined,
  stats: { calls: number },
): JudgeCall {
  return async (req) => {
    stats.calls++;
    const configured = req.model ?? config.judge.model;
    if (!configured) return { ok: false, error: "no judge model configured (set judge.model in the config)" };
    const provider = config.judge.provider;
    const model = adaptModelIdForEndpoint(configured, provider.baseURL);
    const request: ModelRequest = {
      baseURL: provider.baseURL,
      model,
      messages: req.messages,
      params: { temperature: req.temperature ?? config.judge.temperature ?? 0 },
      sample: 0,
    };
    const outcome = await executor.execute(
      computeRequestKey(request, provider),
      request,
      endpointFor(provider),
    );
    if (!outcome.ok) return { ok: false, error: `judge call failed: ${outcome.error.message}` };
    const usage = outcome.response.usage;
    // A cached judgement costs nothing this run.
    const costUsd = outcome.cached
      ? 0
      : usage
        ? computeCostUsd(usage, priceOf(model, provider.baseURL, provider.batch))
        : null;
    return usage
      ? { ok: true, output: outcome.response.output, usage, costUsd }
      : { ok: true, output: outcome.response.output, costUsd };
  };
}

async function collectLifecycles(
  config: LoadedConfig,
  options: RunEvalOptions,
): Promise<Map<LoadedCandidate, ModelLifecycle>> {
  const out = new Map<LoadedCandidate, ModelLifecycle>();
  const overrides = config.config.models;
  const fetched = new Map<string, Promise<ModelLifecycle | undefined>>();
  for (const suite of config.suites) {
    for (const candidate of suite.candidates) {
      const models = [candidate.model, candidate.fineTune?.baseModel].filter((m): m is string => Boolean(m));
      for (const model of models) {
        let found = lookupLifecycle(model, { baseURL: candidate.provider.baseURL, overrides });
        if (options.fetchLifecycle && candidate.provider.type === "openai" && model === candidate.model) {
          const key = `${candidate.provider.baseURL} ${model}`;
          if (!fetched.has(key)) {
            fetched.set(
              key,
              options.fetchLifecycle(model, candidate.provider).catch(() => undefined),
            );
          }
          const fromEndpoint = await fetched.get(key);
          // A fact the config states wins; otherwise the endpoint's is fresher than the built-in table.
          if (fromEndpoint?.shutdownDate && found?.source !== "config") found = fromEndpoint;
        }
        if (found?.shutdownDate || found?.deprecated) {
          out.set(candidate, found);
          break;
        }
      }
    }
  }
  return out;
}

async function assembleSuite(
  suite: LoadedSuite,
  scorerNames: string[],
  collector: CaseCollector,
  priceOf: (model: string, baseURL: string, batch?: boolean) => ModelPrice | undefined,
  lifecycles: Map<LoadedCandidate, ModelLifecycle>,
): Promise<SuiteResult> {
  const candidates: Record<string, CandidateResult> = {};
  for (const candidate of suite.candidates) {
    const { cases, summary } = candidate.skipReason
      ? { cases: [], summary: summarizeCandidate([]) }
      : await collector.finish(suite, candidate);
    const entry: CandidateResult = {
      name: candidate.name,
      kind: candidate.kind,
      baseURL: candidate.provider.baseURL,
      params: { ...candidate.params },
      prompt: {
        source: candidate.prompt.source,
        hash: createHash("sha256")
          .update(stringifyCanonical(candidate.prompt.messages))
          .digest("hex")
          .slice(0, 12),
      },
      summary,
      cases,
    };
    if (candidate.model) entry.model = candidate.model;
    if (candidate.skipReason) entry.skipped = candidate.skipReason;
    if (candidate.fineTune) {
      const { trainingDataPath: _path, ...fineTune } = candidate.fineTune;
      entry.fineTune = fineTune;
    }
    if (candidate.model) {
      const price = priceOf(candidate.model, candidate.provider.baseURL, candidate.provider.batch);
      if (price) entry.price = price;
    }
    const lifecycle = lifecycles.get(candidate);
    if (lifecycle) entry.lifecycle = lifecycle;
    candidates[candidate.name] = entry;
  }
  const result: SuiteResult = {
    name: suite.name,
    repeat: suite.repeat,
    caseCount: suite.cases.length,
    scorers: scorerNames,
    files: suite.files,
    candidates,
  };
  if (suite.description !== undefined) result.description = suite.description;
  if (suite.target !== undefined) result.target = suite.target;
  if (suite.volume !== undefined) result.volume = suite.volume;
  return result;
}

/**
 * Each planned call's case position in its suite, by the call's index in the plan. `planRun` lists a candidate's
 * calls case by case in suite order (samples together), so positions are found by walking the plan rather than
 * through a map of every case id (4 MB at 100,000 cases); a call out of that order is looked up by its case id.
 */
function locateCases(
  plan: RunPlan,
  lookup: ReadonlyMap<string, { suite: LoadedSuite; candidates: ReadonlyMap<string, LoadedCandidate> }>,
): Int32Array {
  const positions = new Int32Array(plan.calls.length);
  const next = new Map<LoadedCandidate, number>();
  const byId = new Map<LoadedSuite, Map<string, number>>();
  for (const [index, call] of plan.calls.entries()) {
    const { suite, candidates } = lookup.get(call.suite)!;
    const candidate = candidates.get(call.candidate)!;
    const expected = next.get(candidate) ?? 0;
    let position: number;
    if (suite.cases[expected]?.id === call.caseId) position = expected;
    else if (expected > 0 && suite.cases[expected - 1]!.id === call.caseId) position = expected - 1;
    else {
      let ids = byId.get(suite);
      if (!ids) {
        ids = new Map(suite.cases.map((c, i) => [c.id, i]));
        byId.set(suite, ids);
      }
      position = ids.get(call.caseId)!;
    }
    positions[index] = position;
    next.set(candidate, position + 1);
  }
  return positions;
}

/** Run `worker` over `items`, at most `width` at a time, starting them in order. */
async function runPool<T>(
  items: ArrayLike<T>,
  width: number,
  worker: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await worker(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

interface CandidateSlot {
  /** Samples of cases still waiting for the rest of their samples, by case position. */
  pending: Map<number, SampleResult[]>;
  /** 1 at the positions whose case is complete. */
  complete: Uint8Array;
  /** Finished cases by position, when the run keeps them. */
  cases: CaseResult[] | undefined;
  /** Every finished case folded into the candidate's summary, kept or not. */
  summary: CandidateSummaryBuilder;
}

/**
 * Gathers samples into cases as they finish: a case is complete when all `repeat` samples are in; it is then
 * handed to `onCase`, folded into the candidate's summary, and kept only when the run keeps its cases. Spend and
 * scorer failures are counted on the way, so nothing needs every sample at the end.
 */
class CaseCollector {
  spentKnown = true;
  spent = 0;
  readonly #keepCases: boolean;
  readonly #onCase: RunEvalOptions["onCase"];
  readonly #slots = new Map<LoadedCandidate, CandidateSlot>();
  readonly #scorerFailures = new Map<string, { count: number; reason: string }>();

  constructor(options: Pick<RunEvalOptions, "keepCases" | "onCase">) {
    this.#keepCases = options.keepCases ?? true;
    this.#onCase = options.onCase;
  }

  async add(
    suite: LoadedSuite,
    candidate: LoadedCandidate,
    position: number,
    sample: SampleResult,
  ): Promise<void> {
    // A failed call bills nothing; only an answered call at an unknown price makes the spend unknown.
    const priced = sample.status === "error" || sample.cached || sample.costUsd !== null;
    if (!priced || sample.judgeCostUsd === null) this.spentKnown = false;
    this.spent += (sample.cached ? 0 : (sample.costUsd ?? 0)) + (sample.judgeCostUsd ?? 0);
    for (const score of sample.scores) {
      if (score.metadata?.error !== true) continue;
      const key = `${suite.name}\u0000${score.name}`;
      const entry = this.#scorerFailures.get(key) ?? { count: 0, reason: score.reason };
      entry.count++;
      this.#scorerFailures.set(key, entry);
    }
    const slot = this.#slot(suite, candidate);
    const samples = slot.pending.get(position) ?? [];
    samples.push(sample);
    if (samples.length < suite.repeat) {
      slot.pending.set(position, samples);
      return;
    }
    slot.pending.delete(position);
    await this.#complete(suite, candidate, slot, position, samples);
  }

  /**
   * The candidate's summary, and its cases in suite order when the run keeps them (else none); a case that
   * planned no call is completed with no samples.
   */
  async finish(
    suite: LoadedSuite,
    candidate: LoadedCandidate,
  ): Promise<{ cases: CaseResult[]; summary: CandidateSummary }> {
    const slot = this.#slot(suite, candidate);
    for (let position = 0; position < suite.cases.length; position++) {
      if (slot.complete[position]) continue;
      const samples = slot.pending.get(position) ?? [];
      slot.pending.delete(position);
      await this.#complete(suite, candidate, slot, position, samples);
    }
    return { cases: slot.cases ?? [], summary: slot.summary.summarize() };
  }

  /** One warning per suite and scorer that failed to score (a judge call that failed, a custom scorer that threw). */
  describeScorerFailures(): string[] {
    return [...this.#scorerFailures].map(([key, { count, reason }]) => {
      const [suite, scorer] = key.split("\u0000");
      return `suite "${suite}": scorer "${scorer}" could not score ${count} sample(s), which count as 0: ${reason}`;
    });
  }

  #slot(suite: LoadedSuite, candidate: LoadedCandidate): CandidateSlot {
    let slot = this.#slots.get(candidate);
    if (!slot) {
      slot = {
        pending: new Map(),
        complete: new Uint8Array(suite.cases.length),
        cases: this.#keepCases ? [] : undefined,
        summary: new CandidateSummaryBuilder(suite.cases.length, suite.repeat),
      };
      this.#slots.set(candidate, slot);
    }
    return slot;
  }

  async #complete(
    suite: LoadedSuite,
    candidate: LoadedCandidate,
    slot: CandidateSlot,
    position: number,
    unordered: SampleResult[],
  ): Promise<void> {
    const testCase = suite.cases[position]!;
    const samples = unordered.sort((a, b) => a.sample - b.sample);
    const result: CaseResult = { id: testCase.id, vars: testCase.vars, samples, ...summarizeCase(samples) };
    if (testCase.expected !== undefined) result.expected = testCase.expected;
    if (testCase.cluster !== undefined) result.cluster = testCase.cluster;
    if (testCase.source !== undefined) result.source = testCase.source;
    slot.complete[position] = 1;
    slot.summary.add(position, result);
    if (slot.cases) slot.cases[position] = result;
    await this.#onCase?.({ suite: suite.name, candidate: candidate.name, position, case: result });
  }
}
