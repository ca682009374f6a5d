import { parseFineTunedModelId } from "../pricing/fine-tuned.ts";
import { matchesModelGlob } from "../pricing/model-pattern.ts";

/**
 * What promptfirst knows about fine-tuning base models: the training context limit per example, the tokenizer,
 * the training price and the default epoch rule. A small table with its sources, checked 2026-11-25; every
 * value can be overridden in config (`fineTune.trainingPricePerMTok`, `fineTune.epochs`) or on the command line
 * (`--price-per-mtok`, `--epochs`, `--context-limit`). Sources:
 *
 * - [AZURE-FT] Azure OpenAI "Fine-tuning model guidance" (MicrosoftDocs/azure-ai-docs,
 *   articles/ai-foundry/openai/includes/fine-tune-models.md): training example context length 65,536 for
 *   gpt-4o-mini (2024-07-18), gpt-4o (2024-08-06), gpt-4.1 and gpt-4.1-mini (2025-04-14); 32,768 for
 *   gpt-4.1-nano (2025-04-14). The same models and limits as OpenAI's own fine-tuning.
 * - [OPENAI-PRICING] OpenAI's pricing page, "Fine-tuning" table (https://openai.com/api/pricing), training price
 *   per 1M tokens: gpt-4.1 $25.00, gpt-4.1-mini $5.00, gpt-4.1-nano $1.50, gpt-4o-2024-08-06 $25.00,
 *   gpt-4o-mini-2024-07-18 $3.00, gpt-3.5-turbo $8.00.
 * - [COOKBOOK] OpenAI cookbook, examples/Chat_finetuning_data_prep.ipynb: the token count (3 tokens per message,
 *   1 per name, 3 per example), billed tokens per example capped at the limit, and the default epochs
 *   (`n_epochs: "auto"`): 3, raised to fit 100 example-passes (at most 25 epochs) or lowered to fit 25,000
 *   (at least 1). gpt-3.5-turbo's 16,385-token limit: openai/openai-cookbook pull request 1178.
 * - [TOGETHER-FT] Together AI docs: fine-tuning models (Llama 3.1 8B/70B Reference take 32K–131K contexts with
 *   LoRA; gpt-oss-20b and gpt-oss-120b 16,384 tokens for SFT); `n_epochs` defaults to 1 (API reference,
 *   POST /fine-tunes); prices per model size are on together.ai/pricing, which no offline source here quotes,
 *   so the table leaves Together's price to config.
 * - [FIREWORKS-PRICING] fireworks.ai/pricing: fine-tuning is billed on dataset tokens × epochs, $0.50 per 1M
 *   tokens for models up to 16B parameters, $3.00 for 16.1B–80B, $2.00 for Mixtral 8x7B.
 * - [LLAMA-3.1] Meta-Llama-3.1 configs: `max_position_embeddings` 131,072.
 * - [HF-TRAINER] Hugging Face `TrainingArguments.num_train_epochs` defaults to 3: the assumption for trainers
 *   the table does not know (self-hosted LoRA and the like).
 * - Tokenizers: OpenAI models use o200k_base (gpt-4o, gpt-4.1 families) or cl100k_base (gpt-3.5, gpt-4), both
 *   shipped by `gpt-tokenizer`. Llama 3's tokenizer is tiktoken-based with a 128,256-token vocabulary that
 *   extends cl100k_base's (as Qwen's does), so cl100k_base is the closest offline count for open-weight models;
 *   it is marked approximate.
 */

/** A tokenizer encoding promptfirst ships offline (through `gpt-tokenizer`). */
export type TokenEncoding = "o200k_base" | "cl100k_base";

/** Facts about one fine-tuning base model. */
export interface TrainingModelFacts {
  /** The name the table knows the model by. */
  model: string;
  /** `openai` for OpenAI's models (own tokenizer offline), `open-weight` for the rest. */
  family: "openai" | "open-weight";
  /** The encoding to count tokens with. */
  encoding: TokenEncoding;
  /** Whether `encoding` is the model's own tokenizer (so counts are exact, up to the chat format). */
  exactTokens: boolean;
  /** Longest training example in tokens, when known. */
  contextLimit?: number;
  /** Where `contextLimit` comes from. */
  contextSource?: string;
  /** Parameters in billions, for providers that price by model size. */
  parametersB?: number;
}

interface ModelRow {
  patterns: string[];
  model: string;
  family: "openai" | "open-weight";
  encoding: TokenEncoding;
  contextLimit?: number;
  contextSource?: string;
  /** Only for these providers (the limit is the provider's). */
  providers?: string[];
  /** USD per 1M training tokens at OpenAI. */
  openaiTrainingPerMTok?: number;
  parametersB?: number;
}

const AZURE_FT = "Azure OpenAI fine-tuning model guidance (training example context length)";
const COOKBOOK_PR = "openai-cookbook PR 1178 (gpt-3.5-turbo 16,385 tokens)";
const TOGETHER_FT = "Together AI fine-tuning models (context length, SFT)";
const LLAMA_CONFIG = "Llama 3.1 max_position_embeddings (Together: LoRA up to 131K)";

