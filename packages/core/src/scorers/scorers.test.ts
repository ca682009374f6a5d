import { describe, expect, it } from "vitest";
import type { ScoreResult } from "../types.ts";
import { scorerConfigSchema } from "./schema.ts";
import { combineScores, createScorer, createScorers } from "./scorers.ts";
import type { ScorerInput, ScorerRuntime } from "./types.ts";

interface Row {
  entry: unknown;
  output: string;
  expected?: unknown;
  vars?: Record<string, unknown>;
  score: number | null;
  pass: boolean;
  reason: string | RegExp;
}

async function runScorer(
  entry: unknown,
  input: Partial<ScorerInput>,
  runtime: ScorerRuntime = {},
): Promise<ScoreResult> {
  const scorer = createScorer(scorerConfigSchema.parse(entry), runtime, { baseDir: "/repo", index: 0 });
  const full: ScorerInput = { output: "", vars: {}, caseId: "case-1", ...input };
  return scorer.score(full);
}

async function checkRow(row: Row): Promise<void> {
  const input: Partial<ScorerInput> = { output: row.output, vars: row.vars ?? {} };
  if ("expected" in row) input.expected = row.expected;
  const result = await runScorer(row.entry, input);
  if (row.score === null) expect(result.score).toBeNull();
  else expect(result.score).toBeCloseTo(row.score, 6);
  expect(result.pass).toBe(row.pass);
  if (typeof row.reason === "string") expect(result.reason).toBe(row.reason);
  else expect(result.reason).toMatch(row.reason);
}

describe("exact", () => {
  it.each<[string, Row]>([
    [
      "equal after trimming",
      {
        entry: { exact: "{{expected}}" },
        output: "  Paris\n",
        expected: "Paris",
        score: 1,
        pass: true,
        reason: 'output equals "Paris"',
      },
    ],
    [
      "case differs",
      {
        entry: { exact: "{{expected}}" },
        output: "paris",
        expected: "Paris",
        score: 0,
        pass: false,
        reason: 'expected "Paris", got "paris" (first difference at character 1)',
      },
    ],
    [
      "case ignored when asked",
      {
        entry: { exact: "{{expected}}", caseSensitive: false },
        output: "PARIS",
        expected: "paris",
        score: 1,
        pass: true,
        reason: 'output equals "paris"',
      },
    ],
    [
      "whitespace kept when trim is off",
      {
        entry: { exact: "{{expected}}", trim: false },
        output: "Paris ",
        expected: "Paris",
        score: 0,
        pass: false,
        reason: 'expected "Paris", got "Paris " (first difference at character 6)',
      },
    ],
    [
      "composed and decomposed accents are equal",
      {
        entry: { exact: "{{expected}}" },
        output: "Cafe\u0301",
        expected: "Caf\u00e9",
        score: 1,
        pass: true,
        reason: 'output equals "Café"',
      },
    ],
    [
      "emoji count as one character",
      {
        entry: { exact: "{{expected}}" },
        output: "👍 yes",
        expected: "👍 no",
        score: 0,
        pass: false,
        reason: 'expected "👍 no", got "👍 yes" (first difference at character 3)',
      },
    ],
    [
      "a number expected",
      {
        entry: { exact: "{{expected}}" },
        output: "42",
        expected: 42,
        score: 1,
        pass: true,
        reason: 'output equals "42"',
      },
    ],
    [
      "empty output",
      {
        entry: { exact: "{{expected}}" },
        output: "",
        expected: "yes",
        score: 0,
        pass: false,
        reason: 'expected "yes", got "" (first difference at character 1)',
      },
    ],
    [
      "a template with case vars",
      {
        entry: { exact: "Hello {{name}}" },
        output: "Hello Ada",
        vars: { name: "Ada" },
        score: 1,
        pass: true,
        reason: 'output equals "Hello Ada"',
      },
    ],
    [
      "no expected value: does not apply",
      {
        entry: { exact: "{{expected}}" },
        output: "x",
        score: null,
        pass: true,
        reason: "does not apply: the case has no expected value (exact uses {{expected}})",
      },
    ],
    [
      "expected null counts as none",
      {
        entry: { exact: "{{expected}}" },
        output: "x",
        expected: null,
        score: null,
        pass: true,
        reason: /^does not apply/,
      },
    ],
    [
      "a missing case variable is an error, not a crash",
      {
        entry: { exact: "{{answer}}" },
        output: "x",
        vars: { question: "q" },
        score: 0,
        pass: false,
        reason: /variable "\{\{answer\}\}" is not defined in case "case-1" \(the case defines: question\)/,
      },
    ],
  ])("%s", async (_label, row) => {
    await checkRow(row);
  });
});

