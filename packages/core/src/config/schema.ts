import { z } from "zod";
import { pricingConfigSchema } from "../pricing/index.ts";
import { scorerConfigSchema } from "../scorers/index.ts";

const NAME = /^[A-Za-z0-9][\w.-]*$/;
const nameSchema = z
  .string()
  .regex(NAME, "use letters, digits, '.', '_' or '-' (starting with a letter or digit)")
  .max(64, "keep names to 64 characters");

const fraction = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
const nonEmpty = z.string().min(1, "must not be empty");

/** Sampling parameters a candidate may set, by their OpenAI chat completions names. */
export const modelParamsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: fraction.optional(),
  max_tokens: z.int().positive().optional(),
  max_completion_tokens: z.int().positive().optional(),
  seed: z.int().optional(),
  stop: z.array(z.string()).max(4).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  reasoning_effort: z.enum(["minimal", "low", "medium", "high"]).optional(),
  response_format: z.record(z.string(), z.unknown()).optional(),
});

/** An OpenAI-compatible endpoint: OpenAI, Azure OpenAI / Foundry, Together, Fireworks, OpenRouter, Ollama, vLLM… */
export const providerConfigSchema = z.strictObject({
  /** `openai` calls the endpoint; `replay` answers only from a recording file. */
  type: z.enum(["openai", "replay"]).optional(),
  baseURL: z.url({ message: "must be a URL such as https://api.openai.com/v1" }).optional(),
  /** Name of the environment variable that holds the API key (the key itself never goes in the config). */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name such as OPENAI_API_KEY")
    .optional(),
  /** Requests in flight at once against this endpoint. */
  concurrency: z.int().min(1).max(1024).optional(),
  /** Per-request timeout in milliseconds. */
  timeoutMs: z.int().min(100).max(3_600_000).optional(),
  /** Retries after the first attempt (429, 5xx, timeouts). */
  maxRetries: z.int().min(0).max(20).optional(),
  /** Extra HTTP headers (not secrets: use apiKeyEnv for those). */
  headers: z.record(z.string(), z.string()).optional(),
  /** Azure OpenAI `api-version` query parameter, for deployments that still need it. */
  apiVersion: z.string().optional(),
  /** With `type: replay`: the recording to answer from, relative to the config. */
  recording: z.string().optional(),
});

/** Training a fine-tune candidate: the data, the base model, and (once trained) the model to evaluate. */
export const fineTuneConfigSchema = z.strictObject({
  trainingData: nonEmpty,
  baseModel: nonEmpty,
  /** The trained model's name on its endpoint; absent until trained. */
  model: nonEmpty.optional(),
  /** USD per 1M training tokens, where no table knows it. */
  trainingPricePerMTok: z.number().min(0).optional(),
  /** USD per hour for a dedicated endpoint that bills by the hour (0 for serverless per-token). */
  hostingPerHour: z.number().min(0).optional(),
  epochs: z.int().min(1).max(50).optional(),
});

/** One alternative answering a suite's cases: a prompt on a model, or a fine-tuned model. */
export const candidateConfigSchema = z.strictObject({
  model: nonEmpty.optional(),
  /** Prompt file: text/markdown template, chat-messages YAML, or a GitHub Models `.prompt.yml`. */
  prompt: nonEmpty,
  temperature: z.number().min(0).max(2).optional(),
  top_p: fraction.optional(),
  max_tokens: z.int().positive().optional(),
  seed: z.int().optional(),
  params: modelParamsSchema.optional(),
  provider: providerConfigSchema.optional(),
  fineTune: fineTuneConfigSchema.optional(),
});

/** A set of cases, how to score them, and the candidates to evaluate on them. */
export const suiteConfigSchema = z.strictObject({
  description: z.string().optional(),
  /** Case file (JSONL, JSON, YAML or CSV); optional when a candidate's `.prompt.yml` carries `testData`. */
  cases: nonEmpty.optional(),
  /** The quality the task needs (mean score in [0, 1]). */
  target: fraction.optional(),
  /** Expected calls a month: cost projection and fine-tune payback. */
  volume: z.int().min(0).optional(),
  /** Samples per case; more than 1 measures noise. */
  repeat: z.int().min(1).max(100).optional(),
  scorers: z.array(scorerConfigSchema).optional(),
  candidates: z
    .record(nameSchema, candidateConfigSchema)
    .refine((c) => Object.keys(c).length > 0, "a suite needs at least one candidate"),
});

/** Gate thresholds a config may set; CLI flags and Action inputs override them. */
export const gatesConfigSchema = z.strictObject({
  minScore: fraction.optional(),
  maxScoreDrop: fraction.optional(),
  maxCostIncrease: z.number().min(0).optional(),
  maxMonthlyCost: z.number().min(0).optional(),
  maxErrorRate: fraction.optional(),
  confidence: z.number().gt(0.5).lt(1).optional(),
  minFineTuneGain: fraction.optional(),
  promptFirst: z.enum(["enforce", "warn", "off"]).optional(),
});

/** The default judge for `judge` scorers that name no model. */
export const judgeConfigSchema = z.strictObject({
  model: nonEmpty,
  provider: providerConfigSchema.optional(),
  temperature: z.number().min(0).max(2).optional(),
});

/** `promptfirst.yaml`. */
export const configSchema = z.strictObject({
  version: z.literal(1).optional(),
  provider: providerConfigSchema.optional(),
  judge: judgeConfigSchema.optional(),
  /** Prices in USD per 1M tokens, for models no table knows or to override it. */
  pricing: pricingConfigSchema.optional(),
  /** Lifecycle facts to add: a model's announced shutdown date. */
  models: z
    .record(
      z.string(),
      z.strictObject({
        shutdownDate: z.iso.date({ message: "must be a date such as 2027-01-14" }).optional(),
        note: z.string().optional(),
      }),
    )
    .optional(),
  gates: gatesConfigSchema.optional(),
  cache: z.strictObject({ dir: nonEmpty.optional(), enabled: z.boolean().optional() }).optional(),
  suites: z
    .record(nameSchema, suiteConfigSchema)
    .refine((s) => Object.keys(s).length > 0, "define at least one suite"),
});

/** A parsed, schema-valid `promptfirst.yaml` (files it references not yet read). */
export type Config = z.infer<typeof configSchema>;
export type SuiteConfig = z.infer<typeof suiteConfigSchema>;
export type CandidateConfig = z.infer<typeof candidateConfigSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type FineTuneConfig = z.infer<typeof fineTuneConfigSchema>;
export type GatesConfig = z.infer<typeof gatesConfigSchema>;
