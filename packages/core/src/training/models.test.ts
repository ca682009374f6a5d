import { describe, expect, it } from "vitest";
import {
  computeEpochEstimate,
  computeOpenAIDefaultEpochs,
  lookupTrainingModel,
  parseParameterCount,
  resolveTrainingPrice,
} from "./models.ts";

describe("computeOpenAIDefaultEpochs (n_epochs auto)", () => {
  it.each([
    [1, 25],
    [4, 25],
    [5, 20],
    [10, 10],
    [33, 3],
    [34, 3],
    [100, 3],
    [8333, 3],
    [8334, 2],
    [12_500, 2],
    [12_501, 1],
    [1_000_000, 1],
  ])("%i examples → %i epochs", (examples, epochs) => {
    expect(computeOpenAIDefaultEpochs(examples)).toBe(epochs);
  });
});

describe("computeEpochEstimate", () => {
  it("prefers the configured value", () => {
    expect(computeEpochEstimate(5, { epochs: 4, baseModel: "gpt-4o-mini" })).toEqual({
      value: 4,
      source: "config",
      rule: "as configured",
    });
  });
  it("applies OpenAI's rule to OpenAI models, Together's default at Together, else assumes 3", () => {
    expect(computeEpochEstimate(20, { baseModel: "gpt-4o-mini" })).toMatchObject({
      value: 5,
      source: "provider-default",
    });
    expect(
      computeEpochEstimate(20, { baseModel: "meta-llama/Llama-3.1-8B-Instruct", provider: "together" }),
    ).toMatchObject({
      value: 1,
      source: "provider-default",
    });
    expect(computeEpochEstimate(20, { baseModel: "Qwen/Qwen2.5-7B-Instruct" })).toMatchObject({
      value: 3,
      source: "assumed",
    });
  });
});

describe("lookupTrainingModel", () => {
  it("knows OpenAI's fine-tunable models, their limits and tokenizers", () => {
    expect(lookupTrainingModel("gpt-4.1-mini")).toMatchObject({
      model: "gpt-4.1-mini-2025-04-14",
      family: "openai",
      encoding: "o200k_base",
      exactTokens: true,
      contextLimit: 65_536,
    });
    expect(lookupTrainingModel("gpt-4.1-nano-2025-04-14").contextLimit).toBe(32_768);
    expect(lookupTrainingModel("gpt-3.5-turbo")).toMatchObject({
      encoding: "cl100k_base",
      contextLimit: 16_385,
    });
  });
  it("resolves a fine-tuned model id to its base", () => {
    expect(lookupTrainingModel("ft:gpt-4o-mini-2024-07-18:acme:support:abc123")).toMatchObject({
      model: "gpt-4o-mini-2024-07-18",
      contextLimit: 65_536,
    });
  });
  it("counts open-weight models with cl100k_base, approximately", () => {
    expect(lookupTrainingModel("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference")).toMatchObject({
      family: "open-weight",
      encoding: "cl100k_base",
      exactTokens: false,
      contextLimit: 131_072,
      parametersB: 8,
    });
    expect(lookupTrainingModel("Qwen/Qwen2.5-7B-Instruct")).toEqual({
      model: "Qwen/Qwen2.5-7B-Instruct",
      family: "open-weight",
      encoding: "cl100k_base",
      exactTokens: false,
      parametersB: 7,
    });
  });
  it("keeps a provider-specific limit to that provider", () => {
    expect(lookupTrainingModel("openai/gpt-oss-20b", "together").contextLimit).toBe(16_384);
    expect(lookupTrainingModel("openai/gpt-oss-20b", "fireworks").contextLimit).toBeUndefined();
  });
});

describe("parseParameterCount", () => {
  it.each([
    ["meta-llama/Llama-3.1-8B-Instruct", 8],
    ["accounts/fireworks/models/llama-v3p1-70b-instruct", 70],
    ["Qwen/Qwen2.5-0.5B-Instruct", 0.5],
    ["mistralai/Mixtral-8x7B-Instruct-v0.1", undefined],
    ["gpt-4.1-mini", undefined],
  ])("%s → %s", (model, expected) => {
    expect(parseParameterCount(model)).toBe(expected);
  });
});

describe("resolveTrainingPrice", () => {
  it("prices OpenAI models from OpenAI's page", () => {
    expect(resolveTrainingPrice("gpt-4o-mini-2024-07-18", undefined)).toMatchObject({ perMTok: 3 });
    expect(resolveTrainingPrice("gpt-4.1", "openai")).toMatchObject({ perMTok: 25 });
    expect(resolveTrainingPrice("gpt-4.1-nano", "openai")).toMatchObject({ perMTok: 1.5 });
  });
  it("prices Fireworks by size", () => {
    expect(
      resolveTrainingPrice("accounts/fireworks/models/llama-v3p1-8b-instruct", "fireworks"),
    ).toMatchObject({ perMTok: 0.5 });
    expect(
      resolveTrainingPrice("accounts/fireworks/models/llama-v3p1-70b-instruct", "fireworks"),
    ).toMatchObject({ perMTok: 3 });
    expect(resolveTrainingPrice("mistralai/Mixtral-8x7B-Instruct-v0.1", "fireworks")).toMatchObject({
      perMTok: 2,
    });
  });
  it("says why there is no price", () => {
    expect(resolveTrainingPrice("meta-llama/Llama-3.1-8B-Instruct", "together")).toMatchObject({
      perMTok: null,
      reason: expect.stringMatching(/together\.ai\/pricing/),
    });
    expect(resolveTrainingPrice("gpt-4o-mini", "azure").reason).toMatch(/Azure/);
    expect(resolveTrainingPrice("Qwen/Qwen2.5-7B-Instruct", undefined).reason).toMatch(
      /set fineTune\.trainingPricePerMTok/,
    );
  });
});