describe("contains", () => {
  it.each<[string, Row]>([
    [
      "found, case-insensitive by default",
      {
        entry: { contains: "{{expected}}" },
        output: "You get a REFUND.",
        expected: "refund",
        score: 1,
        pass: true,
        reason: 'found "refund"',
      },
    ],
    [
      "case-sensitive when asked",
      {
        entry: { contains: "{{expected}}", caseSensitive: true },
        output: "You get a REFUND.",
        expected: "refund",
        score: 0,
        pass: false,
        reason: 'missing 1 of 1: "refund"',
      },
    ],
    [
      "all: fraction found, fails below threshold 1",
      {
        entry: { contains: ["refund", "30 days"] },
        output: "Refunds take 10 days.",
        score: 0.5,
        pass: false,
        reason: 'missing 1 of 2: "30 days"',
      },
    ],
    [
      "all: passes with a lower threshold",
      {
        entry: { contains: ["refund", "30 days", "receipt"], threshold: 0.6 },
        output: "Refund within 30 days.",
        score: 2 / 3,
        pass: true,
        reason: 'missing 1 of 3: "receipt"',
      },
    ],
    [
      "all found",
      {
        entry: { contains: ["refund", "30 days"] },
        output: "A refund within 30 days.",
        score: 1,
        pass: true,
        reason: 'found all 2: "refund", "30 days"',
      },
    ],
    [
      "any: one is enough",
      {
        entry: { contains: ["yes", "sure"], mode: "any" },
        output: "Sure thing",
        score: 1,
        pass: true,
        reason: 'found "sure"',
      },
    ],
    [
      "any: none found",
      {
        entry: { contains: ["yes", "sure"], mode: "any" },
        output: "No.",
        score: 0,
        pass: false,
        reason: 'found none of 2: "yes", "sure"',
      },
    ],
    [
      "an expected list expands into needles",
      {
        entry: { contains: "{{expected}}" },
        output: "refund in 30 days",
        expected: ["refund", "30 days", "receipt"],
        score: 2 / 3,
        pass: false,
        reason: 'missing 1 of 3: "receipt"',
      },
    ],
    [
      "unicode case folding",
      { entry: { contains: "ÉTÉ" }, output: "en été", score: 1, pass: true, reason: 'found "ÉTÉ"' },
    ],
    [
      "empty output",
      { entry: { contains: "x" }, output: "", score: 0, pass: false, reason: 'missing 1 of 1: "x"' },
    ],
    [
      "an empty needle does not apply",
      {
        entry: { contains: "{{expected}}" },
        output: "anything",
        expected: "",
        score: null,
        pass: true,
        reason: "does not apply: the contains text is empty",
      },
    ],
    [
      "no expected value",
      {
        entry: { contains: ["{{expected}}", "x"] },
        output: "x",
        score: null,
        pass: true,
        reason: /^does not apply: the case has no expected value/,
      },
    ],
  ])("%s", async (_label, row) => {
    await checkRow(row);
  });
});

