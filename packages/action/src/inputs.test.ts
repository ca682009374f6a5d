import { readFileSync } from "node:fs";
import path from "node:path";
import { parseYamlSource } from "@promptfirst/core";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./action-harness.ts";
import { INPUT_DEFAULTS, INPUT_NAMES, InputError, parseInputs } from "./inputs.ts";

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
    expect(inputs.mode).toBe("check");
    expect(inputs.shard).toBeUndefined();
  });

  it("reads comment-author, a GitHub App's bot login, and names a bad one", () => {
    expect(parseInputs(read({ "comment-author": "promptfirst-app[bot]" })).commentAuthor).toBe(
      "promptfirst-app[bot]",
    );
    expect(parseInputs(read({})).commentAuthor).toBeUndefined();
    expect(() => parseInputs(read({ "comment-author": "my app[bot]" }))).toThrow(
      'input "comment-author": got "my app[bot]"; allowed: a GitHub login, e.g. my-app[bot] for a GitHub App\'s token (the app\'s slug followed by [bot])',
    );
  });

  it("reads a shard of a matrix, and the merge mode", () => {
    expect(parseInputs(read({ shard: "2/4" })).shard).toEqual({ index: 2, count: 4 });
    expect(parseInputs(read({ shard: " 4/4 " })).shard).toEqual({ index: 4, count: 4 });
    const merge = parseInputs(read({ mode: "merge" }));
    expect(merge.mode).toBe("merge");
    expect(merge.shard).toBeUndefined();
  });

  it.each(["0/4", "5/4", "x", "1/0", "2"])(
    "rejects shard=%j naming the input, the value and what is allowed",
    (value) => {
      expect(() => parseInputs(read({ shard: value }))).toThrow(
        `input "shard": got ${JSON.stringify(value)}; allowed: i/n, shard i of n with 1 ≤ i ≤ n ≤ 1000 (e.g. 2/4 for the second of four), or empty for no sharding`,
      );
    },
  );

  it("rejects a shard in merge mode: the merge job reads every shard", () => {
    expect(() => parseInputs(read({ shard: "1/4", mode: "merge" }))).toThrow(
      'input "shard": got "1/4"; allowed: empty when mode is merge',
    );
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
    ["mode", "shard", "check, merge"],
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

describe("action.yml", () => {
  const declared = (() => {
    const text = readFileSync(path.join(REPO_ROOT, "action.yml"), "utf8");
    const doc = parseYamlSource(text, "action.yml").value as {
      inputs: Record<string, { description?: string; default?: unknown; required?: boolean }>;
    };
    return doc.inputs;
  })();

  it("declares exactly the inputs the Action reads, each with a description and a default", () => {
    expect(Object.keys(declared).sort()).toEqual([...INPUT_NAMES].sort());
    for (const [name, input] of Object.entries(declared)) {
      expect(input.description?.trim(), name).toBeTruthy();
      expect(typeof input.default, `${name} has a default`).toBe("string");
      expect(input.required, name).toBe(false);
    }
  });

  it("gives the defaults the Action applies when run outside `uses:`", () => {
    for (const [name, input] of Object.entries(declared)) {
      if (name === "github-token") continue;
      expect(input.default, name).toBe(INPUT_DEFAULTS[name] ?? "");
    }
  });
});
