import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatIssue, isPromptfirstError } from "../errors.ts";
import { parseYamlSource } from "../yaml/source.ts";
import { convertZodIssues, parseConfig, validateYaml } from "./parse.ts";

const FILE = "promptfirst.yaml";

/** A config's lines joined into its text (one string per line keeps the line numbers readable). */
function yaml(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/** The error parseConfig throws for `text`: its code, message and issues formatted as `file:line: path: message`. */
function configError(text: string): { code: string; message: string; lines: string[] } {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    if (isPromptfirstError(error)) {
      return { code: error.code, message: error.message, lines: error.issues.map(formatIssue) };
    }
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

/** The head of a valid suite, for mistakes further down (lines 1-4). */
const SUITE = ["suites:", "  support:", "    cases: evals/support.jsonl", "    scorers:"];
/** The rest of a valid suite after its scorers (lines n to n+3). */
const CANDIDATES = [
  "    candidates:",
  "      v1:",
  "        model: gpt-4o-mini",
  "        prompt: prompts/support.md",
];

describe("parseConfig", () => {
  it("reads a valid config", () => {
    const { config } = parseConfig(
      yaml(
        "# yaml-language-server: $schema=./node_modules/@promptfirst/core/promptfirst.schema.json",
        ...SUITE,
        '      - contains: "{{expected}}"',
        ...CANDIDATES,
      ),
      FILE,
    );
    expect(config.suites.support?.candidates.v1).toEqual({
      model: "gpt-4o-mini",
      prompt: "prompts/support.md",
    });
    expect(config.suites.support?.scorers).toEqual([{ contains: "{{expected}}" }]);
  });

  it("ignores a byte-order mark", () => {
    const { config } = parseConfig(`\uFEFF${yaml(...SUITE, "      - exact: yes", ...CANDIDATES)}`, FILE);
    expect(Object.keys(config.suites)).toEqual(["support"]);
  });

  it.each<[string, string, string[]]>([
    [
      "a YAML syntax error",
      yaml("suites:", "  support:", "    cases: evals/support.jsonl", "   target: 0.8"),
      [`${FILE}:4: invalid YAML (column 1): All mapping items must start at the same column`],
    ],
    [
      "a tab used for indentation",
      yaml("suites:", "\tsupport:", "    cases: evals/support.jsonl"),
      [`${FILE}:2: invalid YAML (column 1): Tabs are not allowed as indentation`],
    ],
    [
      "a duplicate key",
      yaml(...SUITE, "      - exact: yes", "    cases: evals/other.jsonl", ...CANDIDATES),
      [
        `${FILE}:6: invalid YAML (column 5): duplicate key "cases": each key may appear only once in a mapping`,
      ],
    ],
    [
      "an empty file",
      "",
      [`${FILE}:1: the file is empty; a config needs at least one suite under "suites:"`],
    ],
    [
      "a file of comments only",
      yaml("# promptfirst config", "# todo"),
      [`${FILE}:1: the file is empty; a config needs at least one suite under "suites:"`],
    ],
    ["a list instead of a mapping", yaml("- support"), [`${FILE}:1: the file must be a mapping, got a list`]],
    [
      "an unknown top-level key, reported once (not also as a missing suites)",
      yaml("provider:", "  concurrency: 2", "sutes:", "  support:", "    cases: evals/support.jsonl"),
      [`${FILE}:3: sutes: unknown key "sutes" (did you mean "suites"?)`],
    ],
    [
      "an unknown top-level key with nothing close",
      yaml(...SUITE, "      - exact: yes", ...CANDIDATES, "colour: blue"),
      [
        `${FILE}:10: colour: unknown key "colour"; allowed keys: version, provider, judge, pricing, models, gates, cache, suites`,
      ],
    ],
    [
      "an unknown candidate key",
      yaml(
        ...SUITE,
        "      - exact: yes",
        "    candidates:",
        "      v1:",
        "        model: gpt-4o-mini",
        "        promt: p.md",
      ),
      [`${FILE}:9: suites.support.candidates.v1.promt: unknown key "promt" (did you mean "prompt"?)`],
    ],
    [
      "a target given as text",
      yaml(...SUITE, "      - exact: yes", "    target: high", ...CANDIDATES),
      [`${FILE}:6: suites.support.target: must be a number, got "high"`],
    ],
    [
      "a target above 1",
      yaml(...SUITE, "      - exact: yes", "    target: 1.5", ...CANDIDATES),
      [`${FILE}:6: suites.support.target: must be between 0 and 1, got 1.5`],
    ],
    [
      "repeat 0",
      yaml(...SUITE, "      - exact: yes", "    repeat: 0", ...CANDIDATES),
      [`${FILE}:6: suites.support.repeat: must be at least 1, got 0`],
    ],
    [
      "a fractional volume",
      yaml(...SUITE, "      - exact: yes", "    volume: 2.5", ...CANDIDATES),
      [`${FILE}:6: suites.support.volume: must be an integer, got 2.5`],
    ],
    [
      "concurrency 0",
      yaml("provider:", "  concurrency: 0", ...SUITE, "      - exact: yes", ...CANDIDATES),
      [`${FILE}:2: provider.concurrency: must be at least 1, got 0`],
    ],
    [
      "a baseURL that is not a URL",
      yaml("provider:", "  baseURL: api.openai.com", ...SUITE, "      - exact: yes", ...CANDIDATES),
      [`${FILE}:2: provider.baseURL: must be a URL such as https://api.openai.com/v1, got "api.openai.com"`],
    ],
    [
      "an apiKeyEnv that holds a key instead of a variable name",
      yaml("provider:", "  apiKeyEnv: sk-proj-123", ...SUITE, "      - exact: yes", ...CANDIDATES),
      [
        `${FILE}:2: provider.apiKeyEnv: must be an environment variable name such as OPENAI_API_KEY, got "sk-proj-123"`,
      ],
    ],
    [
      "a provider type typo",
      yaml("provider:", "  type: opneai", ...SUITE, "      - exact: yes", ...CANDIDATES),
      [`${FILE}:2: provider.type: must be one of "openai", "replay", got "opneai" (did you mean "openai"?)`],
    ],
    [
      "a candidate's provider override with a bad baseURL (nested line)",
      yaml(...SUITE, "      - exact: yes", ...CANDIDATES, "        provider:", "          baseURL: together"),
      [
        `${FILE}:11: suites.support.candidates.v1.provider.baseURL: must be a URL such as https://api.openai.com/v1, got "together"`,
      ],
    ],
    [
      "no suites",
      yaml("provider:", "  concurrency: 2", "suites: {}"),
      [
        `${FILE}:3: suites: define at least one suite, e.g. support: { cases: evals/support.jsonl, scorers: [...], candidates: {...} }`,
      ],
    ],
    [
      "no suites key at all",
      yaml("provider:", "  concurrency: 2"),
      [`${FILE}:1: suites: is required (the evaluations to run, by name)`],
    ],
    [
      "an empty value where a mapping belongs",
      yaml(...SUITE, "      - exact: yes", "    candidates:", "    target: 0.5"),
      [`${FILE}:6: suites.support.candidates: must be a mapping, got null (an empty value)`],
    ],
    [
      "a suite with no candidates",
      yaml(...SUITE, "      - exact: yes", "    candidates: {}"),
      [
        `${FILE}:6: suites.support.candidates: a suite needs at least one candidate, e.g. my-prompt: { model: gpt-4o-mini, prompt: prompts/my-prompt.md }`,
      ],
    ],
    [
      "a suite without a candidates key (reported on the suite's line)",
      yaml(...SUITE, "      - exact: yes"),
      [
        `${FILE}:2: suites.support.candidates: is required (the alternatives to evaluate on the cases, by name)`,
      ],
    ],
    [
      "an invalid suite name, with the suite's other mistakes still reported",
      yaml(
        "suites:",
        "  my support!:",
        "    target: 2",
        "    candidates:",
        "      v1:",
        "        prompt: p.md",
      ),
      [
        `${FILE}:2: suites["my support!"]: invalid suite name "my support!": use letters, digits, '.', '_' or '-' (starting with a letter or digit)`,
        `${FILE}:3: suites["my support!"].target: must be between 0 and 1, got 2`,
      ],
    ],
    [
      "an invalid candidate name",
      yaml(...SUITE, "      - exact: yes", "    candidates:", "      -v1:", "        prompt: p.md"),
      [
        `${FILE}:7: suites.support.candidates["-v1"]: invalid candidate name "-v1": use letters, digits, '.', '_' or '-' (starting with a letter or digit)`,
      ],
    ],
    [
      "a candidate without a prompt (reported on the candidate's line)",
      yaml(...SUITE, "      - exact: yes", "    candidates:", "      v1:", "        model: gpt-4o-mini"),
      [
        `${FILE}:7: suites.support.candidates.v1.prompt: is required (prompt file, relative to the config: a text/markdown template with {{vars}}, chat messages (YAML), or a GitHub Models .prompt.yml)`,
      ],
    ],
    [
      "a fine-tune without training data",
      yaml(...SUITE, "      - exact: yes", ...CANDIDATES, "        fineTune:", "          baseModel: llama"),
      [
        `${FILE}:10: suites.support.candidates.v1.fineTune.trainingData: is required (chat fine-tuning data, JSONL with {"messages": [...]} per line, relative to the config)`,
      ],
    ],
    [
      "a scorer typo",
      yaml(...SUITE, "      - exact: yes", '      - containz: "{{expected}}"', ...CANDIDATES),
      [`${FILE}:6: suites.support.scorers[1]: unknown scorer "containz" (did you mean "contains"?)`],
    ],
    [
      "a scorer with two scorer keys",
      yaml(...SUITE, "      - contains: refund", "        regex: ^\\d+$", ...CANDIDATES),
      [
        `${FILE}:5: suites.support.scorers[0]: has two scorer keys ("contains", "regex"); put each scorer in its own list entry`,
      ],
    ],
    [
      "an empty scorer",
      yaml(...SUITE, "      - {}", ...CANDIDATES),
      [
        `${FILE}:5: suites.support.scorers[0]: names no scorer; use one of: exact, contains, startsWith, endsWith, notContains, regex, json, similarity, judge, custom`,
      ],
    ],
    [
      "a regex that does not compile",
      yaml(...SUITE, '      - regex: "(unclosed"', ...CANDIDATES),
      [
        `${FILE}:5: suites.support.scorers[0].regex: regex "(unclosed" does not compile: Invalid regular expression: /(unclosed/: Unterminated group`,
      ],
    ],
    [
      "an unquoted {{template}}, read by YAML as a mapping",
      yaml(...SUITE, "      - contains: {{expected}}", ...CANDIDATES),
      [
        `${FILE}:5: YAML reads a value starting with "{{" as a mapping: quote it, e.g. contains: "{{expected}}" (or use a | block)`,
      ],
    ],
    [
      "wrong values in version, gates and params",
      yaml(
        "version: 2",
        "gates:",
        "  confidence: 0.3",
        "  promptFirst: enforced",
        ...SUITE,
        "      - exact: yes",
        ...CANDIDATES,
        "        temperature: 3",
        "        params:",
        "          stop: [a, b, c, d, e]",
        "          top_k: 3",
      ),
      [
        `${FILE}:1: version: must be 1, got 2`,
        `${FILE}:3: gates.confidence: must be greater than 0.5, got 0.3`,
        `${FILE}:4: gates.promptFirst: must be one of "enforce", "warn", "off", got "enforced" (did you mean "enforce"?)`,
        `${FILE}:14: suites.support.candidates.v1.temperature: must be between 0 and 2, got 3`,
        `${FILE}:16: suites.support.candidates.v1.params.stop: must list at most 4 items`,
        `${FILE}:17: suites.support.candidates.v1.params.top_k: unknown key "top_k" (did you mean "top_p"?)`,
      ],
    ],
    [
      "several mistakes at once, all reported in file order",
      yaml(
        "provider:",
        "  type: opneai",
        "  concurrency: 0",
        "suites:",
        "  support:",
        "    target: 1.5",
        "    scorers:",
        "      - exact: yes",
        '      - containz: "{{expected}}"',
        "    candidates:",
        "      v1:",
        "        promt: prompts/support.md",
      ),
      [
        `${FILE}:2: provider.type: must be one of "openai", "replay", got "opneai" (did you mean "openai"?)`,
        `${FILE}:3: provider.concurrency: must be at least 1, got 0`,
        `${FILE}:6: suites.support.target: must be between 0 and 1, got 1.5`,
        `${FILE}:9: suites.support.scorers[1]: unknown scorer "containz" (did you mean "contains"?)`,
        `${FILE}:12: suites.support.candidates.v1.promt: unknown key "promt" (did you mean "prompt"?)`,
      ],
    ],
  ])("reports %s", (_name, text, expected) => {
    const error = configError(text);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.lines).toEqual(expected);
    const heading = `${FILE} has ${expected.length} problem${expected.length === 1 ? "" : "s"}:`;
    expect(error.message).toBe([heading, ...expected.map((line) => `  ${line}`)].join("\n"));
  });
});

describe("parseConfig read twice", () => {
  const text = "suites:\n  s:\n    cases: c.jsonl\n    candidates:\n      a: { model: m, prompt: p.md }\n";

  it("answers the same text and name from its last parse, and parses anything else anew", () => {
    const first = parseConfig(text, "twice.yaml");
    expect(parseConfig(text, "twice.yaml")).toBe(first);
    const renamed = parseConfig(text, "other.yaml");
    expect(renamed).not.toBe(first);
    expect(renamed.config).toEqual(first.config);
    const changed = parseConfig(text.replace("model: m", "model: n"), "other.yaml");
    expect(changed.config.suites.s?.candidates.a).toMatchObject({ model: "n" });
  });

  it("still reports a broken text every time", () => {
    expect(() => parseConfig("suites: 3\n", "broken.yaml")).toThrow("broken.yaml");
    expect(() => parseConfig("suites: 3\n", "broken.yaml")).toThrow("broken.yaml");
  });
});

describe("validateYaml", () => {
  const schema = z.strictObject({ name: z.string().min(1), size: z.int().max(10).optional() });

  it("returns the value when it conforms", () => {
    expect(validateYaml("name: a\nsize: 3\n", "x.yaml", schema).value).toEqual({ name: "a", size: 3 });
  });

  it("rewords zod's defaults and names lines", () => {
    const { issues } = validateYaml('name: ""\nsize: 11\n', "x.yaml", schema);
    expect(issues.map(formatIssue)).toEqual([
      "x.yaml:1: name: must not be empty",
      "x.yaml:2: size: must be at most 10, got 11",
    ]);
  });

  it("uses the caller's message for an empty document", () => {
    expect(validateYaml("", "x.yaml", schema, { whenEmpty: "write something" }).issues).toEqual([
      { file: "x.yaml", line: 1, message: "write something" },
    ]);
  });
});

describe("convertZodIssues", () => {
  it("places issues of a validated part under a path prefix", () => {
    const text = "outer:\n  inner:\n    size: big\n";
    const source = parseYamlSource(text, "x.yaml");
    const part = z.strictObject({ size: z.number() });
    const result = part.safeParse({ size: "big" });
    expect(result.success).toBe(false);
    const issues = convertZodIssues(result.error!.issues, source, "x.yaml", part, ["outer", "inner"]);
    expect(issues.map(formatIssue)).toEqual(['x.yaml:3: outer.inner.size: must be a number, got "big"']);
  });
});
