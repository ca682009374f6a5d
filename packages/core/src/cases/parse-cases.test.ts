import { describe, expect, it } from "vitest";
import { isPromptfirstError } from "../errors.ts";
import { computeCaseId } from "./case-record.ts";
import { detectCasesFormat, parseCases } from "./parse-cases.ts";

function parseError(file: string, text: string): { code: string; message: string } {
  try {
    parseCases(text, file);
  } catch (error) {
    if (isPromptfirstError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`expected ${file} to be rejected`);
}

describe("parseCases: JSONL", () => {
  it("reads canonical and flat rows, skipping blank lines and // comments", () => {
    const cases = parseCases(
      [
        "// support questions",
        '{"id": "refund", "vars": {"question": "Can I get a refund?"}, "expected": "30 days", "cluster": "billing"}',
        "",
        '{"question": "Where is my parcel?", "expected": "tracking", "cluster": 7}',
        '{"id": 42, "vars": {}}',
      ].join("\n"),
      "evals/support.jsonl",
    );
    expect(cases).toEqual([
      {
        id: "refund",
        vars: { question: "Can I get a refund?" },
        expected: "30 days",
        cluster: "billing",
        source: "evals/support.jsonl:2",
      },
      {
        id: computeCaseId({ question: "Where is my parcel?" }, "tracking"),
        vars: { question: "Where is my parcel?" },
        expected: "tracking",
        cluster: "7",
        source: "evals/support.jsonl:4",
      },
      { id: "42", vars: {}, source: "evals/support.jsonl:5" },
    ]);
  });

  it("treats expected: null as no expected value", () => {
    const [only] = parseCases('{"vars": {"a": 1}, "expected": null}', "x.jsonl");
    expect(only).not.toHaveProperty("expected");
  });
});

describe("parseCases: JSON and YAML", () => {
  it("reads a JSON array with each case's line", () => {
    const cases = parseCases(
      '[\n  {"id": "a", "vars": {"q": 1}},\n  {\n    "q": 2,\n    "expected": [1, 2]\n  }\n]\n',
      "evals/x.json",
    );
    expect(cases.map((c) => c.source)).toEqual(["evals/x.json:2", "evals/x.json:3"]);
    expect(cases[1]).toMatchObject({ vars: { q: 2 }, expected: [1, 2] });
  });

  it("reads { cases: [...] } in JSON and YAML alike", () => {
    const json = parseCases('{"cases": [{"vars": {"q": "x"}}]}', "a.json");
    const yaml = parseCases("cases:\n  - vars:\n      q: x\n", "a.yaml");
    expect(json[0]?.id).toBe(yaml[0]?.id);
    expect(yaml[0]?.source).toBe("a.yaml:2");
  });

  it("reads a YAML list of flat rows with structured values", () => {
    const cases = parseCases(
      "- question: Reset my password\n  customer:\n    name: Ann\n  expected: |\n    Use the reset link.\n- id: two\n  vars: { question: Hi }\n",
      "evals/x.yml",
    );
    expect(cases).toEqual([
      expect.objectContaining({
        vars: { question: "Reset my password", customer: { name: "Ann" } },
        expected: "Use the reset link.\n",
        source: "evals/x.yml:1",
      }),
      { id: "two", vars: { question: "Hi" }, source: "evals/x.yml:6" },
    ]);
  });
});

describe("parseCases: CSV", () => {
  it("reads special columns, vars.* and plain columns, and quoted multi-line fields", () => {
    const cases = parseCases(
      [
        "\uFEFFid,question,vars.customer.name,expected,cluster",
        'pwd,"How do I reset my password?",Ann,"Use the ""Forgot password"" link.",account',
        "",
        ',"Line one,',
        'line two",Bo,,',
        "r3,Plain,Cy,x,",
      ].join("\r\n"),
      "evals/support.csv",
    );
    expect(cases).toEqual([
      {
        id: "pwd",
        vars: { question: "How do I reset my password?", customer: { name: "Ann" } },
        expected: 'Use the "Forgot password" link.',
        cluster: "account",
        source: "evals/support.csv:2",
      },
      {
        id: computeCaseId({ question: "Line one,\nline two", customer: { name: "Bo" } }),
        vars: { question: "Line one,\nline two", customer: { name: "Bo" } },
        source: "evals/support.csv:4",
      },
      {
        id: "r3",
        vars: { question: "Plain", customer: { name: "Cy" } },
        expected: "x",
        source: "evals/support.csv:6",
      },
    ]);
  });

  it("reads TSV with tabs", () => {
    const cases = parseCases("q\texpected\nhello, world\thi\n", "a.tsv");
    expect(cases[0]).toMatchObject({ vars: { q: "hello, world" }, expected: "hi", source: "a.tsv:2" });
  });
});

describe("case ids", () => {
  it("derives the same id whatever the key order or the file format", () => {
    const a = parseCases(
      '{"vars": {"b": 2, "a": {"y": 1, "x": [1, {"q": 1, "p": 2}]}}, "expected": "e"}',
      "a.jsonl",
    );
    const b = parseCases("- expected: e\n  a:\n    x: [1, {p: 2, q: 1}]\n    y: 1\n  b: 2\n", "b.yaml");
    expect(a[0]?.id).toBe(b[0]?.id);
    expect(a[0]?.id).toMatch(/^[0-9a-f]{10}$/);
  });

  it("is stable across runs: the SHA-256 of the canonical JSON, known values", () => {
    // sha256('{"vars":{"question":"hi"}}') and sha256('{"expected":"hello","vars":{"question":"hi"}}')
    expect(computeCaseId({ question: "hi" })).toBe("8796d78817");
    expect(computeCaseId({ question: "hi" }, "hello")).toBe("6f832a09e4");
  });

  it("suffixes identical derived cases -2, -3 and avoids given ids", () => {
    const base = computeCaseId({ q: 1 });
    const cases = parseCases(`{"q": 1}\n{"q": 1}\n{"id": "${base}-2", "q": 9}\n{"q": 1}\n`, "dup.jsonl");
    expect(cases.map((c) => c.id)).toEqual([base, `${base}-3`, `${base}-2`, `${base}-4`]);
  });
});

describe("detectCasesFormat", () => {
  it.each([
    ["a.jsonl", "jsonl"],
    ["a.NDJSON", "jsonl"],
    ["a.json", "json"],
    ["a.yaml", "yaml"],
    ["a.yml", "yaml"],
    ["a.csv", "csv"],
    ["a.tsv", "tsv"],
    ["a.txt", undefined],
  ])("%s → %s", (file, format) => {
    expect(detectCasesFormat(file)).toBe(format);
  });
});

const JSONL = "evals/x.jsonl";
const JSON_FILE = "evals/x.json";
const YAML_FILE = "evals/x.yaml";
const CSV = "evals/x.csv";

describe("parseCases: malformed files name the file and the line", () => {
  it.each([
    [
      "JSONL trailing comma",
      JSONL,
      '{"vars": {"a": 1}}\n{"vars": {"a": 2},}\n',
      `${JSONL}:2: invalid JSON at column 18: a trailing comma before "}": remove the comma`,
    ],
    [
      "JSONL single quotes",
      JSONL,
      "{'vars': {}}\n",
      `${JSONL}:1: invalid JSON at column 2: expected a property name in double quotes, found "'"`,
    ],
    [
      "JSONL unclosed object",
      JSONL,
      '{"vars": {"a": 1}\n',
      `${JSONL}:1: invalid JSON at column 18: expected "," or "}" after a property value, found the end of the input; the "{" at column 1 is never closed`,
    ],
    [
      "JSONL Python literal",
      JSONL,
      '{"vars": {"a": True}}\n',
      `${JSONL}:1: invalid JSON at column 16: unexpected word "True"`,
    ],
    [
      "JSONL duplicate key",
      JSONL,
      '{"vars": {"a": 1}, "vars": {"a": 2}}\n',
      `${JSONL}:1: invalid JSON at column 20: duplicate key "vars" (first at column 2): JSON keeps only the last one`,
    ],
    [
      "JSON duplicate key, by line",
      JSON_FILE,
      '[\n  {\n    "vars": {},\n    "expected": 1,\n    "expected": 2\n  }\n]\n',
      `${JSON_FILE}:5: invalid JSON at column 5: duplicate key "expected" (first at line 4, column 5)`,
    ],
    [
      "JSONL line that is not an object",
      JSONL,
      '{"vars": {}}\n[1, 2]\n',
      `${JSONL}:2: each line must be one case object`,
    ],
    [
      "duplicate ids name both lines",
      JSONL,
      '{"id": "refund", "vars": {}}\n{"id": "other", "vars": {}}\n{"id": "refund", "vars": {}}\n',
      `${JSONL}:3: id: "refund" is already the id of the case on line 1: give each case its own id`,
    ],
    [
      "id of the wrong type",
      JSONL,
      '{"id": true, "vars": {}}\n',
      `${JSONL}:1: id: must be text or a number, got the boolean true`,
    ],
    [
      "cluster of the wrong type",
      JSONL,
      '{"cluster": {}, "q": 1}\n',
      `${JSONL}:1: cluster: must be text or a number, got a mapping`,
    ],
    [
      "vars that is not an object",
      JSONL,
      '{"vars": "hello"}\n',
      `${JSONL}:1: vars: must be an object of variables`,
    ],
    [
      "unknown key beside vars",
      JSONL,
      '{"vars": {}, "expcted": "x"}\n',
      `${JSONL}:1: expcted: unknown key "expcted" (did you mean "expected"?)`,
    ],
    [
      "misspelt expected in a flat row",
      JSONL,
      '{"question": "q", "expectd": "x"}\n',
      `${JSONL}:1: expectd: looks like "expected" misspelt`,
    ],
    [
      "upper-case reserved key in a flat row",
      JSONL,
      '{"ID": "a", "q": 1}\n',
      `${JSONL}:1: ID: reserved keys are lower case: write "id"`,
    ],
    ["empty JSONL file", JSONL, "\n// nothing yet\n", `${JSONL}: no cases: the file is empty`],
    [
      "JSON unclosed array",
      JSON_FILE,
      '[\n  {"vars": {"a": 1}},\n  {"vars": {"b": 2}}\n',
      `${JSON_FILE}:4: invalid JSON at column 1: expected "," or "]" after a list item, found the end of the input; the "[" at line 1, column 1 is never closed`,
    ],
    [
      "JSON case with bad vars, by index and line",
      JSON_FILE,
      '[\n  {"vars": {"a": 1}},\n  {\n    "vars": 3\n  }\n]\n',
      `${JSON_FILE}:4: [1].vars: must be an object of variables like { "question": "..." }, got the number 3`,
    ],
    [
      "JSON that is not a list",
      JSON_FILE,
      '"hello"',
      `${JSON_FILE}:1: a case file must be a list of cases or { cases: [...] }`,
    ],
    [
      "JSON object with an unknown key",
      JSON_FILE,
      '{\n  "case": []\n}\n',
      `${JSON_FILE}:2: case: unknown key "case" (did you mean "cases"?)`,
    ],
    ["YAML duplicate key", YAML_FILE, "- vars: {a: 1}\n  vars: {a: 2}\n", `${YAML_FILE}:2: invalid YAML`],
    [
      "YAML case with vars as a list",
      YAML_FILE,
      "cases:\n  - vars: {a: 1}\n  - vars:\n      - a\n",
      `${YAML_FILE}:4: cases[1].vars: must be an object of variables`,
    ],
    ["YAML scalar", YAML_FILE, "just text\n", `${YAML_FILE}:1: a case file must be a list of cases`],
    [
      "CSV row with too many fields",
      CSV,
      "question,expected\nhello,hi\nhello, world,hi\n",
      `${CSV}:3: this row has 3 fields but the header has 2: quote fields that contain a comma`,
    ],
    [
      "CSV quote never closed",
      CSV,
      'question,expected\nok,fine\n"unclosed,x\nnext,row\n',
      `${CSV}:3: invalid CSV: a quoted field is never closed`,
    ],
    [
      "CSV text after a closing quote",
      CSV,
      'question,expected\n"a"b,x\n',
      `${CSV}:2: invalid CSV: text follows a closing quote`,
    ],
    ["CSV duplicate column", CSV, "q,vars.q\n1,2\n", `${CSV}:1: column 2 "vars.q" repeats column 1`],
    ["CSV unnamed column", CSV, "q,,expected\n1,2,3\n", `${CSV}:1: column 2 has no name`],
    [
      "CSV upper-case special column",
      CSV,
      "q,Expected\n1,2\n",
      `${CSV}:1: column 2 "Expected": write the special column "expected" in lower case`,
    ],
    ["CSV header only", CSV, "question,expected\n", `${CSV}: no cases`],
    [
      "CSV duplicate ids",
      CSV,
      "id,q\na,1\nb,2\na,3\n",
      `${CSV}:4: id: "a" is already the id of the case on line 2`,
    ],
    [
      "unsupported extension",
      "evals/x.txt",
      "hello",
      "evals/x.txt: cannot read cases from this kind of file",
    ],
  ])("%s", (_label, file, text, expected) => {
    const error = parseError(file, text);
    expect(error.code).toBe("CASES_INVALID");
    expect(error.message).toContain(expected);
  });

  it("collects every problem in the file into one error", () => {
    const error = parseError(
      JSONL,
      '{"id": 1, "vars": {}}\nnot json\n{"id": 1, "vars": []}\n{"id": "1", "q": 2}\n',
    );
    expect(error.message).toBe(
      [
        `${JSONL}: invalid case file`,
        `  ${JSONL}:2: invalid JSON at column 1: unexpected word "not": JSON values are "strings", numbers, true, false, null, {...} or [...]`,
        `  ${JSONL}:3: vars: must be an object of variables like { "question": "..." }, got a list`,
        `  ${JSONL}:4: id: "1" is already the id of the case on line 1: give each case its own id`,
      ].join("\n"),
    );
  });
});
