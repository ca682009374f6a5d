/**
 * Builders for hand-made RunResults: small, valid results for tests, golden files and examples, with every
 * summary computed by the same functions `promptfirst eval` uses.
 */
import {
  type CandidateResult,
  type CaseResult,
  RUN_RESULT_SCHEMA_VERSION,
  type RunResult,
  type SampleResult,
  type SuiteResult,
} from "../result/schema.ts";
import { summarizeCandidate, summarizeCase } from "../result/summarize.ts";

/** One sample of a case. Defaults: `pass` is `score ≥ 0.5`; an `error` makes the call a failed one. */
export interface SampleSpec {
  score?: number | null;
  pass?: boolean;
  output?: string | null;
  /** A provider error message: the sample becomes `status: "error"` with no output, score or cost. */
  error?: string;
  /** Cost of the call (default: the candidate's `costPerCallUsd`, else 0.001); null for an unknown price. */
  costUsd?: number | null;
  latencyMs?: number;
  cached?: boolean;
  /** The scorers' reason for the verdict (default: `"passed"` / `"failed"`). */
  reason?: string;
}

/** One case: its inputs and samples (or, for one sample, just `score` and friends). */
export interface CaseSpec extends SampleSpec {
  id: string;
  vars?: Record<string, unknown>;
  expected?: unknown;
  cluster?: string;
  samples?: SampleSpec[];
}

/** One candidate of a suite. */
export interface CandidateSpec {
  name: string;
  kind?: "prompt" | "fine-tune";
  model?: string;
  cases?: CaseSpec[];
  /** Why it was not evaluated: the candidate gets no cases. */
  skipped?: string;
  /** Cost of each call not given one (default 0.001 USD); null makes every price unknown. */
  costPerCallUsd?: number | null;
  /** Latency of each call not given one, ms (default 1000). */
  latencyMs?: number;
  /** The prompt's hash (default `000000000000`): give base and head different ones for an edited prompt. */
  promptHash?: string;
}

/** One suite. */
export interface SuiteSpec {
  name: string;
  target?: number;
  volume?: number;
  repeat?: number;
  candidates: CandidateSpec[];
}

/** A whole run. */
export interface RunSpec {
  suites: SuiteSpec[];
  toolVersion?: string;
  createdAt?: string;
  git?: { ref?: string; sha?: string };
  configFile?: string;
  configHash?: string;
}

/** Build one sample (index `index`) from its spec, with the candidate's defaults. */
export function buildSample(
  spec: SampleSpec,
  index = 0,
  defaults: Pick<CandidateSpec, "costPerCallUsd" | "latencyMs"> = {},
): SampleResult {
  const latencyMs = spec.latencyMs ?? defaults.latencyMs ?? 1000;
  if (spec.error !== undefined) {
    return {
      sample: index,
      status: "error",
      output: null,
      error: { kind: "server_error", message: spec.error },
      scores: [],
      score: null,
      pass: false,
      costUsd: null,
      judgeCostUsd: 0,
      latencyMs,
      cached: spec.cached ?? false,
      attempts: 1,
    };
  }
  const score = spec.score === undefined ? 1 : spec.score;
  const pass = spec.pass ?? (score !== null && score >= 0.5);
  const cost = spec.costUsd !== undefined ? spec.costUsd : defaults.costPerCallUsd;
  return {
    sample: index,
    status: "ok",
    output: spec.output === undefined ? `output ${index}` : spec.output,
    scores: [{ name: "score", score, pass, reason: spec.reason ?? (pass ? "passed" : "failed") }],
    score,
    pass,
    usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 0 },
    costUsd: cost === undefined ? 0.001 : cost,
    judgeCostUsd: 0,
    latencyMs,
    cached: spec.cached ?? false,
    attempts: 1,
  };
}

/** Build one case: its samples (from `samples`, or one sample from the case's own fields) and their summary. */
export function buildCase(
  spec: CaseSpec,
  defaults: Pick<CandidateSpec, "costPerCallUsd" | "latencyMs"> = {},
): CaseResult {
  const samples = (spec.samples ?? [spec]).map((s, i) => buildSample(s, i, defaults));
  const result: CaseResult = {
    id: spec.id,
    vars: spec.vars ?? { input: spec.id },
    samples,
    ...summarizeCase(samples),
  };
  if (spec.expected !== undefined) result.expected = spec.expected;
  if (spec.cluster !== undefined) result.cluster = spec.cluster;
  return result;
}

/** Build one candidate: its cases and the summary `promptfirst eval` would compute. */
export function buildCandidate(spec: CandidateSpec): CandidateResult {
  const cases = spec.skipped ? [] : (spec.cases ?? []).map((c) => buildCase(c, spec));
  const model = spec.model ?? "test-model";
  const result: CandidateResult = {
    name: spec.name,
    kind: spec.kind ?? "prompt",
    model,
    baseURL: "http://127.0.0.1:1/v1",
    params: {},
    prompt: { source: `prompts/${spec.name}.md`, hash: spec.promptHash ?? "000000000000" },
    summary: summarizeCandidate(cases),
    cases,
  };
  if (spec.skipped) result.skipped = spec.skipped;
  if (spec.costPerCallUsd !== null) {
    result.price = { inputPerMTok: 1, outputPerMTok: 1, source: "test" };
  }
  return result;
}

/** Build one suite. */
export function buildSuite(spec: SuiteSpec): SuiteResult {
  const candidates: Record<string, CandidateResult> = {};
  for (const c of spec.candidates) candidates[c.name] = buildCandidate(c);
  const first = Object.values(candidates).find((c) => !c.skipped);
  const suite: SuiteResult = {
    name: spec.name,
    repeat: spec.repeat ?? 1,
    caseCount: first?.cases.length ?? 0,
    scorers: ["score"],
    files: [`evals/${spec.name}.jsonl`],
    candidates,
  };
  if (spec.target !== undefined) suite.target = spec.target;
  if (spec.volume !== undefined) suite.volume = spec.volume;
  return suite;
}

/** Build a whole RunResult; its stats add up the candidates' calls, errors and costs. */
export function buildRunResult(spec: RunSpec): RunResult {
  const suites: Record<string, SuiteResult> = {};
  for (const s of spec.suites) suites[s.name] = buildSuite(s);
  const samples = Object.values(suites).flatMap((s) =>
    Object.values(s.candidates).flatMap((c) => c.cases.flatMap((k) => k.samples)),
  );
  const costs = samples.filter((s) => s.status === "ok").map((s) => s.costUsd);
  const run: RunResult = {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    tool: { name: "promptfirst", version: spec.toolVersion ?? "0.1.0" },
    createdAt: spec.createdAt ?? "2026-11-25T12:00:00.000Z",
    config: { file: spec.configFile ?? "promptfirst.yaml", hash: spec.configHash ?? "0123456789ab" },
    suites,
    stats: {
      plannedCalls: samples.length,
      judgeCalls: 0,
      requests: samples.filter((s) => !s.cached).length,
      cacheHits: samples.filter((s) => s.cached).length,
      deduplicated: 0,
      retries: 0,
      errors: samples.filter((s) => s.status === "error").length,
      spentUsd: costs.some((c) => c === null)
        ? null
        : samples.filter((s) => !s.cached).reduce((sum, s) => sum + (s.costUsd ?? 0), 0),
      durationMs: 1000,
    },
    warnings: [],
  };
  if (spec.git) run.git = { ...spec.git };
  return run;
}
