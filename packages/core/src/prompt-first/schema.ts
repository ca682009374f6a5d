import { z } from "zod";

/**
 * How the prompt-first rule is applied: `enforce` (a violation fails the gate), `warn` (violations are shown, the
 * gate never fails) or `off` (the rule is not applied).
 */
export const promptFirstModeSchema = z.enum(["enforce", "warn", "off"]);

/**
 * A suite's outcome under the rule: `holds`, `violated`, `warning` (nothing violated, but something needs
 * attention: an announced model shutdown, or a violation shown under `warn`), or `not applicable` (no fine-tune
 * candidate or training data involved, and nothing to warn about).
 */
export const promptFirstStatusSchema = z.enum(["holds", "violated", "warning", "not applicable"]);

/**
 * One finding of the rule about a suite: which part of the rule (1–9, as numbered in the docs) and how bad.
 * Under `warn` violations are shown as warnings, except eval leakage, which stays a violation.
 */
export const promptFirstFindingSchema = z.object({
  /** 1 baseline · 2 target · 3 gain · 4 cost · 5 data · 6 data first · 7 clusters · 8 recommendation · 9 lifecycle. */
  rule: z.number().int().min(1).max(9),
  severity: z.enum(["violation", "warning", "info"]),
  candidate: z.string().optional(),
  /** Data-check finding about a training file, when it is about one. */
  file: z.string().optional(),
  /** A sentence naming its figures. */
  message: z.string(),
});

/** What to do with the suite. */
export const promptFirstRecommendationSchema = z.object({
  /**
   * `prompt`: the prompt meets the target (keep it); `fine-tune`: justified by its figures (or, before training,
   * worth training, with what it must reach); `improve`: neither the prompt nor the fine-tune reaches the target,
   * or the training data needs fixing; `measure-first`: no prompt baseline; `none`: nothing to recommend (no
   * target and no fine-tune).
   */
  kind: z.enum(["prompt", "fine-tune", "improve", "measure-first", "none"]),
  text: z.string(),
});

/** The best prompt candidate of a suite on head. */
export const bestPromptSchema = z.object({
  candidate: z.string(),
  model: z.string().nullable(),
  /** Mean score on head, with its standard error (clustered when the cases carry `cluster`). */
  score: z.number(),
  stdErr: z.number().nullable(),
  /** Cases scored. */
  scored: z.number().int().min(0),
  costPerCallUsd: z.number().nullable(),
  /** Whether `score` reaches the suite's `target`; null without a target. */
  reachesTarget: z.boolean().nullable(),
});

/** A paired difference between two candidates on the cases both scored on head (other − best prompt). */
export const candidateGainSchema = z.object({
  n: z.number().int().min(0),
  meanDiff: z.number(),
  /** Two-sided interval at the report's confidence; null with fewer than two pairs (or two clusters). */
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  clustered: z.boolean(),
});

/**
 * The fine-tune's cost against the best prompt. Monthly figures are at the suite's `volume`:
 * `monthlyInferenceUsd` = cost per call × volume + hostingPerHour × 730 hours; `promptMonthlyUsd` = the best
 * prompt's cost per call × volume; `monthlyDeltaUsd` = fine-tune − prompt (positive: the fine-tune costs more).
 * `paybackMonths` = training cost ÷ monthly saving, only when the fine-tune is cheaper per month.
 * `costPerPointUsd` = (training + `horizonMonths` × monthly delta) ÷ points gained: what each point of mean score
 * costs over the first year (negative: it saves money while it gains).
 */
export const fineTuneCostsSchema = z.object({
  trainingUsd: z.number().nullable(),
  /** `data report` (the checked file's estimate) or `tokens × epochs × price` (config price on checked tokens). */
  trainingSource: z.enum(["data report", "tokens × epochs × price"]).nullable(),
  /** Why `trainingUsd` is unknown. */
  trainingReason: z.string().nullable(),
  monthlyInferenceUsd: z.number().nullable(),
  /** Why `monthlyInferenceUsd` is unknown. */
  inferenceReason: z.string().nullable(),
  promptMonthlyUsd: z.number().nullable(),
  monthlyDeltaUsd: z.number().nullable(),
  paybackMonths: z.number().nullable(),
  costPerPointUsd: z.number().nullable(),
  horizonMonths: z.number().int().min(1),
});

/** One fine-tune candidate of a suite, against the best prompt. */
export const fineTuneAssessmentSchema = z.object({
  candidate: z.string(),
  /** The trained model; null until trained. */
  model: z.string().nullable(),
  baseModel: z.string(),
  trainingData: z.string(),
  /** Whether the candidate has a model and was evaluated on head. */
  trained: z.boolean(),
  /** Whether this change touches its training data. */
  dataChanged: z.boolean(),
  score: z.number().nullable(),
  stdErr: z.number().nullable(),
  /** Fine-tune − best prompt on the head cases both scored; null until trained (or without a prompt). */
  gain: candidateGainSchema.nullable(),
  /** What it must reach to be worth it: max(best prompt + min gain, target), at most 1; null without either. */
  requiredScore: z.number().nullable(),
  /** Gain ≥ the minimum and the interval's lower bound above 0; null when not measured. */
  beatsPrompt: z.boolean().nullable(),
  reachesTarget: z.boolean().nullable(),
  costs: fineTuneCostsSchema,
});

