import { z } from "zod";
import { promptFirstModeSchema, promptFirstReportSchema } from "../prompt-first/schema.ts";
import { dataReportSchema } from "../training/report.ts";

/** Version of the Comparison file format; bumped on any incompatible change. */
export const COMPARISON_SCHEMA_VERSION = 1;

/**
 * A gate's outcome. `inconclusive`: evaluated, but the suite is too small (or too noisy) to tell; `not
 * evaluated`: no evidence was gathered (zero cases); `unknown`: cost could not be computed (an unknown price);
 * `warn`: a rule is broken but was chosen not to fail the check (the prompt-first rule under `warn`, or an
 * announced model shutdown); `not applicable`: the gate has nothing to judge (the prompt-first rule on suites
 * without fine-tuning). Only `pass` is a pass; `not applicable` never hides another gate's status.
 */
export const gateStatusSchema = z.enum([
  "pass",
  "fail",
  "inconclusive",
  "not evaluated",
  "unknown",
  "warn",
  "not applicable",
]);

/** One gate's verdict on one suite (and candidate); `info` findings explain but never change the status. */
export const gateFindingSchema = z.object({
  suite: z.string(),
  candidate: z.string().optional(),
  status: z.enum([
    "pass",
    "fail",
    "inconclusive",
    "not evaluated",
    "unknown",
    "warn",
    "not applicable",
    "info",
  ]),
  message: z.string(),
});

/** A gate: its status (the worst of its findings), the findings' messages worst first, and the findings. */
export const gateSchema = z.object({
  status: gateStatusSchema,
  reasons: z.array(z.string()),
  findings: z.array(gateFindingSchema),
});

/** Names of the gates `--fail-on` can select. */
export const failOnSchema = z.enum(["any", "quality", "cost", "errors", "prompt-first", "never"]);

/** The thresholds a comparison was judged with, after defaults and overrides. */
export const thresholdsSchema = z.object({
  /** Confidence of the intervals shown, and 1 − α of the one-sided test for a drop. */
  confidence: z.number().gt(0).lt(1),
  /** Largest allowed drop of a candidate's mean score, in score units (0.02 = two points). */
  maxScoreDrop: z.number().min(0).max(1),
  /** Largest allowed increase of cost per call, in percent. */
  maxCostIncrease: z.number().min(0),
  /** Largest allowed share of calls that end in a provider error. */
  maxErrorRate: z.number().min(0).max(1),
  /** Smallest allowed mean score of any candidate on head, when set. */
  minScore: z.number().min(0).max(1).optional(),
  /** Smallest allowed per-case pass rate over the samples on head, when set (useful with `repeat` > 1). */
  minPassRate: z.number().min(0).max(1).optional(),
  /** Largest allowed monthly cost projection (USD at the suite's `volume`), when set. */
  maxMonthlyCost: z.number().min(0).optional(),
  /** Whether an unknown price fails the cost gate (otherwise its status is `unknown`). */
  failOnUnknownCost: z.boolean(),
  /** Power at which the minimum detectable drop is computed. */
  power: z.number().gt(0).lt(1),
  /** Which gates make the check fail. */
  failOn: failOnSchema,
  /** How the prompt-first rule is applied (`enforce`, `warn`, `off`), when it was. */
  promptFirst: promptFirstModeSchema.optional(),
  /** Score a fine-tune must gain over the best prompt, with the interval's lower bound above 0. */
  minFineTuneGain: z.number().min(0).max(1).optional(),
});

/** Which run a side of the comparison is. */
export const runIdentitySchema = z.object({
  /** The result file, as given to `compare` (absent when compared in memory). */
  file: z.string().optional(),
  toolVersion: z.string(),
  createdAt: z.string(),
  git: z.object({ ref: z.string().optional(), sha: z.string().optional() }).optional(),
  config: z.object({ file: z.string(), hash: z.string() }),
  /** Totals for the report footer. */
  stats: z.object({
    calls: z.number().int().min(0),
    requests: z.number().int().min(0),
    cacheHits: z.number().int().min(0),
    errors: z.number().int().min(0),
    spentUsd: z.number().nullable(),
    durationMs: z.number().min(0),
  }),
});

