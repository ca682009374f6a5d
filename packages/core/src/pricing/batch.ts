import type { ResolvedModelPrice } from "./resolve-price.ts";

/**
 * What a request answered through a Batch API costs, as a fraction of the normal per-token price: OpenAI bills
 * batch input and output tokens at 50% (so do Azure OpenAI's global batch deployments and Together's batch API).
 */
export const BATCH_PRICE_FACTOR = 0.5;

/** Marks a price's `source` as discounted for the Batch API. */
export const BATCH_PRICE_NOTE = "Batch API: 50% off";

/**
 * `price` as billed for a call answered through a Batch API: every per-token rate (input, cached input, output,
 * and those of long-context tiers) times `BATCH_PRICE_FACTOR`, with `source` saying so.
 */
export function applyBatchDiscount(price: ResolvedModelPrice): ResolvedModelPrice {
  const discounted: ResolvedModelPrice = {
    ...price,
    inputPerMTok: price.inputPerMTok * BATCH_PRICE_FACTOR,
    outputPerMTok: price.outputPerMTok * BATCH_PRICE_FACTOR,
    source: `${price.source}, ${BATCH_PRICE_NOTE}`,
  };
  if (price.cachedInputPerMTok !== undefined) {
    discounted.cachedInputPerMTok = price.cachedInputPerMTok * BATCH_PRICE_FACTOR;
  }
  if (price.tiers) {
    discounted.tiers = price.tiers.map((tier) => {
      const out = {
        ...tier,
        inputPerMTok: tier.inputPerMTok * BATCH_PRICE_FACTOR,
        outputPerMTok: tier.outputPerMTok * BATCH_PRICE_FACTOR,
      };
      if (tier.cachedInputPerMTok !== undefined)
        out.cachedInputPerMTok = tier.cachedInputPerMTok * BATCH_PRICE_FACTOR;
      return out;
    });
  }
  return discounted;
}
