import { createHash } from "node:crypto";
import type { LoadedCandidate, LoadedConfig, LoadedSuite, ResolvedProvider } from "../config/loaded.ts";
import { adaptModelIdForEndpoint } from "../config/model-id.ts";
import type { PlannedCall, RunPlan } from "../plan.ts";
import { computeCostUsd, lookupLifecycle, resolvePrice } from "../pricing/index.ts";
import { computeRequestKey, stringifyCanonical } from "../request-key.ts";
import {
  type CandidateResult,
  type CaseResult,
  RUN_RESULT_SCHEMA_VERSION,
  type RunResult,
  type SampleResult,
  type SuiteResult,
} from "../result/schema.ts";
import { summarizeCandidate, summarizeCase } from "../result/summarize.ts";
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
    const id = `${resolved.type}:${resolved.baseURL}`;
    let endpoint = endpoints.get(id);
    if (!endpoint) {
      endpoint = {
        provider: options.createProvider(resolved),
        concurrency: options.concurrency ?? resolved.concurrency,
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
  const priceOf = (model: string, baseURL: string): ModelPrice | undefined => {
    const id = `${baseURL} ${model}`;
    if (!priceCache.has(id)) {
      const price = resolvePrice(model, { baseURL, overrides });
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
      {
        suite: s,
        candidates: new Map(s.candidates.map((c) => [c.name, c])),
        cases: new Map(s.cases.map((c) => [c.id, c])),
      },
    ]),
  );
  const samples = new Map<PlannedCall, SampleResult>();
  await Promise.all(
    plan.calls.map(async (call) => {
      const { suite, candidates, cases } = lookup.get(call.suite)!;
      const candidate = candidates.get(call.candidate)!;
      const testCase = cases.get(call.caseId)!;
      const sample = await evaluateCall(call, testCase, suiteScorers.get(suite.name)!, {
        executor,
        endpoint: endpointFor(candidate.provider),
        price: priceOf(candidate.model!, candidate.provider.baseURL),
      });
      samples.set(call, sample);
      done++;
      if (sample.status === "error") errors++;
      report();
    }),
  );

  // The answers are in hand: a cache that cannot be written costs later hits, never this run's result.
  await options.cache?.close?.().catch((error: unknown) => {
    warnings.push(`the response cache could not be written: ${(error as Error).message ?? String(error)}`);
  });
  const lifecycles = await collectLifecycles(config, options);
  const suites: Record<string, SuiteResult> = {};
  for (const suite of config.suites) {
    const scorerNames = suiteScorers.get(suite.name)!.map((scorer) => scorer.name);
    suites[suite.name] = assembleSuite(suite, scorerNames, plan, samples, priceOf, lifecycles);
  }

  const allSamples = [...samples.values()];
  warnings.push(...describeScorerFailures(plan, samples));
  // A failed call bills nothing; only an answered call at an unknown price makes the spend unknown.
  const spentKnown = allSamples.every(
    (s) => s.status === "error" || s.cached || (s.costUsd !== null && s.judgeCostUsd !== null),
  );
  const spent = allSamples.reduce(
    (sum, s) => sum + (s.cached ? 0 : (s.costUsd ?? 0)) + (s.judgeCostUsd ?? 0),
    0,
  );
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
  priceOf: (model: string, baseURL: string) => ModelPrice | undefined,
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
    const outcome = await executor.execute(computeRequestKey(request), request, endpointFor(provider));
    if (!outcome.ok) return { ok: false, error: `judge call failed: ${outcome.error.message}` };
    const usage = outcome.response.usage;
    // A cached judgement costs nothing this run.
    const costUsd = outcome.cached
      ? 0
      : usage
        ? computeCostUsd(usage, priceOf(model, provider.baseURL))
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

function assembleSuite(
  suite: LoadedSuite,
  scorerNames: string[],
  plan: RunPlan,
  samples: Map<PlannedCall, SampleResult>,
  priceOf: (model: string, baseURL: string) => ModelPrice | undefined,
  lifecycles: Map<LoadedCandidate, ModelLifecycle>,
): SuiteResult {
  const byCandidateCase = new Map<string, SampleResult[]>();
  for (const call of plan.calls) {
    if (call.suite !== suite.name) continue;
    const sample = samples.get(call);
    if (!sample) continue;
    const id = `${call.candidate}\u0000${call.caseId}`;
    const list = byCandidateCase.get(id) ?? [];
    list.push(sample);
    byCandidateCase.set(id, list);
  }
  const candidates: Record<string, CandidateResult> = {};
  for (const candidate of suite.candidates) {
    const cases: CaseResult[] = [];
    if (!candidate.skipReason) {
      for (const testCase of suite.cases) {
        const caseSamples = (byCandidateCase.get(`${candidate.name}\u0000${testCase.id}`) ?? []).sort(
          (a, b) => a.sample - b.sample,
        );
        const result: CaseResult = {
          id: testCase.id,
          vars: testCase.vars,
          samples: caseSamples,
          ...summarizeCase(caseSamples),
        };
        if (testCase.expected !== undefined) result.expected = testCase.expected;
        if (testCase.cluster !== undefined) result.cluster = testCase.cluster;
        if (testCase.source !== undefined) result.source = testCase.source;
        cases.push(result);
      }
    }
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
      summary: summarizeCandidate(cases),
      cases,
    };
    if (candidate.model) entry.model = candidate.model;
    if (candidate.skipReason) entry.skipped = candidate.skipReason;
    if (candidate.fineTune) {
      const { trainingDataPath: _path, ...fineTune } = candidate.fineTune;
      entry.fineTune = fineTune;
    }
    if (candidate.model) {
      const price = priceOf(candidate.model, candidate.provider.baseURL);
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

/** One warning per suite and scorer that failed to score (a judge call that failed, a custom scorer that threw). */
function describeScorerFailures(plan: RunPlan, samples: Map<PlannedCall, SampleResult>): string[] {
  const failures = new Map<string, { count: number; reason: string }>();
  for (const call of plan.calls) {
    for (const score of samples.get(call)?.scores ?? []) {
      if (score.metadata?.error !== true) continue;
      const key = `${call.suite}\u0000${score.name}`;
      const entry = failures.get(key) ?? { count: 0, reason: score.reason };
      entry.count++;
      failures.set(key, entry);
    }
  }
  return [...failures].map(([key, { count, reason }]) => {
    const [suite, scorer] = key.split("\u0000");
    return `suite "${suite}": scorer "${scorer}" could not score ${count} sample(s), which count as 0: ${reason}`;
  });
}
