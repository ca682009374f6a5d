/**
 * The one place that reads `@pydantic/genai-prices`. Only its bundled data is used: `updatePrices` (which would
 * fetch newer data from GitHub) is never called, so lookups are offline and reproducible for a given version.
 */

import type { ModelInfo, ModelPrice as TableModelPrice } from "@pydantic/genai-prices";
import { calcPrice } from "@pydantic/genai-prices";

/** The name this table goes by in a price's `source`. */
export const PRICE_TABLE_SOURCE = "genai-prices";

/** A per-token price tier: from `start` input tokens on (exclusive), the whole call is billed at `price`. */
export interface TableTier {
  start: number;
  price: number;
}

/** A price in the table: flat, or tiered by the call's input tokens (long-context pricing). */
export type TablePrice = number | { base: number; tiers: TableTier[] };

/** What the table says about one model at one time. */
export interface TableEntry {
  /** The table's provider id. */
  provider: string;
  /** The table's model id (its name for the matched entry, not necessarily the name asked for). */
  modelId: string;
  model: ModelInfo;
  /** Prices in force at the requested time. */
  prices: TableModelPrice;
}

/**
 * Look `model` up in the price table for `providerId` (or, without one, the provider whose model-name rules
 * match). Returns undefined when the table has no such provider or model.
 */
export function lookupTableEntry(
  model: string,
  providerId: string | undefined,
  at: Date | undefined,
): TableEntry | undefined {
  try {
    const options: { providerId?: string; timestamp?: Date } = {};
    if (providerId !== undefined) options.providerId = providerId;
    if (at !== undefined) options.timestamp = at;
    const result = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, options);
    if (!result) return undefined;
    return {
      provider: result.provider.id,
      modelId: result.model.id,
      model: result.model,
      prices: result.model_price,
    };
  } catch {
    // The table throws on malformed entries or an invalid date; for us that is the same as "not known".
    return undefined;
  }
}

/** Read one price key of a table entry as a flat or tiered price; undefined when absent or malformed. */
export function readTablePrice(prices: TableModelPrice, key: string): TablePrice | undefined {
  const value: unknown = prices[key];
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  const { base, tiers } = value as { base?: unknown; tiers?: unknown };
  if (typeof base !== "number" || !Array.isArray(tiers)) return undefined;
  const parsed: TableTier[] = [];
  for (const tier of tiers as unknown[]) {
    const { start, price } = (tier ?? {}) as { start?: unknown; price?: unknown };
    if (typeof start !== "number" || typeof price !== "number") return undefined;
    parsed.push({ start, price });
  }
  return { base, tiers: parsed };
}

/** The rate of a table price for a call with `inputTokens` input tokens (the table's own tier rule). */
export function computeTableRate(price: TablePrice, inputTokens: number): number {
  if (typeof price === "number") return price;
  let rate = price.base;
  for (const tier of price.tiers) if (inputTokens > tier.start) rate = tier.price;
  return rate;
}

/** The input-token thresholds at which any of `prices` changes rate, ascending and without repeats. */
export function collectTierStarts(prices: ReadonlyArray<TablePrice | undefined>): number[] {
  const starts = new Set<number>();
  for (const price of prices) {
    if (price === undefined || typeof price === "number") continue;
    for (const tier of price.tiers) starts.add(tier.start);
  }
  return [...starts].sort((a, b) => a - b);
}
