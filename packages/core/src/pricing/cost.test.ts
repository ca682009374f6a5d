import { calcPrice } from "@pydantic/genai-prices";
import { describe, expect, it } from "vitest";
import type { ModelPrice, Usage } from "../types.ts";
import { computeCostUsd } from "./cost.ts";
import { resolvePrice } from "./resolve-price.ts";

const usage = (inputTokens: number, outputTokens: number, cachedInputTokens = 0): Usage => ({
  inputTokens,
  outputTokens,
  cachedInputTokens,
});

// gpt-4o-mini in @pydantic/genai-prices 0.1.8: 0.15 input, 0.075 cached input, 0.6 output (USD per 1M tokens).
const GPT_4O_MINI: ModelPrice = {
  inputPerMTok: 0.15,
  outputPerMTok: 0.6,
  cachedInputPerMTok: 0.075,
  source: "t",
};
// A price with no cached-input rate (Together's Llama 3.3 70B Turbo: 0.88 / 0.88).
const NO_CACHE_PRICE: ModelPrice = { inputPerMTok: 0.88, outputPerMTok: 0.88, source: "t" };

describe("computeCostUsd", () => {
  it.each([
    // 6,000 uncached x 0.15 + 4,000 cached x 0.075 + 2,000 x 0.6 = 900 + 300 + 1,200 = 2,400 per 1M -> $0.0024
    ["cached input at the cached rate", usage(10_000, 2_000, 4_000), GPT_4O_MINI, 0.0024],
    // 10,000 x 0.15 + 2,000 x 0.6 = 1,500 + 1,200 = 2,700 per 1M -> $0.0027
    ["no cached tokens", usage(10_000, 2_000), GPT_4O_MINI, 0.0027],
    // 1,000 input (500 cached, billed at the input rate) + 100 output: 1,100 x 0.88 = 968 per 1M -> $0.000968
    [
      "cached input at the input rate when no cached rate is known",
      usage(1_000, 100, 500),
      NO_CACHE_PRICE,
      0.000968,
    ],
    // cached tokens are capped to the input tokens: 100 x 0.075 + 0 = 7.5 per 1M -> $0.0000075
    ["more cached than input tokens", usage(100, 0, 150), GPT_4O_MINI, 0.0000075],
    // 1M input + 1M output at 0.15 + 0.6 -> $0.75
    ["a million tokens each way", usage(1_000_000, 1_000_000), GPT_4O_MINI, 0.75],
    ["no tokens", usage(0, 0), GPT_4O_MINI, 0],
    [
      "a free price",
      usage(5_000, 5_000, 1_000),
      { inputPerMTok: 0, outputPerMTok: 0, source: "self-hosted" },
      0,
    ],
  ])("%s", (_label, u, price, expected) => {
    expect(computeCostUsd(u, price)).toBeCloseTo(expected, 12);
  });

  it("is null when the price is unknown, never 0", () => {
    expect(computeCostUsd(usage(1_000, 100), undefined)).toBeNull();
  });

  it.each([[usage(-1, 100)], [usage(100, Number.NaN)], [usage(100, 100, Number.POSITIVE_INFINITY)]])(
    "is null for usage that is not a count: %j",
    (u) => {
      expect(computeCostUsd(u, GPT_4O_MINI)).toBeNull();
    },
  );

  it.each([
    // gpt-5.4: 2.5 / 15 up to 271,999 input tokens; 5 / 22.5 for the whole call above (genai-prices 0.1.8).
    // 271,999 x 2.5 + 1,000 x 15 = 694,997.5 per 1M -> $0.6949975
    [usage(271_999, 1_000), 0.6949975],
    // 272,000 x 5 + 1,000 x 22.5 = 1,382,500 per 1M -> $1.3825
    [usage(272_000, 1_000), 1.3825],
    // 300,000 (100,000 cached at 0.5) : 200,000 x 5 + 100,000 x 0.5 + 2,000 x 22.5 = 1,095,000 per 1M -> $1.095
    [usage(300_000, 2_000, 100_000), 1.095],
  ])("applies long-context tiers: %j", (u, expected) => {
    const price = resolvePrice("gpt-5.4", { baseURL: "https://api.openai.com/v1" });
    expect(computeCostUsd(u, price)).toBeCloseTo(expected, 12);
  });

  it.each([
    ["gpt-4o-mini", "openai", usage(10_000, 2_000, 4_000)],
    ["gpt-4.1-mini", "openai", usage(123_456, 7_890, 100_000)],
    ["gpt-5-mini", "openai", usage(50_000, 20_000, 0)],
    ["gpt-5.4", "openai", usage(300_000, 2_000, 100_000)],
    ["ft:gpt-4o-mini-2024-07-18:acme::x", "openai", usage(10_000, 2_000, 4_000)],
    ["meta-llama/Llama-3.3-70B-Instruct-Turbo", "together", usage(3_000, 500, 0)],
    ["accounts/fireworks/models/gpt-oss-120b", "fireworks", usage(3_000, 500, 1_000)],
  ])("agrees with genai-prices' own calcPrice for %s", (model, providerId, u) => {
    const price = resolvePrice(model, { provider: providerId });
    const expected = calcPrice(
      { input_tokens: u.inputTokens, cache_read_tokens: u.cachedInputTokens, output_tokens: u.outputTokens },
      model,
      { providerId },
    );
    expect(expected).not.toBeNull();
    expect(computeCostUsd(u, price)).toBeCloseTo(expected?.total_price ?? Number.NaN, 12);
  });
});