/** One side (base or head) of a candidate. */
export const candidateSideSchema = z.object({
  model: z.string().optional(),
  /** The prompt file and the hash of its messages, so a report can say which prompts a change edited. */
  prompt: z.object({ source: z.string(), hash: z.string() }).optional(),
  cases: z.number().int().min(0),
  /** Cases with at least one scored sample. */
  scored: z.number().int().min(0),
  calls: z.number().int().min(0),
  errors: z.number().int().min(0),
  errorRate: z.number().min(0).max(1).nullable(),
  /** Mean score over the scored cases, with its standard error (clustered when the cases carry `cluster`). */
  mean: z.number().nullable(),
  stdErr: z.number().nullable(),
  clustered: z.boolean(),
  passRate: z.number().nullable(),
  costPerCallUsd: z.number().nullable(),
  costPer1kUsd: z.number().nullable(),
  costKnown: z.boolean(),
  /** Cost per call × the suite's `volume` (head's volume on both sides, so the two compare). */
  monthlyCostUsd: z.number().nullable(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
});

/** The paired statistics of a candidate on the cases both sides ran unchanged (head − base). */
export const pairedStatsSchema = z.object({
  n: z.number().int().min(0),
  meanBase: z.number().nullable(),
  meanHead: z.number().nullable(),
  meanDiff: z.number().nullable(),
  stdErr: z.number().nullable(),
  df: z.number().nullable(),
  /** Two-sided interval of `meanDiff` at `confidence`. */
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  confidence: z.number(),
  /** Two-sided p-value (H0: no change). */
  pValue: z.number().nullable(),
  /** One-sided p-value against H1: head scores lower (the quality gate's test). */
  pValueDrop: z.number().nullable(),
  /** Smallest true drop this suite detects with 80% power; null when it cannot be estimated (n < 2). */
  minDetectableDrop: z.number().nullable(),
  /** The interval excludes zero. */
  significant: z.boolean(),
  /** The drop is significant at `confidence` by the one-sided test. */
  significantDrop: z.boolean(),
  /** Head is lower but the drop is not significant: it may be noise. */
  withinNoise: z.boolean(),
  clustered: z.boolean(),
  clusters: z.number().int().nullable(),
  /** More cases needed for the minimum detectable drop to reach `maxScoreDrop` (0 when it does). */
  extraCasesNeeded: z.number().int().min(0),
  /**
   * When clustered: the more clusters (of the suite's average cluster size) those cases come in, since a
   * clustered suite needs more clusters, not more cases in the ones it has; null when not clustered (and in
   * comparisons written before this field).
   */
  extraClustersNeeded: z.number().int().min(0).nullable().default(null),
  /** Cases on both sides left out: changed vars/expected, or not scored on one side. */
  excluded: z.object({ changed: z.number().int().min(0), unscored: z.number().int().min(0) }),
});

/** One scorer's verdict on one sample, as shown next to a flip. */
export const flipScoreSchema = z.object({
  name: z.string(),
  score: z.number().nullable(),
  pass: z.boolean(),
  reason: z.string(),
});

/** One side of a flipped case: a representative sample's output and its scorers' reasons. */
export const flipSideSchema = z.object({
  score: z.number().nullable(),
  passRate: z.number(),
  /** Model output as returned (untrusted: renderers escape it). */
  output: z.string().nullable(),
  error: z.string().optional(),
  scores: z.array(flipScoreSchema),
});

/** A case that passed on one side and failed on the other. */
export const flipSchema = z.object({
  caseId: z.string(),
  vars: z.record(z.string(), z.unknown()),
  expected: z.unknown().optional(),
  cluster: z.string().optional(),
  /** Head score − base score. */
  delta: z.number(),
  base: flipSideSchema,
  head: flipSideSchema,
});

/** A case whose pass rate over its samples is below `minPassRate` on head. */
export const passRateViolationSchema = z.object({
  caseId: z.string(),
  passRate: z.number(),
  samples: z.number().int(),
});

/** Per-candidate gate statuses (the suite's findings carry the reasons). */
export const candidateGatesSchema = z.object({
  quality: gateStatusSchema,
  cost: gateStatusSchema,
  errors: gateStatusSchema,
});

/** One candidate, base vs head. */
export const candidateComparisonSchema = z.object({
  name: z.string(),
  /** `new`: only on head; `removed`: only on base; `skipped`: not evaluated on head (see `skipReason`). */
  status: z.enum(["compared", "new", "removed", "skipped"]),
  skipReason: z.string().optional(),
  kind: z.enum(["prompt", "fine-tune"]),
  base: candidateSideSchema.optional(),
  head: candidateSideSchema.optional(),
  paired: pairedStatsSchema.optional(),
  flips: z.object({ regressions: z.array(flipSchema), improvements: z.array(flipSchema) }),
  /** Cases whose samples disagree (some pass, some fail), per side. */
  flaky: z.object({ base: z.array(z.string()), head: z.array(z.string()) }),
  minPassRateViolations: z.array(passRateViolationSchema),
  cost: z.object({
    /** Percent change of cost per call; null when a side's price is unknown (or base costs 0). */
    perCallChangePct: z.number().nullable(),
    monthlyBaseUsd: z.number().nullable(),
    monthlyHeadUsd: z.number().nullable(),
    monthlyDeltaUsd: z.number().nullable(),
  }),
  latency: z.object({
    p50ChangePct: z.number().nullable(),
    p95ChangePct: z.number().nullable(),
    p50DeltaMs: z.number().nullable(),
    p95DeltaMs: z.number().nullable(),
  }),
  /** Whether the side's mean score reaches the suite's `target` (null without a target or a score). */
  reachesTarget: z.object({ base: z.boolean().nullable(), head: z.boolean().nullable() }),
  gates: candidateGatesSchema,
});

/** One suite, base vs head. */
export const suiteComparisonSchema = z.object({
  name: z.string(),
  status: z.enum(["compared", "new", "removed"]),
  target: z.number().optional(),
  volume: z.number().optional(),
  repeat: z.object({ base: z.number().int().optional(), head: z.number().int().optional() }),
  cases: z.object({
    base: z.number().int().min(0),
    head: z.number().int().min(0),
    /** On both sides with the same vars and expected: the cases paired statistics use. */
    matched: z.number().int().min(0),
    added: z.array(z.string()),
    removed: z.array(z.string()),
    /** On both sides, but vars or expected changed: reported, not paired. */
    changed: z.array(z.string()),
  }),
  candidates: z.array(candidateComparisonSchema),
});

/** The overall verdict: each gate, the worst status, and whether the check fails (per `failOn`). */
export const verdictSchema = z.object({
  status: gateStatusSchema,
  failed: z.boolean(),
  failOn: failOnSchema,
  gates: z.object({
    quality: gateSchema,
    cost: gateSchema,
    errors: gateSchema,
    /** Added by the prompt-first rule. */
    promptFirst: gateSchema.optional(),
  }),
});

/** The file `promptfirst compare --out` writes: base vs head, per suite and candidate, and the verdict. */
export const comparisonSchema = z.object({
  schemaVersion: z.literal(COMPARISON_SCHEMA_VERSION),
  tool: z.object({ name: z.literal("promptfirst"), version: z.string() }),
  createdAt: z.string(),
  base: runIdentitySchema,
  head: runIdentitySchema,
  thresholds: thresholdsSchema,
  suites: z.array(suiteComparisonSchema),
  warnings: z.array(z.string()),
  /** The prompt-first rule per suite (absent when it was not applied, or with `--prompt-first off`). */
  promptFirst: promptFirstReportSchema.optional(),
  /** The training-data checks of the files the compared suites use. */
  dataReports: z.array(dataReportSchema).optional(),
  verdict: verdictSchema,
});

/** A gate's status. */
export type GateStatus = z.infer<typeof gateStatusSchema>;
/** One finding of a gate about a suite (and candidate). */
export type GateFinding = z.infer<typeof gateFindingSchema>;
/** A gate's verdict with its reasons and findings. */
export type Gate = z.infer<typeof gateSchema>;
/** Which gates fail the check. */
export type FailOn = z.infer<typeof failOnSchema>;
/** The resolved thresholds of a comparison. */
export type Thresholds = z.infer<typeof thresholdsSchema>;
/** Which run a side of a comparison is, with its totals. */
export type RunIdentity = z.infer<typeof runIdentitySchema>;
/** One side (base or head) of a candidate. */
export type CandidateSide = z.infer<typeof candidateSideSchema>;
/** Paired statistics of a candidate (head − base on the cases both ran). */
export type PairedStats = z.infer<typeof pairedStatsSchema>;
/** A case that passed on one side and failed on the other. */
export type Flip = z.infer<typeof flipSchema>;
/** One side of a flipped case. */
export type FlipSide = z.infer<typeof flipSideSchema>;
/** A case below `minPassRate` on head. */
export type PassRateViolation = z.infer<typeof passRateViolationSchema>;
/** One candidate, base vs head. */
export type CandidateComparison = z.infer<typeof candidateComparisonSchema>;
/** One suite, base vs head. */
export type SuiteComparison = z.infer<typeof suiteComparisonSchema>;
/** The overall verdict with every gate. */
export type Verdict = z.infer<typeof verdictSchema>;
/** The Comparison file (`promptfirst compare --out`). */
export type Comparison = z.infer<typeof comparisonSchema>;
