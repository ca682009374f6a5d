import { describe, expect, it } from "vitest";
import { computeCostUsd } from "./cost.ts";
import { resolvePrice } from "./resolve-price.ts";

const OPENAI = "https://api.openai.com/v1";
const TOGETHER = "https://api.together.xyz/v1";
const FIREWORKS = "https://api.fireworks.ai/inference/v1";

// Expected prices are the bundled data of @pydantic/genai-prices 0.1.8 (USD per 1M tokens), read from
// node_modules/@pydantic/genai-prices/dist/index.js: the provider's `models[]` entry named in each row.
describe("resolvePrice from the price table", () => {
  it.each([
    // openai "gpt-4.1-mini": input_mtok 0.4, cache_read_mtok 0.1, output_mtok 1.6
    ["gpt-4.1-mini", OPENAI, 0.4, 1.6, 0.1, "genai-prices (openai/gpt-4.1-mini)"],
    ["gpt-4.1-mini-2025-04-14", OPENAI, 0.4, 1.6, 0.1, "genai-prices (openai/gpt-4.1-mini)"],
    // openai "gpt-4o-mini": input_mtok 0.15, cache_read_mtok 0.075, output_mtok 0.6
    ["gpt-4o-mini", OPENAI, 0.15, 0.6, 0.075, "genai-prices (openai/gpt-4o-mini)"],
    ["gpt-4o-mini-2024-07-18", OPENAI, 0.15, 0.6, 0.075, "genai-prices (openai/gpt-4o-mini)"],
    // openai "gpt-5-mini": input_mtok 0.25, cache_read_mtok 0.025, output_mtok 2
    ["gpt-5-mini", OPENAI, 0.25, 2, 0.025, "genai-prices (openai/gpt-5-mini)"],
    // openai "gpt-5.4-mini": input_mtok 0.75, cache_read_mtok 0.075, output_mtok 4.5
    ["gpt-5.4-mini", OPENAI, 0.75, 4.5, 0.075, "genai-prices (openai/gpt-5.4-mini)"],
    // together "meta-llama/Llama-3.3-70B-Instruct-Turbo": input_mtok 0.88, output_mtok 0.88 (no cache price)
    [
      "meta-llama/Llama-3.3-70B-Instruct-Turbo",
      TOGETHER,
      0.88,
      0.88,
      undefined,
      "genai-prices (together/meta-llama/Llama-3.3-70B-Instruct-Turbo)",
    ],
    // together "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo": input_mtok 0.18, output_mtok 0.18
    [
      "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
      TOGETHER,
      0.18,
      0.18,
      undefined,
      "genai-prices (together/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo)",
    ],
    // fireworks "gpt-oss-120b" (accounts/fireworks/models/gpt-oss-120b): 0.15 / cache 0.014 / 0.6
    [
      "accounts/fireworks/models/gpt-oss-120b",
      FIREWORKS,
      0.15,
      0.6,
      0.014,
      "genai-prices (fireworks/gpt-oss-120b)",
    ],
    // fireworks "llama-v3p1-8b-instruct": input_mtok 0.2, output_mtok 0.2
    [
      "accounts/fireworks/models/llama-v3p1-8b-instruct",
      FIREWORKS,
      0.2,
      0.2,
      undefined,
      "genai-prices (fireworks/llama-v3p1-8b-instruct)",
    ],
    // openrouter "openai/gpt-4o-mini": 0.15 / cache 0.075 / 0.6
    [
      "openai/gpt-4o-mini",
      "https://openrouter.ai/api/v1",
      0.15,
      0.6,
      0.075,
      "genai-prices (openrouter/openai/gpt-4o-mini)",
    ],
    // azure "gpt-4o-mini": 0.15 / cache 0.075 / 0.6
    [
      "gpt-4o-mini",
      "https://acme.openai.azure.com/openai/v1",
      0.15,
      0.6,
      0.075,
      "genai-prices (azure/gpt-4o-mini)",
    ],
    // groq "llama-3.3-70b-versatile": input_mtok 0.59, output_mtok 0.79
    [
      "llama-3.3-70b-versatile",
      "https://api.groq.com/openai/v1",
      0.59,
      0.79,
      undefined,
      "genai-prices (groq/llama-3.3-70b-versatile)",
    ],
  ])("%s at %s", (model, baseURL, input, output, cached, source) => {
    const price = resolvePrice(model, { baseURL });
    expect(price).toBeDefined();
    expect(price?.inputPerMTok).toBe(input);
    expect(price?.outputPerMTok).toBe(output);
    expect(price?.cachedInputPerMTok).toBe(cached);
    expect(price?.source).toBe(source);
    expect(price?.tiers).toBeUndefined();
  });

  it("guesses the provider from the model name when no endpoint is given, and says so", () => {
    expect(resolvePrice("gpt-4o-mini", {})).toMatchObject({
      inputPerMTok: 0.15,
      outputPerMTok: 0.6,
      cachedInputPerMTok: 0.075,
      source: "genai-prices (openai/gpt-4o-mini; provider guessed from the model name)",
    });
  });

  it("uses an explicit provider for an endpoint the table does not know", () => {
    const gateway = "https://llm-gateway.acme.com/v1";
    expect(resolvePrice("gpt-4o-mini", { baseURL: gateway })).toBeUndefined();
    expect(resolvePrice("gpt-4o-mini", { baseURL: gateway, provider: "openai" })).toMatchObject({
      inputPerMTok: 0.15,
      outputPerMTok: 0.6,
      source: "genai-prices (openai/gpt-4o-mini)",
    });
  });

  it("reads long-context tiers (openai gpt-5.4: 2.5/0.25/15 base, 5/0.5/22.5 above 271,999 input tokens)", () => {
    expect(resolvePrice("gpt-5.4", { baseURL: OPENAI })).toStrictEqual({
      inputPerMTok: 2.5,
      outputPerMTok: 15,
      cachedInputPerMTok: 0.25,
      source: "genai-prices (openai/gpt-5.4)",
      provider: "openai",
      tableModel: "gpt-5.4",
      tiers: [{ aboveInputTokens: 271_999, inputPerMTok: 5, outputPerMTok: 22.5, cachedInputPerMTok: 0.5 }],
    });
  });

  it.each([
    // openai "o3": 10/40 until 2025-06-10, then 2/8 (a start_date constraint in the table)
    [new Date("2025-06-09T23:59:59Z"), 10, 40],
    [new Date("2025-06-10T00:00:00Z"), 2, 8],
  ])("prices o3 as of %s", (at, input, output) => {
    expect(resolvePrice("o3", { baseURL: OPENAI, at })).toMatchObject({
      inputPerMTok: input,
      outputPerMTok: output,
    });
  });
});

