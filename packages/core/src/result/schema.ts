import { z } from "zod";
import { RUN_RESULT_SCHEMA_VERSION } from "./version.ts";

export { RUN_RESULT_SCHEMA_VERSION };

const usageSchema = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cachedInputTokens: z.number().int().min(0),
});

const scoreResultSchema = z.object({
  name: z.string(),
  score: z.number().min(0).max(1).nullable(),
  pass: z.boolean(),
  reason: z.string(),
  costUsd: z.number().nullable().optional(),
  usage: usageSchema.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const sampleErrorSchema = z.object({
  kind: z.string(),
  message: z.string(),
  status: z.number().int().optional(),
});

/** One sample (one model call) of one case. */
export const sampleResultSchema = z.object({
  sample: z.number().int().min(0),
  status: z.enum(["ok", "error"]),
  output: z.string().nullable(),
  error: sampleErrorSchema.optional(),
  scores: z.array(scoreResultSchema),
  /** Mean of the applicable scorers' scores; null when none applies or the call failed. */
  score: z.number().min(0).max(1).nullable(),
  pass: z.boolean(),
  usage: usageSchema.optional(),
  /** What the call costs at list price (also when answered from the cache); null when the price is unknown. */
  costUsd: z.number().nullable(),
  /** Cost of LLM judges that scored this sample; null when unknown. */
  judgeCostUsd: z.number().nullable(),
  latencyMs: z.number().min(0),
  cached: z.boolean(),
  attempts: z.number().int().min(0),
});

/** One case's results for one candidate. */
export const caseResultSchema = z.object({
  id: z.string(),
  vars: z.record(z.string(), z.unknown()),
  expected: z.unknown().optional(),
  cluster: z.string().optional(),
  source: z.string().optional(),
  samples: z.array(sampleResultSchema),
  /** Mean of the samples' scores; null when no sample could be scored. */
  score: z.number().min(0).max(1).nullable(),
  /** Fraction of samples that passed. */
  passRate: z.number().min(0).max(1),
  /** Every sample passed. */
  pass: z.boolean(),
  /** `error` when every sample failed to get an answer. */
  status: z.enum(["ok", "error"]),
});

/** Aggregates over a candidate's cases. */
export const candidateSummarySchema = z.object({
  cases: z.number().int().min(0),
  /** Cases with at least one scored sample. */
  scored: z.number().int().min(0),
  calls: z.number().int().min(0),
  errors: z.number().int().min(0),
  errorRate: z.number().min(0).max(1).nullable(),
  meanScore: z.number().nullable(),
  /** Standard error of the mean score (clustered when cases carry `cluster`). */
  stdErr: z.number().nullable(),
  clustered: z.boolean(),
  passRate: z.number().nullable(),
  costPerCallUsd: z.number().nullable(),
  costPer1kUsd: z.number().nullable(),
  /** False when any call's price was unknown: cost figures are then null, never a silent 0. */
  costKnown: z.boolean(),
  judgeCostUsd: z.number().nullable(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
});

const priceSchema = z.object({
  inputPerMTok: z.number(),
  outputPerMTok: z.number(),
  cachedInputPerMTok: z.number().optional(),
  source: z.string(),
});

const lifecycleSchema = z.object({
  model: z.string(),
  shutdownDate: z.string().optional(),
  deprecated: z.boolean().optional(),
  source: z.string(),
  note: z.string().optional(),
});

/** One candidate's results in one suite. */
export const candidateResultSchema = z.object({
  name: z.string(),
  kind: z.enum(["prompt", "fine-tune"]),
  model: z.string().optional(),
  baseURL: z.string(),
  params: z.record(z.string(), z.unknown()),
  prompt: z.object({ source: z.string(), hash: z.string() }),
  fineTune: z
    .object({
      baseModel: z.string(),
      trainingData: z.string(),
      model: z.string().optional(),
      trainingPricePerMTok: z.number().optional(),
      hostingPerHour: z.number().optional(),
      epochs: z.number().int().optional(),
    })
    .optional(),
  /** Why the candidate was not evaluated (e.g. a fine-tune not trained yet). */
  skipped: z.string().optional(),
  price: priceSchema.optional(),
  lifecycle: lifecycleSchema.optional(),
  summary: candidateSummarySchema,
  cases: z.array(caseResultSchema),
});

/** One suite's results. */
export const suiteResultSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  target: z.number().optional(),
  volume: z.number().optional(),
  repeat: z.number().int().min(1),
  caseCount: z.number().int().min(0),
  scorers: z.array(z.string()),
  files: z.array(z.string()),
  candidates: z.record(z.string(), candidateResultSchema),
});

/**
 * Which shard of a sharded run a RunResult holds (`eval --shard i/n`, `gate --shard i/n`): `promptfirst merge`
 * checks the shards against it and joins them back into one run.
 */
export const runShardSchema = z
  .object({
    /** 1-based. */
    index: z.number().int().min(1),
    count: z.number().int().min(1),
    /** Per suite: how many cases the whole suite has, and the positions (0-based, in the suite's case order) of
     * the cases this shard planned, in order. */
    suites: z.record(
      z.string(),
      z.object({
        total: z.number().int().min(0),
        positions: z.array(z.number().int().min(0)),
      }),
    ),
  })
  .refine((shard) => shard.index <= shard.count, {
    message: "the shard index must not exceed the shard count",
    path: ["index"],
  });

/** The file `promptfirst eval --out` writes and `compare` reads back. */
export const runResultSchema = z.object({
  schemaVersion: z.literal(RUN_RESULT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal("promptfirst"), version: z.string() }),
  createdAt: z.string(),
  git: z.object({ ref: z.string().optional(), sha: z.string().optional() }).optional(),
  config: z.object({ file: z.string(), hash: z.string() }),
  suites: z.record(z.string(), suiteResultSchema),
  stats: z.object({
    plannedCalls: z.number().int().min(0),
    /** Calls made by LLM-judge scorers (answered like any other call: cache, dedup, retries). */
    judgeCalls: z.number().int().min(0),
    /** Requests sent to providers for model and judge calls (retries not counted; cache hits are not requests). */
    requests: z.number().int().min(0),
    cacheHits: z.number().int().min(0),
    /** Identical calls within the run answered by one request. */
    deduplicated: z.number().int().min(0),
    retries: z.number().int().min(0),
    errors: z.number().int().min(0),
    /** USD actually spent by this run (cache hits cost nothing); null when a price was unknown. */
    spentUsd: z.number().nullable(),
    durationMs: z.number().min(0),
  }),
  warnings: z.array(z.string()),
  /** Present only on one shard's partial result; a merged or unsharded run has none. */
  shard: runShardSchema.optional(),
});

export type SampleResult = z.infer<typeof sampleResultSchema>;
export type CaseResult = z.infer<typeof caseResultSchema>;
export type CandidateSummary = z.infer<typeof candidateSummarySchema>;
export type CandidateResult = z.infer<typeof candidateResultSchema>;
export type SuiteResult = z.infer<typeof suiteResultSchema>;
export type RunResult = z.infer<typeof runResultSchema>;
export type RunShard = z.infer<typeof runShardSchema>;
