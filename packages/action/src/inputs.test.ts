import { describe, expect, it } from "vitest";
import { InputError, parseInputs } from "./inputs.ts";

const read = (values: Record<string, string>) => (name: string) => values[name] ?? "";

describe("parseInputs", () => {
  it("applies action.yml's defaults to unset inputs", () => {
    const inputs = parseInputs(read({ "github-token": "t", "api-key": "k" }));
    expect(inputs).toMatchObject({
      config: "promptfirst.yaml",
      comment: "always",
      failOn: "any",
      forceRun: false,
      cacheDir: ".promptfirst/cache",
      reportDir: ".promptfirst/report",
    });
    // Unset thresholds stay unset, so the base config's gates: (else promptfirst's defaults) apply.
    for (const key of ["minScore", "maxScoreDrop", "maxCostIncrease", "confidence", "promptFirst"] as const) {
      expect(inputs[key]).toBeUndefined();
    }
    expect(inputs.baseURL).toBeUndefined();
    expect(inputs.replay).toBeUndefined();
  });

  it("reads every input given", () => {
    const inputs = parseInputs(
      read({
        "base-url": "https://api.together.xyz/v1",
        "min-score": "0.8",
        "max-monthly-cost": "250",
        "fail-on": "prompt-first",
        "force-run": "TRUE",
        confidence: "0.99",
        "max-score-drop": "5%",
        replay: "recordings/support.json",
      }),
    );
    expect(inputs).toMatchObject({
      baseURL: "https://api.together.xyz/v1",
      minScore: 0.8,
      maxMonthlyCost: 250,
      failOn: "prompt-first",
      forceRun: true,
      confidence: 0.99,
      maxScoreDrop: 0.05,
      replay: "recordings/support.json",
    });
  });

  it.each([
    ["fail-on", "sometimes", "any, quality, cost, errors, prompt-first, never"],
    ["comment", "loud", "always, on-change, on-failure, never"],
    ["prompt-first", "strict", "enforce, warn, off"],
    ["confidence", "1", "a number between 0.5 and 1 (exclusive), such as 0.95"],
    ["max-score-drop", "two", "a number from 0 to 1"],
    ["max-cost-increase", "-5", "a percentage of 0 or more, such as 20"],
    ["force-run", "yes", "true or false"],
    ["base-url", "api.openai.com", "an http(s) URL such as https://api.openai.com/v1"],
  ])("rejects %s=%j naming the input, the value and what is allowed", (name, value, allowed) => {
    expect(() => parseInputs(read({ [name]: value }))).toThrow(
      `input "${name}": got ${JSON.stringify(value)}; allowed: ${allowed}`,
    );
  });

  it("reports every invalid input at once", () => {
    try {
      parseInputs(read({ "fail-on": "x", comment: "y" }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).problems.map((p) => p.input)).toEqual(["comment", "fail-on"]);
    }
  });
});