const ROWS: readonly ModelRow[] = [
  {
    patterns: ["gpt-4.1-nano", "gpt-4.1-nano-2025-04-14"],
    model: "gpt-4.1-nano-2025-04-14",
    family: "openai",
    encoding: "o200k_base",
    contextLimit: 32_768,
    contextSource: AZURE_FT,
    openaiTrainingPerMTok: 1.5,
  },
  {
    patterns: ["gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"],
    model: "gpt-4.1-mini-2025-04-14",
    family: "openai",
    encoding: "o200k_base",
    contextLimit: 65_536,
    contextSource: AZURE_FT,
    openaiTrainingPerMTok: 5,
  },
  {
    patterns: ["gpt-4.1", "gpt-4.1-2025-04-14"],
    model: "gpt-4.1-2025-04-14",
    family: "openai",
    encoding: "o200k_base",
    contextLimit: 65_536,
    contextSource: AZURE_FT,
    openaiTrainingPerMTok: 25,
  },
  {
    patterns: ["gpt-4o-mini", "gpt-4o-mini-2024-07-18"],
    model: "gpt-4o-mini-2024-07-18",
    family: "openai",
    encoding: "o200k_base",
    contextLimit: 65_536,
    contextSource: AZURE_FT,
    openaiTrainingPerMTok: 3,
  },
  {
    patterns: ["gpt-4o", "gpt-4o-2024-08-06"],
    model: "gpt-4o-2024-08-06",
    family: "openai",
    encoding: "o200k_base",
    contextLimit: 65_536,
    contextSource: AZURE_FT,
    openaiTrainingPerMTok: 25,
  },
  {
    patterns: ["gpt-3.5-turbo", "gpt-3.5-turbo-0125", "gpt-3.5-turbo-1106"],
    model: "gpt-3.5-turbo-0125",
    family: "openai",
    encoding: "cl100k_base",
    contextLimit: 16_385,
    contextSource: COOKBOOK_PR,
    openaiTrainingPerMTok: 8,
  },
  {
    patterns: ["*gpt-oss-20b*"],
    model: "openai/gpt-oss-20b",
    family: "open-weight",
    encoding: "o200k_base",
    contextLimit: 16_384,
    contextSource: TOGETHER_FT,
    providers: ["together"],
    parametersB: 21,
  },
  {
    patterns: ["*gpt-oss-120b*"],
    model: "openai/gpt-oss-120b",
    family: "open-weight",
    encoding: "o200k_base",
    contextLimit: 16_384,
    contextSource: TOGETHER_FT,
    providers: ["together"],
    parametersB: 117,
  },
  {
    patterns: ["*llama-3.1-8b*", "*llama-v3p1-8b*"],
    model: "meta-llama/Llama-3.1-8B-Instruct",
    family: "open-weight",
    encoding: "cl100k_base",
    contextLimit: 131_072,
    contextSource: LLAMA_CONFIG,
    parametersB: 8,
  },
  {
    patterns: ["*llama-3.1-70b*", "*llama-v3p1-70b*"],
    model: "meta-llama/Llama-3.1-70B-Instruct",
    family: "open-weight",
    encoding: "cl100k_base",
    contextLimit: 131_072,
    contextSource: LLAMA_CONFIG,
    parametersB: 70,
  },
];

/** Provider ids whose fine-tuning is OpenAI's (same models, limits and epoch rule). */
const OPENAI_PROVIDERS = new Set(["openai", "azure"]);

function rowFor(model: string): ModelRow | undefined {
  const name = model.trim();
  return ROWS.find((row) => row.patterns.some((p) => matchesModelGlob(p, name)));
}

/**
 * Look up a base model: its tokenizer, training context limit and size. A fine-tuned OpenAI model id
 * (`ft:gpt-4o-mini-2024-07-18:acme::x`) resolves to its base. A limit the table has for one provider only
 * (gpt-oss at Together) is dropped for another provider. Models the table does not know are open-weight
 * models counted with cl100k_base (approximate), with no context limit and a size read from the name
 * (`Qwen2.5-7B-Instruct` → 7) when it has one.
 */
export function lookupTrainingModel(baseModel: string, provider?: string): TrainingModelFacts {
  const name = parseFineTunedModelId(baseModel)?.base ?? baseModel.trim();
  const row = rowFor(name);
  const facts: TrainingModelFacts = {
    model: row?.model ?? name,
    family: row?.family ?? "open-weight",
    encoding: row?.encoding ?? "cl100k_base",
    exactTokens: row?.family === "openai",
  };
  const limitApplies = !row?.providers || provider === undefined || row.providers.includes(provider);
  if (row?.contextLimit !== undefined && limitApplies) {
    facts.contextLimit = row.contextLimit;
    if (row.contextSource !== undefined) facts.contextSource = row.contextSource;
  }
  const size = row?.parametersB ?? parseParameterCount(name);
  if (size !== undefined) facts.parametersB = size;
  return facts;
}

