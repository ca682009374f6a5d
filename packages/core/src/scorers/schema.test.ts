import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getScorerKind, SCORER_KINDS, scorerConfigSchema } from "./schema.ts";

function issuesOf(entry: unknown): Array<{ path: string; message: string }> {
  const result = scorerConfigSchema.safeParse(entry);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

describe("scorerConfigSchema: valid entries", () => {
  it.each<[string, unknown]>([
    ["exact", { exact: "{{expected}}" }],
    [
      "exact with options",
      { exact: "{{expected}}", caseSensitive: false, trim: false, name: "answer", threshold: 1 },
    ],
    ["contains string", { contains: "{{expected}}" }],
    ["contains list any", { contains: ["refund", "30 days"], mode: "any", caseSensitive: true }],
    ["startsWith", { startsWith: "Dear" }],
    ["endsWith", { endsWith: "Regards", caseSensitive: true }],
    ["notContains list", { notContains: ["As an AI", "I cannot"] }],
    ["regex with flags", { regex: "^\\d{3}-\\d{4}$", flags: "im" }],
    ["json true", { json: true }],
    ["json schema path", { json: { schema: "schemas/answer.json" } }],
    ["json inline schema", { json: { schema: { type: "object", required: ["id"] } } }],
    ["json empty object", { json: {} }],
    ["similarity", { similarity: "{{expected}}", method: "levenshtein", threshold: 0.7 }],
    ["judge rubric", { judge: "Polite and correct" }],
    [
      "judge object",
      {
        judge: {
          rubric: "Correct?",
          choices: [
            { choice: "Yes", score: 1 },
            { choice: "No", score: 0 },
          ],
          model: "gpt-4o-mini",
          temperature: 0,
          system: "Be fair.",
        },
        threshold: 1,
      },
    ],
    ["judge custom prompt", { judge: { prompt: "Is {{output}} a haiku about {{topic}}?" } }],
    ["custom ts with options", { custom: "./scorers/tone.ts", options: { strict: true } }],
    ["custom mjs", { custom: "scorer.mjs" }],
    ["threshold 0", { contains: "x", threshold: 0 }],
  ])("accepts %s", (_label, entry) => {
    expect(issuesOf(entry)).toEqual([]);
    expect(scorerConfigSchema.parse(entry)).toEqual(entry);
  });

  it("knows every scorer kind", () => {
    expect(SCORER_KINDS).toEqual([
      "exact",
      "contains",
      "startsWith",
      "endsWith",
      "notContains",
      "regex",
      "json",
      "similarity",
      "judge",
      "custom",
    ]);
    expect(getScorerKind(scorerConfigSchema.parse({ notContains: "x", name: "n" }))).toBe("notContains");
  });
});

describe("scorerConfigSchema: mistakes get one precise message", () => {
  const kinds = "exact, contains, startsWith, endsWith, notContains, regex, json, similarity, judge, custom";
  it.each<[string, unknown, Array<{ path: string; message: string }>]>([
    [
      "a typo in the scorer key",
      { containz: "x" },
      [{ path: "", message: 'unknown scorer "containz" (did you mean "contains"?)' }],
    ],
    [
      "snake_case scorer key",
      { starts_with: "Dear" },
      [{ path: "", message: 'unknown scorer "starts_with" (did you mean "startsWith"?)' }],
    ],
    [
      "an unknown scorer",
      { bleu: "x" },
      [{ path: "", message: `unknown scorer "bleu"; use one of: ${kinds}` }],
    ],
    [
      "two scorer keys",
      { contains: "a", regex: "b" },
      [
        {
          path: "",
          message: 'has two scorer keys ("contains", "regex"); put each scorer in its own list entry',
        },
      ],
    ],
    [
      "three scorer keys",
      { exact: "a", contains: "b", json: true },
      [
        {
          path: "",
          message:
            'has three scorer keys ("exact", "contains", "json"); put each scorer in its own list entry',
        },
      ],
    ],
    ["an empty mapping", {}, [{ path: "", message: `names no scorer; use one of: ${kinds}` }]],
    [
      "only options",
      { threshold: 0.5 },
      [{ path: "", message: `names no scorer (it only sets "threshold"); use one of: ${kinds}` }],
    ],
    [
      "a bare string",
      "contains",
      [
        {
          path: "",
          message:
            'must be a mapping with one scorer key, e.g. { contains: "{{expected}}" }, got "contains" (write "contains: ..." with its argument)',
        },
      ],
    ],
    [
      "threshold above 1",
      { contains: "x", threshold: 1.5 },
      [{ path: "threshold", message: "threshold must be between 0 and 1, got 1.5" }],
    ],
    [
      "negative threshold",
      { similarity: "{{expected}}", threshold: -0.1 },
      [{ path: "threshold", message: "threshold must be between 0 and 1, got -0.1" }],
    ],
    [
      "threshold as a string",
      { exact: "x", threshold: "high" },
      [{ path: "threshold", message: 'threshold must be a number between 0 and 1, got "high"' }],
    ],
    [
      "a regex that does not compile",
      { regex: "([a-z]+" },
      [
        {
          path: "regex",
          message: expect.stringMatching(
            /^regex "\(\[a-z\]\+" does not compile: Invalid regular expression: .*Unterminated group/,
          ),
        },
      ],
    ],
    [
      "bad regex flags",
      { regex: "abc", flags: "iq" },
      [
        {
          path: "flags",
          message:
            'flags "iq" are not valid regular expression flags (use each of d, g, i, m, s, u, v, y at most once)',
        },
      ],
    ],
    [
      "a typo in an option",
      { contains: "x", caseSensitiv: true },
      [
        {
          path: "caseSensitiv",
          message: 'unknown option "caseSensitiv" for the contains scorer (did you mean "caseSensitive"?)',
        },
      ],
    ],
    [
      "another scorer's option",
      { exact: "x", mode: "any" },
      [
        {
          path: "mode",
          message:
            'unknown option "mode" for the exact scorer (it is an option of contains); allowed: caseSensitive, trim, name, threshold',
        },
      ],
    ],
    [
      "a wrong mode",
      { contains: "x", mode: "every" },
      [{ path: "mode", message: 'mode must be "all" or "any", got "every"' }],
    ],
    [
      "contains with a number",
      { contains: 5 },
      [
        {
          path: "contains",
          message:
            'contains must be a text template or a list of them, e.g. "{{expected}}" or ["refund", "30 days"]; got 5',
        },
      ],
    ],
    [
      "json false",
      { json: false },
      [
        {
          path: "json",
          message:
            "json must be true or { schema: <path to a JSON Schema file, or the schema inline> }, got false",
        },
      ],
    ],
    [
      "an invalid inline JSON Schema",
      { json: { schema: { type: "objekt" } } },
      [{ path: "json.schema", message: expect.stringMatching(/^the inline JSON Schema is invalid: .*type/) }],
    ],
    [
      "a judge without rubric or prompt",
      { judge: { model: "m" } },
      [{ path: "judge", message: "judge needs a rubric or a prompt" }],
    ],
    [
      "a judge prompt without {{output}}",
      { judge: { prompt: "Grade it." } },
      [
        {
          path: "judge.prompt",
          message:
            "the judge prompt must contain {{output}} (or {{completion}}), where the output to grade goes",
        },
      ],
    ],
    [
      "a judge choice scored above 1",
      { judge: { rubric: "r", choices: [{ choice: "A", score: 2 }] } },
      [{ path: "judge.choices.0.score", message: "score must be between 0 and 1, got 2" }],
    ],
    [
      "a repeated judge choice",
      {
        judge: {
          rubric: "r",
          choices: [
            { choice: "Yes", score: 1 },
            { choice: "yes", score: 0 },
          ],
        },
      },
      [{ path: "judge.choices.1.choice", message: 'choice "yes" is listed twice' }],
    ],
    [
      "a custom module with a bad extension",
      { custom: "scorer.py" },
      [
        {
          path: "custom",
          message: 'custom scorer module "scorer.py" must be a .js, .mjs, .cjs, .ts, .mts, .cts file',
        },
      ],
    ],
    ["an empty name", { exact: "x", name: "" }, [{ path: "name", message: "name must not be empty" }]],
    [
      "a wrong type inside a judge mapping",
      { judge: { rubric: "r", temperature: "hot" } },
      [{ path: "judge.temperature", message: 'temperature must be a number, got "hot"' }],
    ],
    [
      "a typo inside a judge mapping",
      { judge: { rubrik: "r" } },
      [
        { path: "judge.rubrik", message: 'unknown key "rubrik" in judge (did you mean "rubric"?)' },
        { path: "judge", message: "judge needs a rubric or a prompt" },
      ],
    ],
    [
      "a judge choice without a score",
      { judge: { rubric: "r", choices: [{ choice: "A", scor: 1 }] } },
      [
        { path: "judge.choices.0.score", message: "score must be a number between 0 and 1, got nothing" },
        { path: "judge.choices.0.scor", message: 'unknown key "scor" in choices (did you mean "score"?)' },
      ],
    ],
    [
      "a judge rubric as a number",
      { judge: 5 },
      [{ path: "judge", message: expect.stringMatching(/^judge must be a rubric \(text\) or .*, got 5$/) }],
    ],
    [
      "a json schema of the wrong type",
      { json: { schema: 5 } },
      [
        {
          path: "json.schema",
          message: "schema must be the path to a JSON Schema file or the schema itself (a mapping), got 5",
        },
      ],
    ],
    [
      "a typo inside json",
      { json: { shema: "s.json" } },
      [{ path: "json.shema", message: 'unknown key "shema" in json (did you mean "schema"?)' }],
    ],
    [
      "a number in a contains list",
      { contains: ["refund", 30] },
      [{ path: "contains.1", message: "each contains text must be a string, got 30" }],
    ],
    [
      "an empty notContains list",
      { notContains: [] },
      [{ path: "notContains", message: "notContains needs at least one text" }],
    ],
  ])("reports %s", (_label, entry, expected) => {
    expect(issuesOf(entry)).toEqual(expected);
  });

  it("reports issues with paths under the entry when nested in a config", () => {
    const suite = z.object({ scorers: z.array(scorerConfigSchema) });
    const result = suite.safeParse({
      scorers: [{ contains: "a" }, { containz: "b" }, { contains: "c", threshold: 3 }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [["scorers", 1], 'unknown scorer "containz" (did you mean "contains"?)'],
      [["scorers", 2, "threshold"], "threshold must be between 0 and 1, got 3"],
    ]);
  });

  it("describes the entries for editors as a union of strict objects", () => {
    const schema = z.toJSONSchema(scorerConfigSchema) as {
      anyOf?: Array<{ required?: string[]; additionalProperties?: boolean }>;
    };
    expect(schema.anyOf?.map((branch) => branch.required?.[0])).toEqual([...SCORER_KINDS]);
    expect(schema.anyOf?.every((branch) => branch.additionalProperties === false)).toBe(true);
  });
});
