import { describe, expect, it } from "vitest";
import { parseFineTunedModelId } from "./fine-tuned.ts";

describe("parseFineTunedModelId", () => {
  it.each([
    [
      "ft:gpt-4o-mini-2024-07-18:acme:support:abc123",
      { base: "gpt-4o-mini-2024-07-18", org: "acme", suffix: "support", id: "abc123" },
    ],
    ["ft:gpt-4o-mini-2024-07-18:acme::x", { base: "gpt-4o-mini-2024-07-18", org: "acme", id: "x" }],
    ["ft:gpt-4.1-2025-04-14:personal::BcDe12", { base: "gpt-4.1-2025-04-14", org: "personal", id: "BcDe12" }],
    [
      "ft:gpt-4o-mini-2024-07-18:acme:support:abc123:ckpt-step-88",
      {
        base: "gpt-4o-mini-2024-07-18",
        org: "acme",
        suffix: "support",
        id: "abc123",
        checkpoint: "ckpt-step-88",
      },
    ],
    ["ft:gpt-3.5-turbo", { base: "gpt-3.5-turbo" }],
  ])("%s", (model, expected) => {
    expect(parseFineTunedModelId(model)).toStrictEqual(expected);
  });

  it.each([
    "gpt-4o-mini",
    "gpt-4o-mini-2024-07-18.ft-abc123",
    "acme/Llama-3.1-8B-support-lora",
    "ft:",
    "ft::acme::x",
    "curie:ft-acme-2023-01-01",
    "",
  ])("%j is not a fine-tuned id", (model) => {
    expect(parseFineTunedModelId(model)).toBeUndefined();
  });
});