describe("resolvePrice for OpenAI fine-tuned ids", () => {
  it.each([
    // openai "ft:gpt-4o-mini" (starts_with ft:gpt-4o-mini-2024-): input_mtok 0.3, output_mtok 1.2
    [
      "ft:gpt-4o-mini-2024-07-18:acme::abc123",
      OPENAI,
      0.3,
      1.2,
      undefined,
      "genai-prices (openai/ft:gpt-4o-mini)",
    ],
    [
      "ft:gpt-4o-mini-2024-07-18:acme:support:abc123",
      undefined,
      0.3,
      1.2,
      undefined,
      "genai-prices (openai/ft:gpt-4o-mini)",
    ],
    // openai "ft:gpt-4o" (starts_with ft:gpt-4o-2024-): input_mtok 3.75, output_mtok 15
    ["ft:gpt-4o-2024-08-06:acme::abc123", OPENAI, 3.75, 15, undefined, "genai-prices (openai/ft:gpt-4o)"],
    // No fine-tuned gpt-4.1 prices in the table: the base model's ("gpt-4.1-mini": 0.4 / cache 0.1 / 1.6).
    [
      "ft:gpt-4.1-mini-2025-04-14:acme:support:abc123",
      OPENAI,
      0.4,
      1.6,
      0.1,
      "genai-prices (openai/gpt-4.1-mini; base-model price for a fine-tune, which may cost more)",
    ],
    // "gpt-4.1": 2 / cache 0.5 / 8
    [
      "ft:gpt-4.1-2025-04-14:acme::abc123",
      "https://llm-gateway.acme.com/v1",
      2,
      8,
      0.5,
      "genai-prices (openai/gpt-4.1; base-model price for a fine-tune, which may cost more)",
    ],
  ])("%s at %s", (model, baseURL, input, output, cached, source) => {
    const price = resolvePrice(model, baseURL === undefined ? {} : { baseURL });
    expect(price?.inputPerMTok).toBe(input);
    expect(price?.outputPerMTok).toBe(output);
    expect(price?.cachedInputPerMTok).toBe(cached);
    expect(price?.source).toBe(source);
  });
});