describe("startsWith / endsWith / notContains", () => {
  it.each<[string, Row]>([
    [
      "starts, ignoring leading whitespace and case",
      {
        entry: { startsWith: "dear" },
        output: "\n Dear Ada,",
        score: 1,
        pass: true,
        reason: 'output starts with "dear"',
      },
    ],
    [
      "does not start",
      {
        entry: { startsWith: "Dear" },
        output: "Hi Ada, how are you today?",
        score: 0,
        pass: false,
        reason: 'output does not start with "Dear"; it starts with "Hi Ada, how ar"',
      },
    ],
    [
      "case-sensitive start",
      {
        entry: { startsWith: "Dear", caseSensitive: true },
        output: "dear Ada",
        score: 0,
        pass: false,
        reason: /^output does not start with "Dear"/,
      },
    ],
    [
      "starts on empty output",
      {
        entry: { startsWith: "A" },
        output: "",
        score: 0,
        pass: false,
        reason: 'output does not start with "A"; it is empty',
      },
    ],
    [
      "ends, ignoring trailing whitespace",
      {
        entry: { endsWith: "Regards." },
        output: "Thanks. regards.\n\n",
        score: 1,
        pass: true,
        reason: 'output ends with "Regards."',
      },
    ],
    [
      "does not end",
      {
        entry: { endsWith: "{{expected}}" },
        expected: "Bye",
        output: "See you soon",
        score: 0,
        pass: false,
        reason: 'output does not end with "Bye"; it ends with "See you soon"',
      },
    ],
    [
      "forbidden text absent",
      {
        entry: { notContains: ["As an AI", "I cannot"] },
        output: "Here is your answer.",
        score: 1,
        pass: true,
        reason: 'output contains none of 2: "As an AI", "I cannot"',
      },
    ],
    [
      "forbidden text present, case-insensitive",
      {
        entry: { notContains: ["As an AI", "I cannot"] },
        output: "as an ai model, I can help",
        score: 0,
        pass: false,
        reason: 'output contains a forbidden text: "As an AI"',
      },
    ],
    [
      "one forbidden text absent",
      {
        entry: { notContains: "sorry" },
        output: "Done.",
        score: 1,
        pass: true,
        reason: 'output does not contain "sorry"',
      },
    ],
    [
      "two forbidden texts present",
      {
        entry: { notContains: ["a", "b"] },
        output: "ab",
        score: 0,
        pass: false,
        reason: 'output contains 2 forbidden texts: "a", "b"',
      },
    ],
  ])("%s", async (_label, row) => {
    await checkRow(row);
  });
});

describe("regex", () => {
  it.each<[string, Row]>([
    [
      "matches",
      {
        entry: { regex: "\\d{3}-\\d{4}" },
        output: "Call 555-1234 now",
        score: 1,
        pass: true,
        reason: 'matched "555-1234" at character 6',
      },
    ],
    [
      "no match",
      {
        entry: { regex: "^\\d+$" },
        output: "12a",
        score: 0,
        pass: false,
        reason: 'no match for /^\\d+$/ in "12a"',
      },
    ],
    [
      "flags apply",
      {
        entry: { regex: "^yes$", flags: "im" },
        output: "well\nYES",
        score: 1,
        pass: true,
        reason: 'matched "YES" at character 6',
      },
    ],
    [
      "the g flag does not make matching stateful",
      {
        entry: { regex: "a", flags: "g" },
        output: "a",
        score: 1,
        pass: true,
        reason: 'matched "a" at character 1',
      },
    ],
    [
      "unicode positions in code points",
      {
        entry: { regex: "b", flags: "u" },
        output: "🎉b",
        score: 1,
        pass: true,
        reason: 'matched "b" at character 2',
      },
    ],
    [
      "empty output",
      {
        entry: { regex: "." },
        output: "",
        score: 0,
        pass: false,
        reason: "no match for /./ in the empty output",
      },
    ],
  ])("%s", async (_label, row) => {
    await checkRow(row);
  });

  it("turns a pattern that does not compile into a failed score, not an exception", async () => {
    const scorer = createScorer({ regex: "(" }, {}, { baseDir: "", index: 0 });
    const result = await scorer.score({ output: "x", vars: {}, caseId: "c" });
    expect(result).toMatchObject({ name: "regex", score: 0, pass: false, metadata: { error: true } });
    expect(result.reason).toMatch(/^regex "\(" does not compile: Invalid regular expression/);
  });
});

