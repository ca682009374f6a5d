import { describe, expect, it } from "vitest";
import { findModelPatternMatch, matchesModelGlob } from "./model-pattern.ts";

describe("matchesModelGlob", () => {
  it.each([
    ["acme/*", "acme/llama-3.1-8b-lora", true],
    ["acme/*", "ACME/Llama", true],
    ["acme/*", "other/acme/x", false],
    ["accounts/acme/*", "accounts/acme/models/support-v2", true],
    ["ft:gpt-4o-mini-*:acme:*", "ft:gpt-4o-mini-2024-07-18:acme::abc", true],
    ["gpt-4.1-mini", "gpt-4x1-mini", false],
    ["llama-3.?-8b", "llama-3.1-8b", true],
    ["llama-3.?-8b", "llama-3.10-8b", false],
  ])("%s ~ %s -> %s", (pattern, model, expected) => {
    expect(matchesModelGlob(pattern, model)).toBe(expected);
  });
});

describe("findModelPatternMatch", () => {
  const entries = { "*": 1, "acme/*": 2, "acme/llama-*": 3, "acme/llama-3": 4 };

  it.each([
    ["acme/llama-3", { pattern: "acme/llama-3", value: 4, exact: true }],
    ["ACME/LLAMA-3", { pattern: "acme/llama-3", value: 4, exact: true }],
    ["acme/llama-4", { pattern: "acme/llama-*", value: 3, exact: false }],
    ["acme/qwen", { pattern: "acme/*", value: 2, exact: false }],
    ["gpt-4o", { pattern: "*", value: 1, exact: false }],
  ])("%s", (model, expected) => {
    expect(findModelPatternMatch(model, entries)).toStrictEqual(expected);
  });

  it("finds nothing without entries", () => {
    expect(findModelPatternMatch("gpt-4o", undefined)).toBeUndefined();
    expect(findModelPatternMatch("gpt-4o", { "gpt-4o-mini": 1 })).toBeUndefined();
  });
});
