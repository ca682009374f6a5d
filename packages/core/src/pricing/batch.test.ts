import { describe, expect, it } from "vitest";
import { applyBatchDiscount, BATCH_PRICE_FACTOR } from "./batch.ts";
import { computeCostUsd } from "./cost.ts";
import { resolvePrice } from "./resolve-price.ts";

const OPENAI = "https://api.openai.com/v1";

describe("Batch API pricing", () => {
  it("halves every table rate and says so in the source (openai gpt-4o-mini: 0.15/0.075/0.6)", () => {
    const price = resolvePrice("gpt-4o-mini", { baseURL: OPENAI, batch: true });
    expect(price).toMatchObject({
      inputPerMTok: 0.075,
      cachedInputPerMTok: 0.0375,
      outputPerMTok: 0.3,
      source: "genai-prices (openai/gpt-4o-mini), Batch API: 50% off",
    });
  });

  it("bills a call answered via batch at half the normal cost", () => {
    const usage = { inputTokens: 1_200, outputTokens: 300, cachedInputTokens: 200 };
    const normal = computeCostUsd(usage, resolvePrice("gpt-4.1-mini", { baseURL: OPENAI }));
    const batch = computeCostUsd(usage, resolvePrice("gpt-4.1-mini", { baseURL: OPENAI, batch: true }));
    expect(normal).not.toBeNull();
    expect(batch).toBeCloseTo(normal! * BATCH_PRICE_FACTOR, 12);
  });

  it("discounts a config override too, since it states the normal price", () => {
    const price = resolvePrice("acme-model", {
      baseURL: OPENAI,
      overrides: { "acme-*": { input: 2, output: 8, cachedInput: 1 } },
      batch: true,
    });
    expect(price).toEqual({
      inputPerMTok: 1,
      outputPerMTok: 4,
      cachedInputPerMTok: 0.5,
      source: "config (acme-*), Batch API: 50% off",
    });
  });

  it("halves long-context tiers (openai gpt-5.4 above 271,999 input tokens: 5/0.5/22.5)", () => {
    const normal = resolvePrice("gpt-5.4", { baseURL: OPENAI });
    const batch = resolvePrice("gpt-5.4", { baseURL: OPENAI, batch: true });
    expect(normal?.tiers?.length).toBeGreaterThan(0);
    expect(batch?.tiers).toEqual(
      normal?.tiers?.map((tier) => ({
        ...tier,
        inputPerMTok: tier.inputPerMTok / 2,
        outputPerMTok: tier.outputPerMTok / 2,
        ...(tier.cachedInputPerMTok === undefined ? {} : { cachedInputPerMTok: tier.cachedInputPerMTok / 2 }),
      })),
    );
    const long = { inputTokens: 300_000, outputTokens: 1_000, cachedInputTokens: 0 };
    expect(computeCostUsd(long, batch)).toBeCloseTo(computeCostUsd(long, normal)! / 2, 12);
  });

  it("leaves unknown and self-hosted prices as they are", () => {
    expect(resolvePrice("mystery", { baseURL: "https://llm.example.com/v1", batch: true })).toBeUndefined();
    expect(resolvePrice("llama3", { baseURL: "http://localhost:11434/v1", batch: true })).toEqual({
      inputPerMTok: 0,
      outputPerMTok: 0,
      source: "self-hosted",
    });
  });

  it("does not change the price it is given", () => {
    const price = { inputPerMTok: 2, outputPerMTok: 4, source: "config" };
    applyBatchDiscount(price);
    expect(price).toEqual({ inputPerMTok: 2, outputPerMTok: 4, source: "config" });
  });
});
