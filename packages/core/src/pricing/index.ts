/**
 * Pricing, cost and model lifecycle: prices per token from `@pydantic/genai-prices` (its bundled data only,
 * offline) under config overrides, the cost of a call, and announced model shutdowns.
 */
export { applyBatchDiscount, BATCH_PRICE_FACTOR, BATCH_PRICE_NOTE } from "./batch.ts";
export { computeCostUsd } from "./cost.ts";
export { type FineTunedModelId, parseFineTunedModelId } from "./fine-tuned.ts";
export { computeDaysLeft, type LookupLifecycleOptions, lookupLifecycle } from "./lifecycle.ts";
export { findModelPatternMatch, type ModelPatternMatch, matchesModelGlob } from "./model-pattern.ts";
export {
  type AnnouncedShutdown,
  OPENAI_ANNOUNCED_SHUTDOWNS,
  OPENAI_FINE_TUNING_JOBS_END_DATE,
} from "./openai-shutdowns.ts";
export {
  type LifecycleOverrides,
  type PriceOverride,
  type PricingConfig,
  priceOverrideSchema,
  pricingConfigSchema,
} from "./price-config.ts";
export { inferProviderFromBaseURL, SELF_HOSTED_PROVIDER } from "./provider.ts";
export {
  type PriceTier,
  type ResolvedModelPrice,
  type ResolvePriceOptions,
  resolvePrice,
} from "./resolve-price.ts";
