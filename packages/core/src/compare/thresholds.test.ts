import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/parse.ts";
import { buildRunResult } from "./builders.ts";
import { compareRuns } from "./compare-runs.ts";
import { readGatesThresholds } from "./gates-config.ts";
import { DEFAULT_GATE_THRESHOLDS, resolveThresholds } from "./thresholds.ts";

/** A valid config with this `gates:` block (YAML lines, indented by two). */
function configWithGates(lines: string[]): string {
  return [
    "gates:",
    ...lines.map((line) => `  ${line}`),
    "suites:",
    "  qa:",
    "    cases: evals/qa.jsonl",
    '    scorers: [{ contains: "{{expected}}" }]',
    "    candidates:",
    "      p1: { model: test-model, prompt: prompts/p1.md }",
  ].join("\n");
}

/** Base and head of one case run three times: it passes 2 of 3 samples on head; head's price is unknown. */
function flakyRuns() {
  const samples = (...scores: number[]) => scores.map((score) => ({ score }));
  const side = (scores: number[], costPerCallUsd: number | null) =>
    buildRunResult({
      suites: [
        {
          name: "qa",
          repeat: 3,
          candidates: [{ name: "p1", costPerCallUsd, cases: [{ id: "a", samples: samples(...scores) }] }],
        },
      ],
    });
  return { base: side([1, 1, 1], 0.001), head: side([1, 0, 1], null) };
}

describe("readGatesThresholds", () => {
  it("turns every key of a config's gates: block into the threshold of the same name", () => {
    const { config } = parseConfig(
      configWithGates([
        "minScore: 0.7",
        "minPassRate: 0.8",
        "maxScoreDrop: 0.05",
        "maxCostIncrease: 10",
        "maxMonthlyCost: 500",
        "failOnUnknownCost: true",
        "maxErrorRate: 0.1",
        "confidence: 0.9",
        "minFineTuneGain: 0.03",
        "promptFirst: warn",
      ]),
      "promptfirst.yaml",
    );
    expect(readGatesThresholds(config.gates)).toEqual({
      minScore: 0.7,
      minPassRate: 0.8,
      maxScoreDrop: 0.05,
      maxCostIncrease: 10,
      maxMonthlyCost: 500,
      failOnUnknownCost: true,
      maxErrorRate: 0.1,
      confidence: 0.9,
      minFineTuneGain: 0.03,
      promptFirst: "warn",
    });
  });

  it("leaves out what the block does not set, so the defaults fill it", () => {
    const { config } = parseConfig(configWithGates(["minPassRate: 0.5"]), "promptfirst.yaml");
    expect(readGatesThresholds(config.gates)).toEqual({ minPassRate: 0.5 });
    expect(readGatesThresholds(undefined)).toEqual({});
    expect(resolveThresholds(readGatesThresholds(config.gates))).toEqual({
      ...DEFAULT_GATE_THRESHOLDS,
      minPassRate: 0.5,
    });
  });

  it("rejects minPassRate and failOnUnknownCost values of the wrong kind, on their line", () => {
    const text = configWithGates(["minPassRate: 80%", "failOnUnknownCost: yes please"]);
    expect(() => parseConfig(text, "promptfirst.yaml")).toThrow(
      [
        "promptfirst.yaml has 2 problems:",
        '  promptfirst.yaml:2: gates.minPassRate: must be a number, got "80%"',
        '  promptfirst.yaml:3: gates.failOnUnknownCost: must be true or false, got "yes please"',
      ].join("\n"),
    );
    expect(() => parseConfig(configWithGates(["minPassRate: 1.5"]), "promptfirst.yaml")).toThrow(
      "promptfirst.yaml:2: gates.minPassRate: must be between 0 and 1, got 1.5",
    );
  });

  it("lets the config's minPassRate and failOnUnknownCost judge a comparison, and flags override them", () => {
    const { base, head } = flakyRuns();
    const { config } = parseConfig(
      configWithGates(["minPassRate: 0.8", "failOnUnknownCost: true"]),
      "promptfirst.yaml",
    );
    const fromConfig = readGatesThresholds(config.gates);
    const judged = compareRuns(base, head, fromConfig);
    expect(judged.thresholds).toMatchObject({ minPassRate: 0.8, failOnUnknownCost: true });
    expect(judged.verdict.gates.quality.reasons).toContain(
      "qa / p1: 1 case(s) pass in fewer than 80.0% of their samples: a",
    );
    expect(judged.verdict.gates.quality.status).toBe("fail");
    expect(judged.verdict.gates.cost.status).toBe("fail");
    // Flags spread after the config win: a lower minimum pass rate, and an unknown price that does not fail.
    const flags = { minPassRate: 0.6, failOnUnknownCost: false };
    const overridden = compareRuns(base, head, { ...fromConfig, ...flags });
    expect(overridden.thresholds).toMatchObject(flags);
    expect(overridden.suites[0]!.candidates[0]!.minPassRateViolations).toEqual([]);
    expect(overridden.verdict.gates.cost.status).toBe("unknown");
    // Without the config, neither is set: no pass-rate check, and the unknown price is only reported.
    const plain = compareRuns(base, head);
    expect(plain.thresholds.minPassRate).toBeUndefined();
    expect(plain.verdict.gates.cost.status).toBe("unknown");
  });
});