/** The best prompt's score on one cluster of cases, against the target. */
export const clusterRowSchema = z.object({
  cluster: z.string(),
  /** Cases of the cluster the best prompt scored. */
  n: z.number().int().min(0),
  bestPromptScore: z.number(),
  stdErr: z.number().nullable(),
  target: z.number(),
  status: z.enum(["suffices", "falls short"]),
  /** The best trained fine-tune's score on the same cluster, when there is one. */
  fineTune: z.object({ candidate: z.string(), score: z.number().nullable() }).nullable(),
});

/** A candidate whose model (or a fine-tune's base model) has an announced shutdown date. */
export const lifecycleWarningSchema = z.object({
  candidate: z.string(),
  kind: z.enum(["prompt", "fine-tune"]),
  /** The model that shuts down: the candidate's own, or a fine-tune's base model. */
  model: z.string(),
  shutdownDate: z.string(),
  /** Whole UTC days from the report's `today` (negative: already shut down). */
  daysLeft: z.number().int(),
  /** The best prompt candidate on a model with no announced shutdown, compared on the cases both scored. */
  matchedBy: z
    .object({
      candidate: z.string(),
      model: z.string().nullable(),
      /** Replacement − retiring candidate. */
      meanDiff: z.number(),
      ciLow: z.number().nullable(),
      ciHigh: z.number().nullable(),
      n: z.number().int().min(0),
      /**
       * `better`: the interval is above 0; `worse`: lower by more than `maxScoreDrop`, significantly;
       * `matches`: lower by at most `maxScoreDrop`, or higher within noise; `inconclusive`: lower by more than
       * `maxScoreDrop`, but within noise (the suite is too small to tell).
       */
      verdict: z.enum(["matches", "better", "worse", "inconclusive"]),
    })
    .optional(),
  message: z.string(),
});

/** A short summary of a training file's DataReport, as the rule used it. */
export const dataSummarySchema = z.object({
  file: z.string(),
  status: z.enum(["pass", "warn", "fail"]),
  examples: z.number().int().min(0),
  errorCount: z.number().int().min(0),
  warningCount: z.number().int().min(0),
  /** Training examples that contain an eval case. */
  leakage: z.number().int().min(0),
  contradictions: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  trainingCostUsd: z.number().nullable(),
  billedTokens: z.number().int().min(0),
  tokensApproximate: z.boolean(),
  epochs: z.number().int().min(1),
  /** Whether this change touches the file. */
  changed: z.boolean(),
  diff: z
    .object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int() })
    .nullable(),
});

/** The rule applied to one suite. */
export const suitePromptFirstSchema = z.object({
  suite: z.string(),
  status: promptFirstStatusSchema,
  target: z.number().nullable(),
  volume: z.number().nullable(),
  /** The findings' messages, violations first, then warnings, then the rest. */
  reasons: z.array(z.string()),
  findings: z.array(promptFirstFindingSchema),
  recommendation: promptFirstRecommendationSchema,
  bestPrompt: bestPromptSchema.nullable(),
  fineTunes: z.array(fineTuneAssessmentSchema),
  /** Per cluster of cases (when the cases carry `cluster` and the suite sets a target). */
  clusters: z.array(clusterRowSchema),
  lifecycle: z.array(lifecycleWarningSchema),
  data: z.array(dataSummarySchema),
});

/** The prompt-first rule over every suite compared: per suite status, reasons and recommendation. */
export const promptFirstReportSchema = z.object({
  mode: promptFirstModeSchema,
  minFineTuneGain: z.number().min(0).max(1),
  maxScoreDrop: z.number().min(0).max(1),
  confidence: z.number().gt(0).lt(1),
  /** The date days left are counted from, YYYY-MM-DD (UTC). */
  today: z.string(),
  /** The worst suite status (`not applicable` when no suite is applicable). */
  status: promptFirstStatusSchema,
  /** One line: each suite's recommendation (`support: prompt · coding: fine-tune`): the blend across the config. */
  summary: z.string(),
  suites: z.array(suitePromptFirstSchema),
});

/** `enforce`, `warn` or `off`. */
export type PromptFirstMode = z.infer<typeof promptFirstModeSchema>;
/** A suite's outcome under the rule. */
export type PromptFirstStatus = z.infer<typeof promptFirstStatusSchema>;
/** One finding of the rule. */
export type PromptFirstFinding = z.infer<typeof promptFirstFindingSchema>;
/** What to do with a suite. */
export type PromptFirstRecommendation = z.infer<typeof promptFirstRecommendationSchema>;
/** The best prompt candidate of a suite. */
export type BestPrompt = z.infer<typeof bestPromptSchema>;
/** A paired difference against the best prompt. */
export type CandidateGain = z.infer<typeof candidateGainSchema>;
/** A fine-tune's cost figures against the best prompt. */
export type FineTuneCosts = z.infer<typeof fineTuneCostsSchema>;
/** One fine-tune candidate against the best prompt. */
export type FineTuneAssessment = z.infer<typeof fineTuneAssessmentSchema>;
/** The best prompt on one cluster of cases. */
export type ClusterRow = z.infer<typeof clusterRowSchema>;
/** An announced shutdown of a candidate's model. */
export type LifecycleWarning = z.infer<typeof lifecycleWarningSchema>;
/** A training file's DataReport, summarised. */
export type DataSummary = z.infer<typeof dataSummarySchema>;
/** The rule applied to one suite. */
export type SuitePromptFirst = z.infer<typeof suitePromptFirstSchema>;
/** The prompt-first rule over every suite compared. */
export type PromptFirstReport = z.infer<typeof promptFirstReportSchema>;