/** Parameters in billions named in a model id (`Llama-3.1-8B`, `qwen3-14b`, `llama-v3p1-70b`), if any. */
export function parseParameterCount(model: string): number | undefined {
  const match = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)b(?![a-z0-9])/i.exec(model.replace(/p(?=\d)/g, "."));
  if (!match) return undefined;
  const value = Number(match[1]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** A training price per 1M tokens, or why there is none. */
export interface TrainingPrice {
  perMTok: number | null;
  /** Where the price came from (`configured`, `OpenAI fine-tuning prices`, …). */
  source: string | null;
  /** Why no price is known, when `perMTok` is null. */
  reason: string | null;
}

/**
 * The training price of a base model at a provider (a price-table provider id: `openai`, `azure`, `together`,
 * `fireworks`, `self-hosted`…). OpenAI's models are priced from OpenAI's page; Fireworks by model size; other
 * providers are left to config, with the reason.
 */
export function resolveTrainingPrice(baseModel: string, provider: string | undefined): TrainingPrice {
  const facts = lookupTrainingModel(baseModel, provider);
  const name = parseFineTunedModelId(baseModel)?.base ?? baseModel.trim();
  const row = rowFor(name);
  const where = provider ?? (facts.family === "openai" ? "openai" : undefined);
  const unknown = (reason: string): TrainingPrice => ({ perMTok: null, source: null, reason });
  if (facts.family === "openai" && where === "openai") {
    if (row?.openaiTrainingPerMTok !== undefined) {
      return { perMTok: row.openaiTrainingPerMTok, source: "OpenAI fine-tuning prices", reason: null };
    }
    return unknown(`OpenAI's training price for ${name} is not in promptfirst's table`);
  }
  if (where === "azure") {
    return unknown("Azure OpenAI prices training by region and tier; set fineTune.trainingPricePerMTok");
  }
  if (where === "fireworks") {
    if (/mixtral-8x7b/i.test(name)) {
      return { perMTok: 2, source: "Fireworks fine-tuning prices, Mixtral 8x7B", reason: null };
    }
    const size = facts.parametersB;
    if (size !== undefined && size <= 16) {
      return { perMTok: 0.5, source: "Fireworks fine-tuning prices, models up to 16B", reason: null };
    }
    if (size !== undefined && size <= 80) {
      return { perMTok: 3, source: "Fireworks fine-tuning prices, models of 16.1B–80B", reason: null };
    }
    return unknown(
      `Fireworks' training price for ${name} depends on its size, which promptfirst cannot tell`,
    );
  }
  if (where === "together") {
    return unknown(
      "Together prices training by model size, method (SFT/DPO) and LoRA or full fine-tuning (together.ai/pricing); set fineTune.trainingPricePerMTok",
    );
  }
  if (where === "self-hosted") {
    return unknown(
      "self-hosted training is paid in GPU time, not per token; set fineTune.trainingPricePerMTok",
    );
  }
  return unknown(
    `no training price is known for ${name}${where ? ` at ${where}` : ""}: set fineTune.trainingPricePerMTok (or --price-per-mtok) from the provider's price page`,
  );
}

/** Epochs a fine-tuning job will run, and where the number comes from. */
export interface EpochEstimate {
  value: number;
  /** `config` (set by the user), `provider-default` (the provider's documented default) or `assumed`. */
  source: "config" | "provider-default" | "assumed";
  /** The rule in words. */
  rule: string;
}

/**
 * OpenAI's default epochs for a dataset size (`n_epochs: "auto"`, per the cookbook): 3, unless 3 passes give
 * fewer than 100 example-passes (then ⌊100 / n⌋, at most 25) or more than 25,000 (then ⌊25,000 / n⌋, at least 1).
 */
export function computeOpenAIDefaultEpochs(examples: number): number {
  const target = 3;
  if (examples <= 0) return target;
  if (examples * target < 100) return Math.min(25, Math.floor(100 / examples));
  if (examples * target > 25_000) return Math.max(1, Math.floor(25_000 / examples));
  return target;
}

/**
 * The epochs to expect: the configured value, else the provider's documented default for this dataset size
 * (OpenAI's rule; Together's 1), else an assumed 3 (Hugging Face's trainer default).
 */
export function computeEpochEstimate(
  examples: number,
  options: { epochs?: number; baseModel?: string; provider?: string },
): EpochEstimate {
  if (options.epochs !== undefined) return { value: options.epochs, source: "config", rule: "as configured" };
  const family = options.baseModel
    ? lookupTrainingModel(options.baseModel, options.provider).family
    : undefined;
  const provider = options.provider ?? (family === "openai" ? "openai" : undefined);
  if (provider !== undefined && OPENAI_PROVIDERS.has(provider) && family === "openai") {
    return {
      value: computeOpenAIDefaultEpochs(examples),
      source: "provider-default",
      rule: 'OpenAI n_epochs "auto": 3, adjusted so that examples × epochs stays within 100–25,000',
    };
  }
  if (provider === "together") {
    return { value: 1, source: "provider-default", rule: "Together's default n_epochs is 1" };
  }
  return {
    value: 3,
    source: "assumed",
    rule: "the trainer's default is not known: 3 assumed (Hugging Face's default); set fineTune.epochs",
  };
}
