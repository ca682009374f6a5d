import type { ModelPrice } from "../types.ts";
import { applyBatchDiscount } from "./batch.ts";
import { parseFineTunedModelId } from "./fine-tuned.ts";
import { findModelPatternMatch } from "./model-pattern.ts";
import type { PricingConfig } from "./price-config.ts";
import {
  collectTierStarts,
  computeTableRate,
  lookupTableEntry,
  PRICE_TABLE_SOURCE,
  readTablePrice,
  type TableEntry,
} from "./price-table.ts";
import { inferProviderFromBaseURL, SELF_HOSTED_PROVIDER } from "./provider.ts";

/**
 * Higher rates for a whole call whose input tokens exceed `aboveInputTokens` (long-context pricing, e.g. OpenAI's
 * gpt-5.4 above 272k input tokens). The rates replace the base ones for input, cached input and output alike.
 */
export interface PriceTier {
  aboveInputTokens: number;
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number;
}

/** A resolved price: the `ModelPrice` contract plus where in the price table it was found. */
export interface ResolvedModelPrice extends ModelPrice {
  /** The price table's provider id, when the price came from the table. */
  provider?: string;
  /** The price table's model id that matched (e.g. `gpt-4o-mini` for `gpt-4o-mini-2024-07-18`). */
  tableModel?: string;
  /** Long-context tiers, ascending by `aboveInputTokens`; `computeCostUsd` applies them. */
  tiers?: PriceTier[];
}

/** Options of `resolvePrice`. */
export interface ResolvePriceOptions {
  /** The endpoint's base URL; the provider for the price table is inferred from it. */
  baseURL?: string;
  /**
   * The price table's provider id (`openai`, `together`, …), overriding the one inferred from `baseURL`: for
   * gateways and proxies whose URL the table does not know.
   */
  provider?: string;
  /** Config `pricing:` overrides. */
  overrides?: PricingConfig;
  /** When the call is made, for prices that change over time; the table's default is the current time. */
  at?: Date;
  /**
   * The call goes through a Batch API (config `provider.batch: true`): the price found (override or table) is
   * discounted by `BATCH_PRICE_FACTOR`, and `source` says so.
   */
  batch?: boolean;
}

/** Read a table entry as a per-token price; undefined when it has neither an input nor an output token price. */
function toResolvedPrice(entry: TableEntry, source: string): ResolvedModelPrice | undefined {
  const input = readTablePrice(entry.prices, "input_mtok");
  const output = readTablePrice(entry.prices, "output_mtok");
  const cached = readTablePrice(entry.prices, "cache_read_mtok");
  if (input === undefined && output === undefined) return undefined;
  const ratesAt = (inputTokens: number) => {
    const rates: { inputPerMTok: number; outputPerMTok: number; cachedInputPerMTok?: number } = {
      inputPerMTok: input === undefined ? 0 : computeTableRate(input, inputTokens),
      outputPerMTok: output === undefined ? 0 : computeTableRate(output, inputTokens),
    };
    if (cached !== undefined) rates.cachedInputPerMTok = computeTableRate(cached, inputTokens);
    return rates;
  };
  const price: ResolvedModelPrice = {
    ...ratesAt(0),
    source,
    provider: entry.provider,
    tableModel: entry.modelId,
  };
  const starts = collectTierStarts([input, output, cached]);
  if (starts.length > 0)
    price.tiers = starts.map((start) => ({ aboveInputTokens: start, ...ratesAt(start + 1) }));
  return price;
}

/** Resolve a model's price: config override first (exact name, then glob), then the price library for the inferred provider (and, for OpenAI fine-tuned ids like "ft:gpt-4o-mini-2024-07-18:acme::abc123", the fine-tuned inference price if the library has it, else the base model's price marked in `source`), then undefined (unknown). Self-hosted endpoints with no override -> { inputPerMTok: 0, outputPerMTok: 0, source: "self-hosted" }.
 *
 * With `batch`, every rate is halved (`BATCH_PRICE_FACTOR`) and `source` ends with `, Batch API: 50% off`.
 *
 * `source` starts with `config`, `genai-prices` or `self-hosted`, followed by details in parentheses. Without a
 * `baseURL` (or `provider`) the table's provider is guessed from the model name, and `source` says so; with a
 * `baseURL` the table does not know, the price is unknown unless `provider` or an override names it (OpenAI's
 * `ft:` ids excepted: only OpenAI issues them, so a gateway serving one is proxying OpenAI). */
export function resolvePrice(
  model: string,
  options: ResolvePriceOptions = {},
): ResolvedModelPrice | undefined {
  const price = resolveListPrice(model, options);
  // A self-hosted endpoint bills nothing, batch or not.
  return price && options.batch && price.source !== SELF_HOSTED_PROVIDER ? applyBatchDiscount(price) : price;
}

/** `resolvePrice` before any Batch API discount. */
function resolveListPrice(model: string, options: ResolvePriceOptions): ResolvedModelPrice | undefined {
  const override = findModelPatternMatch(model, options.overrides);
  if (override) {
    const { input, output, cachedInput } = override.value;
    const price: ResolvedModelPrice = {
      inputPerMTok: input,
      outputPerMTok: output,
      source: override.exact ? "config" : `config (${override.pattern})`,
    };
    if (cachedInput !== undefined) price.cachedInputPerMTok = cachedInput;
    return price;
  }

  const inferred =
    options.provider ??
    (options.baseURL === undefined ? undefined : inferProviderFromBaseURL(options.baseURL));
  if (inferred === SELF_HOSTED_PROVIDER)
    return { inputPerMTok: 0, outputPerMTok: 0, source: SELF_HOSTED_PROVIDER };

  const fineTuned = parseFineTunedModelId(model);
  // `ft:` ids are issued by OpenAI only (a proxy serving one is proxying OpenAI); the table's model-name rules
  // would not recognise them.
  const provider = inferred ?? (fineTuned ? "openai" : undefined);
  // An endpoint the table does not know may charge anything: better unknown than a guess.
  if (provider === undefined && options.baseURL !== undefined) return undefined;
  const guessed =
    inferred === undefined && provider === undefined ? "; provider guessed from the model name" : "";

  const entry = lookupTableEntry(model, provider, options.at);
  if (entry)
    return toResolvedPrice(entry, `${PRICE_TABLE_SOURCE} (${entry.provider}/${entry.modelId}${guessed})`);

  if (fineTuned) {
    const baseEntry = lookupTableEntry(fineTuned.base, provider, options.at);
    if (baseEntry) {
      const detail = `${baseEntry.provider}/${baseEntry.modelId}; base-model price for a fine-tune, which may cost more`;
      return toResolvedPrice(baseEntry, `${PRICE_TABLE_SOURCE} (${detail})`);
    }
  }
  return undefined;
}