describe("json", () => {
  const schema = {
    type: "object",
    required: ["id", "items"],
    properties: {
      id: { type: "string" },
      items: { type: "array", items: { type: "object", properties: { price: { type: "number" } } } },
      status: { enum: ["open", "closed"] },
      email: { type: "string", format: "email" },
    },
    additionalProperties: false,
  };

  it.each<[string, Row]>([
    [
      "valid JSON",
      { entry: { json: true }, output: '{"a": 1}', score: 1, pass: true, reason: "output is valid JSON" },
    ],
    [
      "valid JSON array with whitespace",
      { entry: { json: {} }, output: "\n [1, 2]\n", score: 1, pass: true, reason: "output is valid JSON" },
    ],
    [
      "fenced JSON",
      {
        entry: { json: true },
        output: '```json\n{"a": 1}\n```',
        score: 1,
        pass: true,
        reason: "output is valid JSON (inside a ```json fence)",
      },
    ],
    [
      "plain fence",
      {
        entry: { json: true },
        output: "```\n[1]\n```\n",
        score: 1,
        pass: true,
        reason: "output is valid JSON (inside a ```json fence)",
      },
    ],
    [
      "invalid JSON",
      {
        entry: { json: true },
        output: '{"a": 1,}',
        score: 0,
        pass: false,
        reason: /^output is not valid JSON: .+/,
      },
    ],
    [
      "invalid JSON inside a fence",
      {
        entry: { json: true },
        output: "```json\n{a: 1}\n```",
        score: 0,
        pass: false,
        reason: /^output is not valid JSON \(inside a ```json fence\): .+/,
      },
    ],
    [
      "prose is not JSON",
      {
        entry: { json: true },
        output: "Sure! Here it is.",
        score: 0,
        pass: false,
        reason: /^output is not valid JSON: /,
      },
    ],
    [
      "empty output",
      { entry: { json: true }, output: "  ", score: 0, pass: false, reason: "output is empty, not JSON" },
    ],
    [
      "matches the schema",
      {
        entry: { json: { schema } },
        output: '{"id": "x", "items": [{"price": 2}], "status": "open", "email": "a@b.co"}',
        score: 1,
        pass: true,
        reason: "output is valid JSON and matches the schema",
      },
    ],
    [
      "schema violations name the failing paths",
      {
        entry: { json: { schema } },
        output: '{"items": [{"price": "2"}], "extra": true}',
        score: 0,
        pass: false,
        reason:
          "output does not match the JSON Schema (3 problems): $ must have required property 'id'; $ must NOT have additional properties (\"extra\"); $.items[0].price must be number",
      },
    ],
    [
      "enum and format violations",
      {
        entry: { json: { schema } },
        output: '{"id": "x", "items": [], "status": "pending", "email": "nope"}',
        score: 0,
        pass: false,
        reason:
          'output does not match the JSON Schema (2 problems): $.status must be equal to one of the allowed values ("open", "closed"); $.email must match format "email"',
      },
    ],
    [
      "more than three problems are counted",
      {
        entry: { json: { schema: { type: "array", items: { type: "integer" } } } },
        output: '["a", "b", "c", "d", 5]',
        score: 0,
        pass: false,
        reason:
          "output does not match the JSON Schema (4 problems): $[0] must be integer; $[1] must be integer; $[2] must be integer; and 1 more",
      },
    ],
    [
      "a 2020-12 schema",
      {
        entry: {
          json: {
            schema: {
              $schema: "https://json-schema.org/draft/2020-12/schema",
              type: "array",
              prefixItems: [{ type: "string" }],
            },
          },
        },
        output: "[1]",
        score: 0,
        pass: false,
        reason: "output does not match the JSON Schema (1 problem): $[0] must be string",
      },
    ],
  ])("%s", async (_label, row) => {
    await checkRow(row);
  });

  it("reads a schema file through the runtime, resolved against the config directory, once", async () => {
    const requested: string[] = [];
    const runtime: ScorerRuntime = {
      loadJsonSchema: async (schemaPath) => {
        requested.push(schemaPath);
        return { type: "object", required: ["answer"] };
      },
    };
    const scorer = createScorer({ json: { schema: "./schemas/answer.json" } }, runtime, {
      baseDir: "/repo/evals/",
      index: 2,
    });
    const ok = await scorer.score({ output: '{"answer": 1}', vars: {}, caseId: "a" });
    const bad = await scorer.score({ output: "{}", vars: {}, caseId: "b" });
    expect(ok).toMatchObject({ score: 1, pass: true });
    expect(bad).toMatchObject({
      score: 0,
      pass: false,
      reason: "output does not match the JSON Schema (1 problem): $ must have required property 'answer'",
    });
    expect(requested).toEqual(["/repo/evals/schemas/answer.json"]);
  });

  it("fails every case with the reason when the schema file cannot be read, and prepare() throws it", async () => {
    const scorer = createScorer({ json: { schema: "missing.json" } }, {}, { baseDir: "/repo", index: 3 });
    await expect(scorer.prepare()).rejects.toThrow(
      'scorer "json" (scorers[3]): cannot read the JSON Schema "missing.json": no JSON Schema loader was given to the scorer',
    );
    const result = await scorer.score({ output: "{}", vars: {}, caseId: "a" });
    expect(result).toMatchObject({ score: 0, pass: false, metadata: { error: true } });
    expect(result.reason).toMatch(/no JSON Schema loader/);
  });

  it("reports an invalid schema (loaded after config parsing) as a scoring error", async () => {
    const scorer = createScorer({ json: { schema: { type: 12 } } }, {}, { baseDir: "", index: 0 });
    const result = await scorer.score({ output: "{}", vars: {}, caseId: "a" });
    expect(result.score).toBe(0);
    expect(result.reason).toMatch(/^scorer "json" \(scorers\[0\]\): the inline JSON Schema is invalid: /);
  });
});

describe("similarity", () => {
  it.each<[string, Row]>([
    [
      "token F1 of identical texts",
      {
        entry: { similarity: "{{expected}}" },
        output: "The capital is Paris.",
        expected: "the capital is paris",
        score: 1,
        pass: true,
        reason: 'token-f1 similarity 1 to "the capital is paris" (at least the threshold 0.8)',
      },
    ],
    [
      "token F1 partial overlap",
      {
        // 4 common tokens: precision 4/4, recall 4/5 → F1 = 8/9.
        entry: { similarity: "{{expected}}" },
        output: "paris is the capital",
        expected: "the capital city is paris",
        score: 0.8888888888888888,
        pass: true,
        reason: /^token-f1 similarity 0.89 /,
      },
    ],
    [
      "token F1 below the threshold",
      {
        entry: { similarity: "{{expected}}" },
        output: "London",
        expected: "Paris is the capital",
        score: 0,
        pass: false,
        reason: 'token-f1 similarity 0 to "Paris is the capital" (below the threshold 0.8)',
      },
    ],
    [
      "token F1 counts repeats",
      // predicted: a a a (3), expected: a b (2): common 1 → P 1/3, R 1/2 → F1 0.4
      {
        entry: { similarity: "a b" },
        output: "a a a",
        score: 0.4,
        pass: false,
        reason: /^token-f1 similarity 0.4 /,
      },
    ],
    [
      "token F1 over non-Latin scripts",
      {
        entry: { similarity: "привет мир", threshold: 0.5 },
        output: "Привет, мир!",
        score: 1,
        pass: true,
        reason: /^token-f1 similarity 1 /,
      },
    ],
    [
      "levenshtein",
      // kitten → sitting: distance 3, longer length 7.
      {
        entry: { similarity: "sitting", method: "levenshtein", threshold: 0.5 },
        output: "kitten",
        score: 1 - 3 / 7,
        pass: true,
        reason: 'levenshtein similarity 0.57 to "sitting" (at least the threshold 0.5)',
      },
    ],
    [
      "levenshtein in code points",
      {
        entry: { similarity: "😀a", method: "levenshtein" },
        output: "😀b",
        score: 0.5,
        pass: false,
        reason: /^levenshtein similarity 0.5 /,
      },
    ],
    [
      "both empty",
      {
        entry: { similarity: "{{expected}}" },
        output: "",
        expected: "   ",
        score: 1,
        pass: true,
        reason: /^token-f1 similarity 1 /,
      },
    ],
    [
      "empty output",
      {
        entry: { similarity: "{{expected}}", method: "levenshtein" },
        output: "",
        expected: "abc",
        score: 0,
        pass: false,
        reason: /^levenshtein similarity 0 /,
      },
    ],
    [
      "no expected value",
      {
        entry: { similarity: "{{expected}}" },
        output: "x",
        score: null,
        pass: true,
        reason: /^does not apply/,
      },
    ],
  ])("%s", async (_label, row) => {
    await checkRow(row);
  });
});

describe("createScorers", () => {
  it("names scorers uniquely: configured names first, then kinds with #2, #3", () => {
    const configs = [
      { contains: "a" },
      { contains: "b" },
      { exact: "c", name: "contains" },
      { judge: "r", name: "tone" },
      { judge: "s", name: "tone" },
      { contains: "d" },
    ].map((entry) => scorerConfigSchema.parse(entry));
    const scorers = createScorers(configs, {}, { baseDir: "/repo" });
    expect(scorers.map((s) => [s.name, s.kind])).toEqual([
      ["contains#2", "contains"],
      ["contains#3", "contains"],
      ["contains", "exact"],
      ["tone", "judge"],
      ["tone#2", "judge"],
      ["contains#4", "contains"],
    ]);
  });

  it("puts the name on every result", async () => {
    const [first, second] = createScorers([{ contains: "a" }, { contains: "b" }], {}, { baseDir: "" });
    const input = { output: "a", vars: {}, caseId: "c" };
    expect(await first!.score(input)).toEqual({
      name: "contains",
      score: 1,
      pass: true,
      reason: 'found "a"',
    });
    expect(await second!.score(input)).toEqual({
      name: "contains#2",
      score: 0,
      pass: false,
      reason: 'missing 1 of 1: "b"',
    });
  });
});

describe("combineScores", () => {
  const result = (score: number | null, pass: boolean): ScoreResult => ({
    name: "s",
    score,
    pass,
    reason: "r",
  });
  it.each<[string, ScoreResult[], { score: number | null; pass: boolean }]>([
    ["mean of scores, all pass", [result(1, true), result(0.5, true)], { score: 0.75, pass: true }],
    ["one failure fails the case", [result(1, true), result(0, false)], { score: 0.5, pass: false }],
    ["null scores are left out", [result(null, true), result(0.25, true)], { score: 0.25, pass: true }],
    ["a passing low score still passes", [result(0.6, true)], { score: 0.6, pass: true }],
    ["nothing applies", [result(null, true), result(null, true)], { score: null, pass: true }],
    ["no scorers", [], { score: null, pass: true }],
  ])("%s", (_label, results, expected) => {
    expect(combineScores(results)).toEqual(expected);
  });
});
