import { z } from "zod";

const usdPerMTok = z.number().min(0, { message: "must be a price in USD per 1M tokens, 0 or more" });

/**
 * One config `pricing:` entry: USD per 1M tokens for a model name (or a glob such as `acme/*`). Unknown keys are
 * rejected so that a typo such as `cached_input` is reported instead of silently ignored.
 */
export const priceOverrideSchema = z
  .strictObject({
    input: usdPerMTok.describe("USD per 1M input tokens"),
    output: usdPerMTok.describe("USD per 1M output tokens"),
    cachedInput: usdPerMTok
      .optional()
      .describe("USD per 1M cached input tokens (defaults to the input price when absent)"),
  })
  .describe("Prices in USD per 1M tokens");

/** Config `pricing:` overrides: model name (or glob like "acme/*") -> USD per 1M tokens. */
export const pricingConfigSchema = z
  .record(z.string().min(1, { message: "model name must not be empty" }), priceOverrideSchema)
  .describe("Prices in USD per 1M tokens by model name or glob (`*` matches any characters)");

/** One `pricing:` entry after validation. */
export type PriceOverride = z.infer<typeof priceOverrideSchema>;

/** The config `pricing:` map after validation: model name or glob -> prices. */
export type PricingConfig = z.infer<typeof pricingConfigSchema>;

/** Config lifecycle facts by model name or glob (the `models:` map): an announced shutdown date and a note. */
export type LifecycleOverrides = Readonly<Record<string, { shutdownDate?: string; note?: string }>>;
