import type { ModelPrice, Usage } from "../types.ts";
import type { PriceTier } from "./resolve-price.ts";

const TOKENS_PER_MTOK = 1_000_000;

function isTokenCount(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

/**
 * USD cost of one call; null when the price is unknown (never silently 0). Cached input tokens billed at
 * cachedInputPerMTok when known, else at the input price.
 *
 * `usage.inputTokens` counts all input tokens, cached ones included (as OpenAI's `prompt_tokens` does), so
 * `inputTokens - cachedInputTokens` are billed at the input price; cached tokens beyond the input count are
 * capped to it. When the price carries long-context `tiers` (see `resolvePrice`), the last tier whose threshold
 * the call's input tokens exceed sets every rate for the call. Also null for usage that is not a count
 * (negative, NaN or infinite).
 */
export function computeCostUsd(usage: Usage, price: ModelPrice | undefined): number | null {
  if (!price) return null;
  const { inputTokens, outputTokens } = usage;
  const cachedTokens = usage.cachedInputTokens ?? 0;
  if (!isTokenCount(inputTokens) || !isTokenCount(outputTokens) || !isTokenCount(cachedTokens)) return null;

  let rates: Pick<ModelPrice, "inputPerMTok" | "outputPerMTok" | "cachedInputPerMTok"> = price;
  const tiers = (price as { tiers?: readonly PriceTier[] }).tiers;
  if (Array.isArray(tiers)) {
    let threshold = Number.NEGATIVE_INFINITY;
    for (const tier of tiers) {
      if (inputTokens > tier.aboveInputTokens && tier.aboveInputTokens > threshold) {
        rates = tier;
        threshold = tier.aboveInputTokens;
      }
    }
  }

  const cached = Math.min(cachedTokens, inputTokens);
  const uncached = inputTokens - cached;
  const cachedRate = rates.cachedInputPerMTok ?? rates.inputPerMTok;
  return (
    (uncached * rates.inputPerMTok + cached * cachedRate + outputTokens * rates.outputPerMTok) /
    TOKENS_PER_MTOK
  );
}