describe("resolvePrice with config overrides", () => {
  const overrides = {
    "gpt-4o-mini": { input: 1, output: 2 },
    "gpt-4o*": { input: 7, output: 8, cachedInput: 3.5 },
    "acme/*": { input: 0.5, output: 0.5 },
    "acme/llama-*": { input: 0.3, output: 0.4, cachedInput: 0.1 },
    "local-model": { input: 0.01, output: 0.02 },
  };

  it.each([
    ["gpt-4o-mini", OPENAI, { inputPerMTok: 1, outputPerMTok: 2, source: "config" }],
    ["GPT-4O-MINI", OPENAI, { inputPerMTok: 1, outputPerMTok: 2, source: "config" }],
    [
      "gpt-4o",
      OPENAI,
      { inputPerMTok: 7, outputPerMTok: 8, cachedInputPerMTok: 3.5, source: "config (gpt-4o*)" },
    ],
    ["acme/qwen-lora", TOGETHER, { inputPerMTok: 0.5, outputPerMTok: 0.5, source: "config (acme/*)" }],
    [
      "acme/llama-3.1-8b-support-lora",
      TOGETHER,
      { inputPerMTok: 0.3, outputPerMTok: 0.4, cachedInputPerMTok: 0.1, source: "config (acme/llama-*)" },
    ],
    [
      "local-model",
      "http://localhost:8000/v1",
      { inputPerMTok: 0.01, outputPerMTok: 0.02, source: "config" },
    ],
  ])("%s at %s", (model, baseURL, expected) => {
    expect(resolvePrice(model, { baseURL, overrides })).toStrictEqual(expected);
  });

  it("falls through to the table when no override matches", () => {
    expect(resolvePrice("gpt-4.1-mini", { baseURL: OPENAI, overrides })?.source).toBe(
      "genai-prices (openai/gpt-4.1-mini)",
    );
  });
});

describe("resolvePrice for unknown and self-hosted models", () => {
  it.each([
    ["no-such-model-xyz", OPENAI],
    ["acme/llama-3.1-8b-support-lora", TOGETHER],
    ["accounts/acme/models/support-ft", FIREWORKS],
    ["gpt-4o-mini", "https://llm-gateway.acme.com/v1"],
    ["my-model", undefined],
  ])("%s at %s is unknown, and so is its cost", (model, baseURL) => {
    const price = resolvePrice(model, baseURL === undefined ? {} : { baseURL });
    expect(price).toBeUndefined();
    expect(computeCostUsd({ inputTokens: 1000, outputTokens: 100, cachedInputTokens: 0 }, price)).toBeNull();
  });

  it.each([
    ["llama3.1:8b", "http://localhost:11434/v1"],
    ["meta-llama/Llama-3.1-8B-Instruct", "http://127.0.0.1:8000/v1"],
    ["qwen2.5:7b", "http://ollama:11434/v1"],
  ])("%s at %s costs nothing per token", (model, baseURL) => {
    const price = resolvePrice(model, { baseURL });
    expect(price).toStrictEqual({ inputPerMTok: 0, outputPerMTok: 0, source: "self-hosted" });
    expect(computeCostUsd({ inputTokens: 1000, outputTokens: 100, cachedInputTokens: 0 }, price)).toBe(0);
  });
});
