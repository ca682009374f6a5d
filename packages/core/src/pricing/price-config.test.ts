import { describe, expect, it } from "vitest";
import { pricingConfigSchema } from "./price-config.ts";

describe("pricingConfigSchema", () => {
  it.each([
    [{}],
    [{ "gpt-4o-mini": { input: 0.15, output: 0.6 } }],
    [{ "acme/*": { input: 0, output: 0, cachedInput: 0 } }],
    [{ "ft:gpt-4.1-mini-2025-04-14:acme::x": { input: 0.8, output: 3.2, cachedInput: 0.2 } }],
  ])("accepts %j", (config) => {
    expect(pricingConfigSchema.parse(config)).toStrictEqual(config);
  });

  it.each([
    ["a negative price", { m: { input: -1, output: 1 } }, "m.input"],
    ["a missing output price", { m: { input: 1 } }, "m.output"],
    ["a string price", { m: { input: "1", output: 1 } }, "m.input"],
    ["an infinite price", { m: { input: Number.POSITIVE_INFINITY, output: 1 } }, "m.input"],
    ["an unknown key", { m: { input: 1, output: 1, cached_input: 0.5 } }, "m"],
    ["an empty model name", { "": { input: 1, output: 1 } }, ""],
    ["a number instead of prices", { m: 1 }, "m"],
  ])("rejects %s", (_label, config, path) => {
    const result = pricingConfigSchema.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain(path);
  });
});
