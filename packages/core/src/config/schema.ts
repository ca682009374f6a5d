import { z } from "zod";
import { DEFAULTS } from "../defaults.ts";
import { pricingConfigSchema } from "../pricing/index.ts";
import { scorerConfigSchema } from "../scorers/index.ts";

/** What suite and candidate names may look like: they appear in reports, file names and CLI flags. */
const NAME = /^[A-Za-z0-9][\w.-]*$/;
/** The longest suite or candidate name, in characters. */
const NAME_MAX_CHARS = 64;

/** Why `name` cannot be a suite or candidate name, or `undefined` when it can. */
function checkName(name: string): string | undefined {
  if (!NAME.test(name)) return "use letters, digits, '.', '_' or '-' (starting with a letter or digit)";
  if (name.length > NAME_MAX_CHARS) return `keep names to ${NAME_MAX_CHARS} characters`;
  return undefined;
}

/**
 * A mapping from names to `value`s that must not be empty. Names are checked beside the values (not as record
 * keys, which would make zod skip the values of a badly named entry), so every mistake is reported at once; a
 * bad name's issue carries `params.key`, so it is reported on the key's line.
 */
function namedRecord<T extends z.ZodType>(value: T, what: "suite" | "candidate", whenEmpty: string) {
  return z
    .record(z.string(), value)
    .superRefine(
      (record, ctx) => {
        const names = Object.keys(record);
        for (const name of names) {
          const problem = checkName(name);
          if (problem) {
            ctx.addIssue({
              code: "custom",
              path: [name],
              message: `invalid ${what} name "${name}": ${problem}`,
              params: { key: true },
            });
          }
        }
        if (names.length === 0) ctx.addIssue({ code: "custom", path: [], message: whenEmpty });
      },
      { when: (payload) => isMapping(payload.value) },
    )
    .meta({ propertyNames: { pattern: NAME.source, maxLength: NAME_MAX_CHARS }, minProperties: 1 });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const fraction = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");
const nonEmpty = z.string().min(1, "must not be empty");
const temperature = z
  .number()
  .min(0, "must be between 0 and 2")
  .max(2, "must be between 0 and 2")
  .describe("Sampling temperature, 0 to 2");
const topP = fraction.describe("Nucleus sampling: the probability mass to sample from, 0 to 1");
const maxTokens = z.int().positive().describe("Most tokens to generate");
const seed = z.int().describe("Seed for providers that sample deterministically with one");

/** Sampling parameters a candidate may set, by their OpenAI chat completions names. */
export const modelParamsSchema = z
  .strictObject({
    temperature: temperature.optional(),
    top_p: topP.optional(),
    max_tokens: maxTokens.optional(),
    max_completion_tokens: z
      .int()
      .positive()
      .optional()
      .describe("Most tokens to generate, reasoning included (reasoning models)"),
    seed: seed.optional(),
    stop: z.array(z.string()).max(4).optional().describe("Up to 4 texts that end the output"),
    presence_penalty: z.number().min(-2).max(2).optional(),
    frequency_penalty: z.number().min(-2).max(2).optional(),
    reasoning_effort: z.enum(["minimal", "low", "medium", "high"]).optional(),
    response_format: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('OpenAI response_format, e.g. { type: "json_object" }'),
  })
  .describe("Any other OpenAI chat completions parameters, sent as they are");

/** Why `batch: true` and `type: replay` cannot be combined. */
export const BATCH_WITH_REPLAY =
  "cannot be true with `type: replay`: a replay answers from its recording and sends nothing to the Batch API; remove `batch`, or use `type: openai`";

/**
 * The OpenAI Batch API's limits, as promptfirst applies them to a `batch: true` endpoint: requests and bytes per
 * batch input file, the completion window, and how long one call may wait for its batch (the window plus time to
 * finalize and download the results).
 */
export const BATCH_LIMITS = {
  /** Requests (lines) per batch input file. */
  maxRequests: 50_000,
  /** Bytes per batch input file. */
  maxFileBytes: 200 * 1024 * 1024,
  /** The only completion window the API offers. */
  completionWindow: "24h",
  /** How long a call may wait for its batch: the 24-hour window plus one hour to finalize and download. */
  waitMs: 25 * 60 * 60 * 1000,
} as const;

/** An OpenAI-compatible endpoint: OpenAI, Azure OpenAI / Foundry, Together, Fireworks, OpenRouter, Ollama, vLLM… */
export const providerConfigSchema = z
  .strictObject({
    type: z
      .enum(["openai", "replay"])
      .optional()
      .describe("`openai` calls the endpoint (default); `replay` answers only from a recording file"),
    baseURL: z
      .url({ message: "must be a URL such as https://api.openai.com/v1" })
      .optional()
      .describe(`Base URL of an OpenAI-compatible chat completions API (default: ${DEFAULTS.baseURL})`),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name such as OPENAI_API_KEY")
      .optional()
      .describe(
        `Name of the environment variable holding the API key; the key itself never goes in the config (default: ${DEFAULTS.apiKeyEnv})`,
      ),
    concurrency: z
      .int()
      .min(1)
      .max(1024)
      .optional()
      .describe(`Requests in flight at once against this endpoint (default: ${DEFAULTS.concurrency})`),
    timeoutMs: z
      .int()
      .min(100)
      .max(3_600_000)
      .optional()
      .describe(`Per-request timeout in milliseconds (default: ${DEFAULTS.timeoutMs})`),
    maxRetries: z
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe(`Retries after the first attempt on 429, 5xx and timeouts (default: ${DEFAULTS.maxRetries})`),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe("Extra HTTP headers (not secrets: use apiKeyEnv for those)"),
    apiVersion: z
      .string()
      .optional()
      .describe("Azure OpenAI `api-version` query parameter, for deployments that still need it"),
    recording: z
      .string()
      .optional()
      .describe("With `type: replay`: the recording to answer from, relative to the config"),
    batch: z
      .boolean()
      .optional()
      .describe(
        "Send this endpoint's requests through OpenAI's Batch API: half the price, answers within 24 hours, for large scheduled runs (concurrency and timeoutMs do not apply; see docs/batch-api.md)",
      ),
  })
  .superRefine((provider, ctx) => {
    if (provider.batch === true && provider.type === "replay") {
      ctx.addIssue({ code: "custom", path: ["batch"], message: BATCH_WITH_REPLAY });
    }
  })
  .describe("An OpenAI-compatible chat completions endpoint");

/** Training a fine-tune candidate: the data, the base model, and (once trained) the model to evaluate. */
export const fineTuneConfigSchema = z
  .strictObject({
    trainingData: nonEmpty.describe(
      'Chat fine-tuning data, JSONL with {"messages": [...]} per line, relative to the config',
    ),
    baseModel: nonEmpty.describe("The model the fine-tune starts from"),
    model: nonEmpty.optional().describe("The trained model's name on its endpoint; absent until trained"),
    trainingPricePerMTok: z
      .number()
      .min(0)
      .optional()
      .describe("USD per 1M training tokens, from the provider's price page, where no table knows it"),
    hostingPerHour: z
      .number()
      .min(0)
      .optional()
      .describe("USD per hour for a dedicated endpoint that bills by the hour (0 for serverless per-token)"),
    epochs: z.int().min(1).max(50).optional().describe("Training epochs"),
  })
  .describe("Makes this a fine-tune candidate: the data, the base model and, once trained, the model");

/** One alternative answering a suite's cases: a prompt on a model, or a fine-tuned model. */
export const candidateConfigSchema = z
  .strictObject({
    model: nonEmpty
      .optional()
      .describe("The model to call; may be left out when the prompt file names one (a .prompt.yml)"),
    prompt: nonEmpty.describe(
      "Prompt file, relative to the config: a text/markdown template with {{vars}}, chat messages (YAML), or a GitHub Models .prompt.yml",
    ),
    temperature: temperature.optional(),
    top_p: topP.optional(),
    max_tokens: maxTokens.optional(),
    seed: seed.optional(),
    params: modelParamsSchema.optional(),
    provider: providerConfigSchema
      .optional()
      .describe("Overrides of the top-level provider for this candidate (a fine-tune served elsewhere)"),
    fineTune: fineTuneConfigSchema.optional(),
  })
  .describe("A prompt on a model, or (with fineTune) a fine-tuned model");

/** A set of cases, how to score them, and the candidates to evaluate on them. */
export const suiteConfigSchema = z
  .strictObject({
    description: z.string().optional().describe("What the suite checks, shown in reports"),
    cases: nonEmpty
      .optional()
      .describe(
        'Case file relative to the config: JSONL ({"id"?, "vars": {...}, "expected"?, "cluster"?} per line), JSON, YAML or CSV; may be left out when a candidate\'s .prompt.yml carries testData',
      ),
    target: fraction.optional().describe("The quality the task needs: the mean score, 0 to 1"),
    volume: z
      .int()
      .min(0)
      .optional()
      .describe("Expected calls a month, for the cost projection and fine-tune payback"),
    repeat: z
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(`Samples per case; more than 1 measures noise (default: ${DEFAULTS.repeat})`),
    scorers: z
      .array(scorerConfigSchema)
      .optional()
      .describe(
        'How to score each output, e.g. - contains: "{{expected}}"; optional when a candidate\'s .prompt.yml declares evaluators',
      ),
    candidates: namedRecord(
      candidateConfigSchema,
      "candidate",
      "a suite needs at least one candidate, e.g. my-prompt: { model: gpt-4o-mini, prompt: prompts/my-prompt.md }",
    ).describe("The alternatives to evaluate on the cases, by name"),
  })
  .describe("A set of cases, how to score them, and the candidates to evaluate on them");

/** Gate thresholds a config may set; CLI flags and Action inputs override them. */
export const gatesConfigSchema = z
  .strictObject({
    minScore: fraction.optional().describe("Fail when a candidate's mean score is below this"),
    minPassRate: fraction
      .optional()
      .describe(
        "Fail when a case passes in fewer than this share of its samples, e.g. 0.8 (useful with repeat > 1)",
      ),
    maxScoreDrop: fraction
      .optional()
      .describe(`Fail on a significant score drop bigger than this (default: ${DEFAULTS.maxScoreDrop})`),
    maxCostIncrease: z
      .number()
      .min(0)
      .optional()
      .describe(
        `Fail when the cost per call rises by more than this percent (default: ${DEFAULTS.maxCostIncrease})`,
      ),
    maxMonthlyCost: z
      .number()
      .min(0)
      .optional()
      .describe("Fail when the projected monthly cost in USD exceeds this"),
    failOnUnknownCost: z
      .boolean()
      .optional()
      .describe('Fail the cost gate when a price is unknown (default: false, the gate is then "unknown")'),
    maxErrorRate: fraction
      .optional()
      .describe(`Fail when more than this fraction of calls error (default: ${DEFAULTS.maxErrorRate})`),
    confidence: z
      .number()
      .gt(0.5)
      .lt(1)
      .optional()
      .describe(
        `How sure a drop must be before it fails, between 0.5 and 1 (default: ${DEFAULTS.confidence})`,
      ),
    minFineTuneGain: fraction
      .optional()
      .describe(`Score a fine-tune must gain over the best prompt (default: ${DEFAULTS.minFineTuneGain})`),
    promptFirst: z
      .enum(["enforce", "warn", "off"])
      .optional()
      .describe(
        `The prompt-first rule: a fine-tune must beat the best prompt (default: ${DEFAULTS.promptFirst})`,
      ),
  })
  .describe("Gate thresholds; CLI flags and Action inputs override them");

/** The default judge for `judge` scorers that name no model. */
export const judgeConfigSchema = z
  .strictObject({
    model: nonEmpty.describe("The model that grades outputs"),
    provider: providerConfigSchema.optional().describe("Overrides of the top-level provider for the judge"),
    temperature: temperature.optional(),
  })
  .describe("The default judge for `judge` scorers that name no model");

/** `promptfirst.yaml`. */
export const configSchema = z
  .strictObject({
    version: z.literal(1).optional().describe("Config format version"),
    provider: providerConfigSchema
      .optional()
      .describe("The endpoint every candidate calls unless it sets its own"),
    judge: judgeConfigSchema.optional(),
    pricing: pricingConfigSchema.optional(),
    models: z
      .record(
        z.string(),
        z.strictObject({
          shutdownDate: z.iso
            .date({ message: "must be a date such as 2027-01-14" })
            .optional()
            .describe("The model's announced shutdown date"),
          note: z.string().optional(),
        }),
      )
      .optional()
      .describe("Lifecycle facts to add, by model name: an announced shutdown date"),
    gates: gatesConfigSchema.optional(),
    cache: z
      .strictObject({
        dir: nonEmpty
          .optional()
          .describe(`Response cache directory, relative to the config (default: ${DEFAULTS.cacheDir})`),
        enabled: z.boolean().optional().describe("Whether responses are cached (default: true)"),
      })
      .optional()
      .describe("The content-addressed response cache"),
    suites: namedRecord(
      suiteConfigSchema,
      "suite",
      "define at least one suite, e.g. support: { cases: evals/support.jsonl, scorers: [...], candidates: {...} }",
    ).describe("The evaluations to run, by name"),
  })
  .meta({
    title: "promptfirst.yaml",
    description:
      "promptfirst config: the endpoint to call, and suites of cases, each with how to score outputs and the candidates (prompts on models, or fine-tunes) to compare",
  });

/** A parsed, schema-valid `promptfirst.yaml` (files it references not yet read). */
export type Config = z.infer<typeof configSchema>;
/** One entry of `suites:`. */
export type SuiteConfig = z.infer<typeof suiteConfigSchema>;
/** One entry of a suite's `candidates:`. */
export type CandidateConfig = z.infer<typeof candidateConfigSchema>;
/** A `provider:` block (top level, per candidate, or the judge's). */
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
/** A candidate's `fineTune:` block. */
export type FineTuneConfig = z.infer<typeof fineTuneConfigSchema>;
/** The `gates:` block. */
export type GatesConfig = z.infer<typeof gatesConfigSchema>;
